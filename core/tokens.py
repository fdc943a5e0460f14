"""Personal API tokens: made, listed and revoked by their owner; revoked (never read) by a
coordinator. Keys are random (256 bits), so a plain SHA-256 digest is a safe way to keep them:
there is nothing to guess that a slow hash would protect."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.exceptions import MissingInput, NotFound
from core.models import ApiToken, User

NAME_MAX = 100
LIFETIMES_DAYS = (30, 90, 365)
DEFAULT_LIFETIME_DAYS = 90
TOKEN_ENDPOINT_NAME = "POST /api/v1/auth/token/"


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(
    *, actor: User, name: str, lifetime_days: int | None = DEFAULT_LIFETIME_DAYS
) -> tuple[ApiToken, str]:
    """Make a token for the actor; returns it with its key, which is never available again.
    ``lifetime_days`` is one of ``LIFETIMES_DAYS`` (``None``: no expiry, for the token
    endpoint's scripts that ask again anyway). Raises ``MissingInput``."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the token a name (what uses it).")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(max)d characters.") % {"max": NAME_MAX}]
    if lifetime_days is not None and lifetime_days not in LIFETIMES_DAYS:
        errors["lifetime_days"] = [_("Choose one of the offered lifetimes.")]
    if errors:
        raise MissingInput(fields=errors)
    key = secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + datetime.timedelta(days=lifetime_days) if lifetime_days else None
    )
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=key[:8], digest=digest_of(key), expires_at=expires_at
    )
    return token, key


def token_revoke(*, actor: Any, token: ApiToken | int) -> None:
    """Delete a token: its owner may, and a coordinator may (for anybody). Others get
    ``NotFound`` (they may not even know it exists)."""
    pk = token.pk if isinstance(token, ApiToken) else token
    with transaction.atomic():
        found = ApiToken.objects.select_for_update().filter(pk=pk).first()
        if found is None or not (
            found.user_id == getattr(actor, "pk", None) or permissions.roles_of(actor).coordinator
        ):
            raise NotFound(_("Token not found."))
        found.delete()


def tokens_of(user: User):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def user_for_key(key: str) -> User | None:
    """The active owner of a valid, unexpired token with this key (one query), else ``None``."""
    token = (
        ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
        if key
        else None
    )
    if token is None or token.is_expired or not token.user.is_active:
        return None
    return token.user
