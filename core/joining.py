"""Joining an organisation that is already a partner of the network: a person asks, and the
organisation's members who may admit (``Membership.can_admit``) or the coordinators decide.

Services announce what happened through ``core.hooks`` (the notifications app mails it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks, permissions
from core.exceptions import MissingInput, NotFound, TransitionNotAllowed
from core.models import JoinRequest, Membership, Organisation, User

MESSAGE_MAX = 2000
DISPLAY_NAME_MAX = 150


def join_request_create(
    *,
    organisation: Organisation | None,
    person_email: str,
    person_display_name: str,
    password: str,
    message: str = "",
    preferred_language: str = "de",
) -> JoinRequest:
    """A newcomer asks to join an admitted ``organisation``: an inactive account (it cannot
    sign in until the request is admitted) and a pending request, announced to those who
    decide. Raises ``MissingInput`` with field errors (unknown or not admitted organisation,
    address already registered, weak password, missing fields)."""
    errors: dict[str, list[str]] = {}
    email = (person_email or "").strip().lower()
    name = (person_display_name or "").strip()
    if organisation is None or not organisation.is_admitted:
        errors.setdefault("organisation", []).append(
            _("Choose an organisation that is a partner of the network.")
        )
    if not name:
        errors.setdefault("person_display_name", []).append(_("This field is required."))
    elif len(name) > DISPLAY_NAME_MAX:
        errors.setdefault("person_display_name", []).append(
            _("At most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}
        )
    if not email:
        errors.setdefault("person_email", []).append(_("This field is required."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("person_email", []).append(_("Enter a valid email address."))
        else:
            if User.objects.filter(email__iexact=email).exists():
                errors.setdefault("person_email", []).append(
                    _("This address is already registered. Sign in, or reset your password.")
                )
    if not password:
        errors.setdefault("password", []).append(_("This field is required."))
    else:
        try:
            validate_password(password, User(email=email, display_name=name))
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    if len(message or "") > MESSAGE_MAX:
        errors.setdefault("message", []).append(
            _("At most %(max)d characters.") % {"max": MESSAGE_MAX}
        )
    if errors:
        raise MissingInput(fields=errors)
    language = preferred_language if preferred_language in dict(settings.LANGUAGES) else "de"
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=name,
                preferred_language=language,
                is_active=False,
            )
            request = JoinRequest.objects.create(
                user=user, organisation=organisation, message=(message or "").strip()
            )
            hooks.announce(hooks.JOIN_REQUESTED, request=request)
    except IntegrityError as exc:  # the same address, a moment ago, in a parallel request
        raise MissingInput(fields={"person_email": [
            _("This address is already registered. Sign in, or reset your password.")
        ]}) from exc
    return request


def join_request_deciders(request: JoinRequest) -> list[User]:
    """Who may decide ``request``: active members of its organisation who may admit, and the
    coordinators."""
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(is_coordinator=True)
            | Q(memberships__organisation=request.organisation_id, memberships__can_admit=True)
        )
        .exclude(pk=request.user_id)
        .distinct()
        .order_by("pk")
    )


def join_requests_to_decide(user: Any):
    """The pending requests ``user`` may decide, oldest first."""
    qs = JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).select_related(
        "user", "organisation"
    )
    if permissions.roles_of(user).coordinator:
        return qs.order_by("created_at", "pk")
    admits = Membership.objects.filter(user=user, can_admit=True).values("organisation")
    return qs.filter(organisation__in=admits).order_by("created_at", "pk")


def _lock_decidable(actor: Any, request: JoinRequest | int) -> JoinRequest:
    pk = request.pk if isinstance(request, JoinRequest) else request
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .filter(pk=pk)
        .first()
    )
    # Someone who may not decide it does not learn that it exists.
    if locked is None or not permissions.can_decide_join_request(actor, locked):
        raise NotFound(_("No such request."))
    if locked.status != JoinRequest.Status.PENDING:
        raise TransitionNotAllowed(_("This request has already been decided."))
    return locked


def join_request_admit(*, actor: Any, request: JoinRequest | int) -> JoinRequest:
    """Admit a pending request: the person becomes a member of the organisation and, if they
    never signed in, able to sign in; they are told with their first steps. Raises
    ``NotFound`` (not theirs to decide) and ``TransitionNotAllowed`` (already decided)."""
    with transaction.atomic():
        locked = _lock_decidable(actor, request)
        locked.status = JoinRequest.Status.ADMITTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        Membership.objects.get_or_create(user=locked.user, organisation=locked.organisation)
        User.objects.filter(pk=locked.user_id, is_active=False, last_login__isnull=True).update(
            is_active=True
        )
        permissions.forget_roles(locked.user)
        hooks.announce(hooks.JOIN_ADMITTED, request=locked, actor=actor)
    return locked


def join_request_decline(*, actor: Any, request: JoinRequest | int, reason: str) -> JoinRequest:
    """Decline a pending request with a ``reason``, which the person is told. Raises
    ``MissingInput`` without a reason, ``NotFound`` and ``TransitionNotAllowed`` as above."""
    reason = (reason or "").strip()
    if not reason:
        raise MissingInput(fields={"reason": [_("Say briefly why, for the person who asked.")]})
    with transaction.atomic():
        locked = _lock_decidable(actor, request)
        locked.status = JoinRequest.Status.DECLINED
        locked.reason = reason
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        hooks.announce(hooks.JOIN_DECLINED, request=locked, actor=actor, reason=reason)
    return locked


def pending_application_of(user: User | None) -> bool:
    """Whether ``user`` cannot sign in only because their application or request to join
    waits for a decision (the sign-in page then says so, never "wrong password")."""
    if user is None or user.is_active:
        return False
    return (
        Organisation.objects.filter(
            memberships__user=user, status=Organisation.Status.PENDING
        ).exists()
        or JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).exists()
    )
