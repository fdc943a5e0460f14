"""Writes of the network base: partner applications, admissions and a person's own settings.

Keyword-only, the acting user as ``actor``, one transaction each; errors are the domain errors
of ``core.exceptions`` (``MissingInput`` carries field errors for the forms).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks, permissions
from core.exceptions import DuplicateInput, MissingInput, PermissionDenied, TransitionNotAllowed
from core.models import Membership, Organisation, Region, User
from core.validators import validate_web_address

DISPLAY_NAME_MAX = 150


def _required(errors: dict[str, list[str]], field: str, value: Any) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.setdefault(field, []).append(_("This field is required."))


def organisation_apply(
    *,
    name: str,
    kind: str,
    region: Region | None,
    person_email: str,
    person_display_name: str,
    password: str,
    website: str = "",
    description: str = "",
    contact_email: str = "",
    preferred_language: str = "de",
) -> Organisation:
    """An organisation applies to join the network together with its first person.

    The organisation stays ``pending`` and the person cannot sign in until a coordinator admits
    it (:func:`organisation_admit`). Raises ``MissingInput`` with field errors (name or email
    already known, weak password, missing fields), and ``DuplicateInput`` (409) when a
    concurrent application with the same name or address won the race to the database."""
    errors: dict[str, list[str]] = {}
    for field, value in (
        ("name", name),
        ("kind", kind),
        ("region", region),
        ("person_email", person_email),
        ("person_display_name", person_display_name),
        ("password", password),
    ):
        _required(errors, field, value)
    name = (name or "").strip()
    email = (person_email or "").strip().lower()
    if kind and kind not in Organisation.Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of organisation."))
    if name and Organisation.objects.filter(name__iexact=name).exists():
        errors.setdefault("name", []).append(
            _("An organisation of this name is already in the network or has applied.")
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("person_email", []).append(_("Enter a valid email address."))
        else:
            if User.objects.filter(email__iexact=email).exists():
                errors.setdefault("person_email", []).append(
                    _("This address is already registered. Sign in, or reset your password.")
                )
    if password:
        try:
            validate_password(password, User(email=email, display_name=person_display_name))
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    website = (website or "").strip()
    try:
        validate_web_address(website)
    except ValidationError as exc:
        errors.setdefault("website", []).extend(exc.messages)
    if len((person_display_name or "").strip()) > DISPLAY_NAME_MAX:
        errors.setdefault("person_display_name", []).append(
            _("At most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}
        )
    language = preferred_language if preferred_language in dict(settings.LANGUAGES) else "de"
    if errors:
        raise MissingInput(fields=errors)
    try:
        with transaction.atomic():
            organisation = _create_application(
                name=name, kind=kind, region=region, website=website, description=description,
                contact_email=contact_email, email=email, password=password,
                person_display_name=person_display_name, language=language,
            )
    except IntegrityError:
        # Two submissions at once (a double click, two tabs): both passed the checks above,
        # the unique constraints let one in. The other gets a clear answer, not a 500.
        duplicate: dict[str, list[str]] = {}
        if Organisation.objects.filter(name__iexact=name).exists():
            duplicate["name"] = [
                _("An application for this organisation arrived at the same moment.")
            ]
        if User.objects.filter(email__iexact=email).exists():
            duplicate["person_email"] = [
                _("An application with this address arrived at the same moment.")
            ]
        raise DuplicateInput(
            _("The same application was just sent a moment earlier; it is with the coordinators."),
            fields=duplicate,
        ) from None
    return organisation


def _create_application(
    *, name, kind, region, website, description, contact_email, email, password,
    person_display_name, language,
) -> Organisation:
    organisation = Organisation.objects.create(
        name=name,
        kind=kind,
        region=region,
        website=website,
        description=(description or "").strip(),
        contact_email=(contact_email or email).strip(),
        status=Organisation.Status.PENDING,
    )
    # Inactive until the organisation is admitted: the network is open, but a coordinator
    # looks at every newcomer first.
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=person_display_name.strip(),
        preferred_language=language,
        is_active=False,
    )
    # The applicant is the organisation's contact: they confirm colleagues who ask to join.
    Membership.objects.create(user=user, organisation=organisation, can_admit=True)
    hooks.announce(hooks.APPLICATION_RECEIVED, organisation=organisation, person=user)
    return organisation


def organisation_admit(*, actor: Any, organisation: Organisation | int) -> Organisation:
    """Admit a pending organisation (coordinators only); its people who never signed in yet
    become able to sign in. Admitting an admitted organisation changes nothing. Raises
    ``PermissionDenied``."""
    if not permissions.can_admit_organisation(actor):
        raise PermissionDenied(_("Only coordinators admit organisations."))
    pk = organisation.pk if isinstance(organisation, Organisation) else organisation
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=pk)
        if locked.status == Organisation.Status.ADMITTED:
            return locked
        locked.status = Organisation.Status.ADMITTED
        locked.admitted_at = timezone.now()
        locked.save(update_fields=["status", "admitted_at"])
        User.objects.filter(
            memberships__organisation=locked, is_active=False, last_login__isnull=True
        ).update(is_active=True)
        hooks.announce(hooks.APPLICATION_ADMITTED, organisation=locked, actor=actor)
    return locked


def organisation_decline(
    *, actor: Any, organisation: Organisation | int, reason: str = ""
) -> Organisation:
    """Decline a pending application (coordinators only); the applicant is told, with the
    ``reason``. The organisation is kept as ``declined`` (so the same name cannot simply apply
    again unnoticed) and its people stay unable to sign in. Declining again changes nothing.
    Raises ``PermissionDenied``, and ``TransitionNotAllowed`` for an organisation that is
    already admitted."""
    if not permissions.can_admit_organisation(actor):
        raise PermissionDenied(_("Only coordinators decide on applications."))
    pk = organisation.pk if isinstance(organisation, Organisation) else organisation
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=pk)
        if locked.status == Organisation.Status.ADMITTED:
            raise TransitionNotAllowed(_("This organisation is already a partner of the network."))
        if locked.status != Organisation.Status.DECLINED:
            locked.status = Organisation.Status.DECLINED
            locked.decline_reason = reason
            locked.save(update_fields=["status", "decline_reason"])
            hooks.announce(
                hooks.APPLICATION_DECLINED, organisation=locked, actor=actor, reason=reason
            )
    return locked


def user_update_preferences(
    *,
    actor: Any,
    preferred_language: str | None = None,
    display_name: str | None = None,
    time_zone: str | None = None,
) -> User:
    """Change the actor's own language, display name and time zone (``None`` leaves a value as
    it is). Raises ``MissingInput`` on an unknown language or zone, or an empty or too long
    name."""
    from core import time_zones

    errors: dict[str, list[str]] = {}
    if preferred_language is not None and preferred_language not in dict(settings.LANGUAGES):
        errors.setdefault("preferred_language", []).append(_("Choose German or English."))
    if time_zone is not None and not time_zones.is_known(time_zone):
        errors.setdefault("time_zone", []).append(_("Choose a time zone from the list."))
    if display_name is not None:
        _required(errors, "display_name", display_name)
        if len(display_name.strip()) > DISPLAY_NAME_MAX:
            errors.setdefault("display_name", []).append(
                _("At most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}
            )
    if errors:
        raise MissingInput(fields=errors)
    fields = []
    if preferred_language is not None and actor.preferred_language != preferred_language:
        actor.preferred_language = preferred_language
        fields.append("preferred_language")
    if time_zone is not None and actor.time_zone != time_zone:
        actor.time_zone = time_zone
        fields.append("time_zone")
    if display_name is not None and actor.display_name != display_name.strip():
        actor.display_name = display_name.strip()
        fields.append("display_name")
    if fields:
        actor.save(update_fields=fields)
    return actor


COORDINATION_GROUP = "Koordination"
# What coordinators set up in the admin: the network, its reference data, challenges (read),
# good practices, mail settings. Django's own auth groups and permissions stay with superusers, and
# no coordinator sees credentials such as API tokens.
COORDINATION_APPS = ("core", "workflows", "notifications")


def coordinator_grant(*, actor: Any | None, user: User) -> User:
    """Make ``user`` a coordinator who can also use the admin: the coordinator role, staff
    status and the "Koordination" permission group (created or refreshed with every permission
    of our apps). ``actor`` is a coordinator, or ``None`` for the command line (installation).
    Raises ``PermissionDenied`` when another person does it."""
    from django.contrib.auth.models import Group, Permission

    if actor is not None and not permissions.roles_of(actor).coordinator:
        raise PermissionDenied(_("Only coordinators appoint coordinators."))
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=COORDINATION_GROUP)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=COORDINATION_APPS)
        )
        user.is_coordinator = True
        user.is_staff = True
        user.save(update_fields=["is_coordinator", "is_staff"])
        user.groups.add(group)
        permissions.forget_roles(user)
    return user
