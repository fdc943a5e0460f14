"""Comments and following."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import (
    PermissionDenied,
)

from .. import permissions
from ..models import (
    Challenge,
    Comment,
    Event,
    Follow,
)
from ._base import (
    _lock_visible,
    _raise_if,
    _record_event,
    _require,
)

# --- discussion -----------------------------------------------------------------------------


def comment_add(*, actor: Any, challenge: Challenge | int, body: str) -> Comment:
    """Add a comment to a challenge the actor may discuss. Commenting follows the challenge."""
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        if not permissions.can_comment(actor, locked):
            raise PermissionDenied(_("You may not comment on this challenge."))
        errors: dict[str, list[str]] = {}
        _require(errors, "body", body)
        if body and len(body) > 10_000:
            errors.setdefault("body", []).append(_("At most 10,000 characters."))
        _raise_if(errors)
        comment = Comment.objects.create(
            challenge=locked, author=actor, body=body.strip()
        )
        Follow.objects.get_or_create(user=actor, challenge=locked)
        _record_event(
            kind=Event.Kind.COMMENT, actor=actor, challenge=locked, comment=comment
        )
    return comment


def challenge_follow(*, actor: Any, challenge: Challenge | int) -> Follow:
    """Follow a challenge the actor can see (idempotent)."""
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        if not permissions.can_follow(actor, locked):
            raise PermissionDenied(_("You may not follow this challenge."))
        follow, _created = Follow.objects.get_or_create(user=actor, challenge=locked)
    return follow


def challenge_unfollow(*, actor: Any, challenge: Challenge | int) -> None:
    """Stop following (idempotent)."""
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        Follow.objects.filter(user=actor, challenge=locked).delete()
