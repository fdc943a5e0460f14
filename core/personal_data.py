"""A person's data rights (DSGVO Art. 15, 17, 20): export and erasure, and the registry through
which every app contributes its part.

Layers point down, so core cannot know what ``workflows`` or ``notifications`` keep about a
person. Each app registers, in its ``AppConfig.ready``, an *exporter* (person → its sections of
the export), an *eraser* (deletes or anonymises what it holds about the person) and a *pruner*
(retention: deletes rows older than the configured age; see ``core.retention``). The services
here call them: :func:`personal_data_export` and :func:`person_erase`.

Erasure anonymises the account instead of deleting it, so contributions (challenges, comments,
transition logs) keep an author, shown as "former member". What names the person is removed:
name, e-mail (replaced by a unique address that cannot receive mail), password, tokens,
sessions, memberships, preferences, follows, mails; where their name or address occurs in texts
others wrote (mails, notes), it is replaced by "former member" (:func:`scrub`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import permissions
from core.exceptions import NotFound, PermissionDenied, TransitionNotAllowed
from core.models import ErasureRequest, Membership, PersonalDataLog, User

Exporter = Callable[[User], dict[str, Any]]
Pruner = Callable[[], dict[str, int]]


@dataclass(frozen=True)
class ErasedPerson:
    """The person being erased, with what named them before (for :func:`scrub`)."""

    user: User
    display_name: str
    email: str
    replacement: str

    def scrub(self, text: str) -> str:
        return scrub(text, needles=(self.display_name, self.email), replacement=self.replacement)


Eraser = Callable[[ErasedPerson], None]


@dataclass(frozen=True)
class Provider:
    name: str
    export: Exporter | None = None
    erase: Eraser | None = None
    prune: Pruner | None = None


_providers: dict[str, Provider] = {}


def register(
    name: str,
    *,
    export: Exporter | None = None,
    erase: Eraser | None = None,
    prune: Pruner | None = None,
) -> None:
    """Register (or replace) what app ``name`` exports, erases and prunes. Called from
    ``AppConfig.ready``; registering again replaces, so a reload never runs a part twice."""
    _providers[name] = Provider(name=name, export=export, erase=erase, prune=prune)


def providers() -> list[Provider]:
    return list(_providers.values())


# --- text scrubbing -------------------------------------------------------------------------------


def scrub(text: str, *, needles: Iterable[str], replacement: str) -> str:
    """``text`` with every whole-word occurrence of a needle (case-insensitive) replaced."""
    for needle in needles:
        needle = (needle or "").strip()
        if len(needle) < 3:
            continue  # too short to be sure it means the person
        text = re.sub(
            rf"(?<!\w){re.escape(needle)}(?!\w)", replacement, text, flags=re.IGNORECASE
        )
    return text


def scrub_fields(person: ErasedPerson, model: type[models.Model], fields: Iterable[str]) -> int:
    """Replace the person's name and address in the text ``fields`` of every row of ``model``
    that contains them (a query per field and needle, then only the rows that match)."""
    fields = list(fields)
    q = models.Q()
    for needle in (person.display_name, person.email):
        if len((needle or "").strip()) >= 3:
            for field in fields:
                q |= models.Q(**{f"{field}__icontains": needle.strip()})
    if not q:
        return 0
    changed = 0
    for row in model._default_manager.filter(q).only("pk", *fields):
        updates = {field: person.scrub(getattr(row, field) or "") for field in fields}
        model._default_manager.filter(pk=row.pk).update(**updates)
        changed += 1
    return changed


# --- export -----------------------------------------------------------------------------------


def _may_handle(actor: Any, person: User) -> bool:
    return actor is not None and (actor.pk == person.pk or permissions.roles_of(actor).coordinator)


def core_export(person: User) -> dict[str, Any]:
    """The network base's part: profile, memberships, working groups, erasure requests,
    two-factor sign-in."""
    from core.two_factor import two_factor_export

    return {
        "profile": {
            "id": person.pk,
            "email": person.email,
            "display_name": person.display_name,
            "preferred_language": person.preferred_language,
            "time_zone": person.time_zone,
            "is_coordinator": person.is_coordinator,
            "is_stakeholder": person.is_stakeholder,
            "is_active": person.is_active,
            "date_joined": person.date_joined,
            "last_login": person.last_login,
        },
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "since": m.created_at,
            }
            for m in Membership.objects.filter(user=person)
            .select_related("organisation")
            .order_by("created_at", "id")
        ],
        "working_groups": [
            {"id": group.pk, "name": group.name, "lead": group.lead_id == person.pk}
            for group in person.working_groups.order_by("name", "id")
        ],
        "erasure_requests": [
            {"status": r.status, "requested_at": r.requested_at, "decided_at": r.decided_at}
            for r in ErasureRequest.objects.filter(person=person).order_by("requested_at", "id")
        ],
        "email_changes": [
            {"old_email": c.old_email, "new_email": c.new_email, "status": c.status,
             "requested_at": c.created_at, "decided_at": c.decided_at}
            for c in person.email_changes.order_by("created_at", "id")
        ],
        # Whether it is on, never the secret or a code.
        "two_factor": two_factor_export(person),
    }


def personal_data_export(*, actor: Any, person: User) -> dict[str, Any]:
    """Everything the network keeps about ``person``, as JSON-ready sections (DSGVO Art. 15
    and 20). The person themself or a coordinator (who is logged in the personal-data log,
    so the person can see who looked). Raises ``NotFound`` for anyone else."""
    if not _may_handle(actor, person):
        raise NotFound()
    data: dict[str, Any] = {
        "format": "willkommensnetz-personal-data/1",
        "exported_at": timezone.now(),
        **core_export(person),
    }
    for provider in providers():
        if provider.export is not None:
            data.update(provider.export(person))
    PersonalDataLog.objects.create(
        person=person, actor=actor, action=PersonalDataLog.Action.EXPORTED
    )
    return data


# --- erasure ----------------------------------------------------------------------------------


def pending_erasure_request(person: User) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(person=person, status=ErasureRequest.Status.PENDING).first()


def erasure_request(*, actor: Any) -> ErasureRequest:
    """The actor asks for the erasure of their own data; a coordinator confirms it later. Asking
    again while a request is pending returns that request."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied()
    existing = pending_erasure_request(actor)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(person=actor)
            PersonalDataLog.objects.create(
                person=actor, actor=actor, action=PersonalDataLog.Action.ERASURE_REQUESTED
            )
    except IntegrityError:  # a concurrent request won: it is the pending one
        return pending_erasure_request(actor)
    return request


def erasure_withdraw(*, actor: Any) -> None:
    """The actor withdraws their pending request (nothing pending: nothing happens)."""
    with transaction.atomic():
        updated = ErasureRequest.objects.filter(
            person=actor, status=ErasureRequest.Status.PENDING
        ).update(status=ErasureRequest.Status.WITHDRAWN, decided_at=timezone.now())
        if updated:
            PersonalDataLog.objects.create(
                person=actor, actor=actor, action=PersonalDataLog.Action.ERASURE_WITHDRAWN
            )


def _locked_pending(actor: Any, request: ErasureRequest | int) -> ErasureRequest:
    if not permissions.roles_of(actor).coordinator:
        raise NotFound()
    pk = request.pk if isinstance(request, ErasureRequest) else request
    locked = ErasureRequest.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound()
    if locked.status != ErasureRequest.Status.PENDING:
        raise TransitionNotAllowed(_("This request has already been decided."))
    if locked.person_id == actor.pk:
        raise PermissionDenied(_("Another coordinator confirms your own request."))
    return locked


def erasure_decline(*, actor: Any, request: ErasureRequest | int) -> ErasureRequest:
    """A coordinator declines a pending request (e.g. it was not the person who asked).
    Raises ``NotFound`` (not a coordinator, no such request), ``PermissionDenied`` (their own
    request), ``TransitionNotAllowed`` (already decided)."""
    with transaction.atomic():
        locked = _locked_pending(actor, request)
        locked.status = ErasureRequest.Status.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        PersonalDataLog.objects.create(
            person=locked.person, actor=actor, action=PersonalDataLog.Action.ERASURE_DECLINED
        )
    return locked


def erasure_confirm(*, actor: Any, request: ErasureRequest | int) -> User:
    """A coordinator confirms a pending request: the person is erased (:func:`person_erase`).
    Raises like :func:`erasure_decline`."""
    with transaction.atomic():
        locked = _locked_pending(actor, request)
        person = person_erase(actor=actor, person=locked.person)
        locked.status = ErasureRequest.Status.DONE
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
    return person


def _end_sessions(user: User) -> None:
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


def _erase_core(person: ErasedPerson) -> None:
    from django.contrib.admin.models import LogEntry

    from core.models import Organisation, WorkingGroup

    from core.two_factor import two_factor_erase

    user = person.user
    two_factor_erase(user)
    user.email_changes.all().delete()  # old and new addresses are personal data
    Membership.objects.filter(user=user).delete()
    user.working_groups.clear()
    WorkingGroup.objects.filter(lead=user).update(lead=None)
    user.groups.clear()
    user.user_permissions.clear()
    Organisation.objects.filter(contact_email__iexact=person.email).update(contact_email="")
    scrub_fields(person, Organisation, ["description"])
    scrub_fields(person, LogEntry, ["object_repr", "change_message"])
    _end_sessions(user)
    user.email = f"erased-{user.pk}-{secrets.token_hex(4)}@erased.invalid"
    user.display_name = person.replacement
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_coordinator = False
    user.is_stakeholder = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    permissions.forget_roles(user)


def person_erase(*, actor: Any, person: User) -> User:
    """Anonymise ``person`` as "former member" (see the module docstring); every registered
    app erases its part first, core last (the others need the old name to scrub it). Only
    coordinators, never their own account; erasing an erased person changes nothing. Raises
    ``NotFound`` (not a coordinator), ``PermissionDenied`` (their own account)."""
    if not permissions.roles_of(actor).coordinator:
        raise NotFound()
    if actor.pk == person.pk:
        raise PermissionDenied(_("Another coordinator confirms your own request."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=person.pk)
        if user.erased_at is not None:
            return user
        with translation.override(settings.LANGUAGE_CODE):
            replacement = _("former member")
        erased = ErasedPerson(
            user=user, display_name=user.display_name, email=user.email, replacement=replacement
        )
        for provider in reversed(providers()):  # the highest layer first
            if provider.erase is not None:
                provider.erase(erased)
        _erase_core(erased)
        PersonalDataLog.objects.create(
            person=user, actor=actor, action=PersonalDataLog.Action.ERASED
        )
    return user
