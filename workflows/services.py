"""Every write to challenges and good practices.

Each service is keyword-only, takes the acting user as ``actor``, runs in one transaction,
writes the audit row and the event in that transaction, and raises the domain errors of
``core.exceptions``. The order of checks is the same everywhere: not visible → ``NotFound``;
not allowed for this person → ``PermissionDenied``; not allowed in this state →
``TransitionNotAllowed``; input missing or invalid → ``MissingInput``. Nothing changes on error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from core.exceptions import (
    ConcurrentChange,
    MissingInput,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from core.models import Organisation, Region, TargetGroup, Topic, WorkingGroup

from . import editorial, good_practices, history, hooks, permissions, stats_rollup
from .personal_data import personal_data_errors
from .search import index as search_index
from .models import (
    Analysis,
    Approach,
    Challenge,
    ClosureReason,
    Comment,
    Evaluation,
    Event,
    Follow,
    GoodPractice,
    Outcome,
    ReferralBody,
    State,
    TransitionLog,
    Trial,
    Visibility,
)
from .models_editorial import GoodPracticeVersion

EDITABLE_FIELDS = ("title", "description", "topic", "target_groups", "region", "visibility")
TITLE_MAX = 200


@dataclass(frozen=True)
class ApproachInput:
    title: str
    description: str
    good_practice_id: int | None = None


# --- helpers ------------------------------------------------------------------------------------


def _require(errors: dict[str, list[str]], field: str, value: Any) -> None:
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        errors.setdefault(field, []).append(_("This field is required."))


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise MissingInput(fields=errors)


def _record_event(*, kind: str, actor: Any, **links: Any) -> Event:
    event = Event.objects.create(kind=kind, actor=actor, **links)
    hooks.event_recorded(event.id)
    return event


def _lock_visible(actor: Any, challenge: Challenge | int) -> Challenge:
    """Lock the challenge row for this transaction; ``NotFound`` if the actor may not see it."""
    pk = challenge.pk if isinstance(challenge, Challenge) else challenge
    locked = Challenge.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not permissions.can_view_challenge(actor, locked):
        raise NotFound(_("Challenge not found."))
    return locked


def _validate_challenge_fields(
    *,
    title: str | None,
    description: str | None,
    topic: Topic | None,
    target_groups: Sequence[TargetGroup] | None,
    region: Region | None,
    visibility: str | None,
    partial: bool,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    values = {
        "title": title,
        "description": description,
        "topic": topic,
        "target_groups": list(target_groups) if target_groups is not None else None,
        "region": region,
        "visibility": visibility,
    }
    for field, value in values.items():
        if partial and value is None:
            continue
        _require(errors, field, value)
    if title is not None and len(title) > TITLE_MAX:
        errors.setdefault("title", []).append(
            _("At most %(max)d characters.") % {"max": TITLE_MAX}
        )
    if visibility is not None and visibility not in Visibility.values:
        errors.setdefault("visibility", []).append(_("Choose network or restricted."))
    return errors


# --- filing and editing -------------------------------------------------------------------------


def challenge_file(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    description: str,
    topic: Topic,
    target_groups: Sequence[TargetGroup],
    region: Region,
    visibility: str = Visibility.NETWORK,
    confirm_personal_data: bool = False,
) -> Challenge:
    """File a new challenge in state ``reported`` for an admitted organisation of the actor
    (coordinators: any admitted organisation). Text that looks like it names a person (see
    ``workflows.personal_data``) is refused until ``confirm_personal_data``. Raises
    ``PermissionDenied``, ``MissingInput``."""
    if not permissions.can_file_challenge(actor, organisation.pk if organisation else None):
        raise PermissionDenied(_("You may not file challenges for this organisation."))
    errors = _validate_challenge_fields(
        title=title,
        description=description,
        topic=topic,
        target_groups=target_groups,
        region=region,
        visibility=visibility,
        partial=False,
    )
    if organisation is None:
        errors.setdefault("organisation", []).append(_("This field is required."))
    elif not organisation.is_admitted:
        errors.setdefault("organisation", []).append(
            _("This organisation has not been admitted to the network yet.")
        )
    errors.update(
        personal_data_errors(
            {"title": title, "description": description}, confirmed=confirm_personal_data
        )
    )
    _raise_if(errors)
    now = timezone.now()
    with transaction.atomic():
        challenge = Challenge.objects.create(
            title=title.strip(),
            description=description.strip(),
            topic=topic,
            region=region,
            visibility=visibility,
            organisation=organisation,
            reporter=actor,
            state_entered_at=now,
            created_at=now,
            updated_at=now,
        )
        challenge.target_groups.set(target_groups)
        Follow.objects.get_or_create(user=actor, challenge=challenge)
        search_index.challenge_refresh(challenge.pk)
        log = TransitionLog.objects.create(
            challenge=challenge,
            transition="file",
            from_state="",
            to_state=State.REPORTED,
            actor=actor,
            at=now,
        )
        stats_rollup.stay_begin(log=log)
        _record_event(
            kind=Event.Kind.CHALLENGE_FILED, actor=actor, challenge=challenge, transition_log=log
        )
    return challenge


def challenges_imported_record(*, actor: Any, challenges: Sequence[Challenge]) -> Event:
    """Record that ``actor`` filed ``challenges`` at once (a sheet import, filed with their
    events kept quiet): one bulk event that carries their filings, which count as told, so the
    people get one mail for the batch instead of one per challenge. Call inside the import's
    transaction, after the filings."""
    now = timezone.now()
    bulk = _record_event(kind=Event.Kind.CHALLENGES_IMPORTED, actor=actor)
    Event.objects.filter(
        challenge__in=[c.pk for c in challenges], kind=Event.Kind.CHALLENGE_FILED, batch=None
    ).update(batch=bulk, notified_at=now)
    return bulk


def challenge_update(
    *,
    actor: Any,
    challenge: Challenge | int,
    title: str | None = None,
    description: str | None = None,
    topic: Topic | None = None,
    target_groups: Sequence[TargetGroup] | None = None,
    region: Region | None = None,
    visibility: str | None = None,
    confirm_personal_data: bool = False,
) -> Challenge:
    """Edit the descriptive fields (``None`` leaves a field as it is); every changed field is
    recorded with before and after. The reporting organisation may edit while ``reported``;
    the assigned group and coordinators always. Changed text that looks like it names a person
    is refused until ``confirm_personal_data``."""
    errors = _validate_challenge_fields(
        title=title,
        description=description,
        topic=topic,
        target_groups=target_groups,
        region=region,
        visibility=visibility,
        partial=True,
    )
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        if not permissions.can_edit_challenge(actor, locked):
            raise PermissionDenied(_("You may not edit this challenge."))
        changed_text = {
            field: value
            for field, value in (("title", title), ("description", description))
            if value is not None and value.strip() != getattr(locked, field)
        }
        errors.update(personal_data_errors(changed_text, confirmed=confirm_personal_data))
        _raise_if(errors)
        changes: dict[str, tuple[Any, Any]] = {}
        for field, value in (
            ("title", title.strip() if title is not None else None),
            ("description", description.strip() if description is not None else None),
            ("topic", topic),
            ("region", region),
            ("visibility", visibility),
        ):
            if value is not None and getattr(locked, field) != value:
                changes[field] = (
                    history.snapshot_value(getattr(locked, field)), history.snapshot_value(value)
                )
                setattr(locked, field, value)
        if target_groups is not None:
            current = list(locked.target_groups.all())
            if {tg.pk for tg in target_groups} != {tg.pk for tg in current}:
                changes["target_groups"] = (
                    history.snapshot_value(current), history.snapshot_value(list(target_groups))
                )
                locked.target_groups.set(target_groups)
        if changes:
            now = timezone.now()
            locked.updated_at = now
            locked.save(
                update_fields=[f for f in changes if f != "target_groups"] + ["updated_at"]
            )
            if {"title", "description"} & set(changes):
                search_index.challenge_refresh(locked.pk)
            event = _record_event(kind=Event.Kind.CHALLENGE_EDITED, actor=actor, challenge=locked)
            history.record_changes(
                actor=actor, challenge=locked, changes=changes, event=event, at=now
            )
    return locked


def challenge_assign_working_group(
    *, actor: Any, challenge: Challenge | int, working_group: WorkingGroup | None
) -> Challenge:
    """(Re)assign the working group responsible for a challenge (``None`` unassigns it),
    recorded with before and after in the history. Coordinators only. Raises ``NotFound``,
    ``PermissionDenied``."""
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        if not permissions.can_assign_working_group(actor, locked):
            raise PermissionDenied(_("Only coordinators assign working groups."))
        if locked.working_group_id != (working_group.pk if working_group else None):
            before = history.snapshot_value(locked.working_group)
            now = timezone.now()
            locked.working_group = working_group
            locked.updated_at = now
            locked.save(update_fields=["working_group", "updated_at"])
            event = _record_event(
                kind=Event.Kind.CHALLENGE_ASSIGNED, actor=actor, challenge=locked
            )
            history.record_changes(
                actor=actor,
                challenge=locked,
                changes={"working_group": (before, history.snapshot_value(working_group))},
                event=event,
                at=now,
            )
    return locked


# --- the lifecycle ------------------------------------------------------------------------------


def _refuse_if_moved(challenge: Challenge, expected_state: str | None) -> None:
    """``ConcurrentChange`` (409) if the challenge is no longer in the state the caller saw."""
    if expected_state is not None and challenge.state != expected_state:
        raise ConcurrentChange(
            _("The challenge has moved on to “%(state)s” meanwhile; nothing was changed. "
              "Please reload and decide again.")
            % {"state": challenge.get_state_display()}
        )


def _ref(obj: Any) -> dict[str, Any] | None:
    """A referenced record as the transition log keeps it: id and name at the time."""
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def _refuse_unless_allowed(actor: Any, challenge: Challenge, name: str) -> None:
    """``PermissionDenied`` if the actor may not take step ``name`` on this challenge at all,
    ``TransitionNotAllowed`` if its current state does not allow it."""
    if not permissions.can_run_transition(actor, challenge, name):
        raise PermissionDenied(_("You may not make this step on this challenge."))
    if not can_proceed(getattr(challenge, name)):
        raise TransitionNotAllowed(
            _("“%(step)s” is not possible while the challenge is “%(state)s”.")
            % {"step": transition_label(name), "state": challenge.get_state_display()}
        )


def _transition(
    *,
    actor: Any,
    challenge: Challenge | int,
    name: str,
    validate: Callable[[Challenge], dict[str, list[str]]],
    apply: Callable[[Challenge, datetime.datetime], str],
    expected_state: str | None = None,
    inputs: dict[str, Any] | None = None,
    target: Callable[[Challenge], str] | None = None,
) -> Challenge:
    """Run transition ``name`` under a row lock: check (visible, allowed, still in the state
    the caller expected, valid input), move the state, let ``apply`` write the step's records
    (it returns the log note), then save, log (with the step's ``inputs``) and record the
    event. ``target`` decides the new state of a step whose target depends on the case."""
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        _refuse_unless_allowed(actor, locked, name)
        _refuse_if_moved(locked, expected_state)
        method = getattr(locked, name)
        _raise_if(validate(locked))
        from_state = locked.state
        now = timezone.now()
        if target is not None:
            method(target(locked))
        else:
            method()
        note = apply(locked, now)
        locked.state_entered_at = now
        locked.updated_at = now
        try:
            locked.save(
                update_fields=[
                    "state",
                    "state_entered_at",
                    "updated_at",
                    "working_group",
                    "closure_reason",
                    "duplicate_of",
                    "referred_to",
                    "referral_body",
                    "referred_at",
                ]
            )
        except ConcurrentTransition as exc:  # pragma: no cover - the row lock prevents it
            raise ConcurrentChange() from exc
        search_index.challenge_refresh(locked.pk)  # the step's records are searched too
        log = TransitionLog.objects.create(
            challenge=locked,
            transition=name,
            from_state=from_state,
            to_state=locked.state,
            actor=actor,
            at=now,
            note=note,
            inputs=inputs or {},
        )
        stats_rollup.stay_begin(log=log)
        _record_event(
            kind=Event.Kind.TRANSITION, actor=actor, challenge=locked, transition_log=log
        )
        if name == "close" and locked.referral_body_id:
            # The hand-over to the body is its own event: notifications mails the body.
            _record_event(
                kind=Event.Kind.CHALLENGE_REFERRED, actor=actor, challenge=locked,
                transition_log=log,
            )
    return locked


def challenge_analyse(
    *,
    actor: Any,
    challenge: Challenge | int,
    working_group: WorkingGroup | None,
    root_causes: str,
    affected: str,
    note: str = "",
    expected_state: str | None = None,
) -> Challenge:
    """``reported`` → ``analysed``: a working group picks the challenge up with its analysis.
    A group member may only name a group they sit in, and may not take a challenge already
    assigned to another group; coordinators may name any group."""
    roles = permissions.roles_of(actor)

    def validate(locked: Challenge) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        _require(errors, "working_group", working_group)
        _require(errors, "root_causes", root_causes)
        _require(errors, "affected", affected)
        if working_group is not None and not roles.coordinator:
            if working_group.pk not in roles.group_ids:
                errors.setdefault("working_group", []).append(
                    _("You can only pick a challenge up for a working group you belong to.")
                )
            elif locked.working_group_id not in (None, working_group.pk):
                errors.setdefault("working_group", []).append(
                    _("This challenge is assigned to another working group.")
                )
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        locked.working_group = working_group
        Analysis.objects.update_or_create(
            challenge=locked,
            defaults={
                "root_causes": root_causes.strip(),
                "affected": affected.strip(),
                "author": actor,
                "created_at": now,
            },
        )
        return note.strip()

    return _transition(
        actor=actor, challenge=challenge, name="analyse", validate=validate, apply=apply,
        expected_state=expected_state,
        inputs={"working_group": _ref(working_group), "root_causes": root_causes,
                "affected": affected, "note": note},
    )


def _validate_approaches(
    errors: dict[str, list[str]],
    actor: Any,
    approaches: Sequence[ApproachInput] | None,
    selected: int | None,
    required: bool,
) -> None:
    if not approaches:
        if required:
            errors.setdefault("approaches", []).append(_("Propose at least one approach."))
        return
    for index, approach in enumerate(approaches):
        if not (approach.title or "").strip() or not (approach.description or "").strip():
            errors.setdefault("approaches", []).append(
                _("Approach %(n)d needs a title and a description.") % {"n": index + 1}
            )
        if len(approach.title or "") > TITLE_MAX:
            errors.setdefault("approaches", []).append(
                _("Approach %(n)d: the title has at most %(max)d characters.")
                % {"n": index + 1, "max": TITLE_MAX}
            )
        if approach.good_practice_id is not None:
            gp = GoodPractice.objects.filter(pk=approach.good_practice_id).first()
            if gp is None or not permissions.can_view_good_practice(actor, gp):
                errors.setdefault("approaches", []).append(
                    _("Approach %(n)d names an unknown good practice.") % {"n": index + 1}
                )
    if selected is None or not 0 <= selected < len(approaches):
        errors.setdefault("selected", []).append(
            _("Select one of the proposed approaches.")
        )


def _approach_inputs_log(
    approaches: Sequence[ApproachInput] | None, selected: int | None
) -> list[dict[str, Any]]:
    return [
        {"title": a.title, "description": a.description, "good_practice": a.good_practice_id,
         "selected": index == selected}
        for index, a in enumerate(approaches or [])
    ]


def _create_approaches(
    challenge: Challenge,
    actor: Any,
    approaches: Sequence[ApproachInput],
    selected: int,
    now: datetime.datetime,
) -> None:
    challenge.approaches.filter(selected=True).update(selected=False)
    for index, approach in enumerate(approaches):
        Approach.objects.create(
            challenge=challenge,
            title=approach.title.strip(),
            description=approach.description.strip(),
            good_practice_id=approach.good_practice_id,
            selected=index == selected,
            author=actor,
            created_at=now,
        )


def challenge_propose_approach(
    *,
    actor: Any,
    challenge: Challenge | int,
    approaches: Sequence[ApproachInput],
    selected: int | None = 0,
    note: str = "",
    expected_state: str | None = None,
) -> Challenge:
    """``analysed`` → ``approach_proposed``: at least one approach, one of them selected."""

    def validate(locked: Challenge) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        _validate_approaches(errors, actor, approaches, selected, required=True)
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        _create_approaches(locked, actor, approaches, selected or 0, now)
        return note.strip()

    return _transition(
        actor=actor, challenge=challenge, name="propose_approach", validate=validate, apply=apply,
        expected_state=expected_state,
        inputs={"approaches": _approach_inputs_log(approaches, selected), "note": note},
    )


def challenge_start_trial(
    *,
    actor: Any,
    challenge: Challenge | int,
    start: datetime.date | None,
    planned_end: datetime.date | None,
    partners: Iterable[Organisation],
    plan: str = "",
    approach: Approach | None = None,
    expected_state: str | None = None,
) -> Challenge:
    """``approach_proposed`` → ``trialled``: a trial of the selected approach (or of
    ``approach``, which then becomes the selected one) with start, planned end and partners."""
    partners = list(partners)

    def validate(locked: Challenge) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        _require(errors, "start", start)
        _require(errors, "planned_end", planned_end)
        _require(errors, "partners", partners)
        if start and planned_end and planned_end < start:
            errors.setdefault("planned_end", []).append(
                _("The planned end cannot be before the start.")
            )
        if any(not org.is_admitted for org in partners):
            errors.setdefault("partners", []).append(
                _("Only admitted partner organisations can take part.")
            )
        if approach is not None and approach.challenge_id != locked.pk:
            errors.setdefault("approach", []).append(_("Choose an approach of this challenge."))
        elif approach is None and not locked.approaches.filter(selected=True).exists():
            errors.setdefault("approach", []).append(_("No approach is selected."))
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        chosen = approach
        if chosen is not None and not chosen.selected:
            locked.approaches.filter(selected=True).update(selected=False)
            Approach.objects.filter(pk=chosen.pk).update(selected=True)
        if chosen is None:
            chosen = locked.approaches.get(selected=True)
        trial = Trial.objects.create(
            challenge=locked,
            approach=chosen,
            plan=plan.strip(),
            start=start,
            planned_end=planned_end,
            author=actor,
            created_at=now,
        )
        trial.partners.set(partners)
        return plan.strip()

    return _transition(
        actor=actor, challenge=challenge, name="start_trial", validate=validate, apply=apply,
        expected_state=expected_state,
        inputs={
            "start": start.isoformat() if start else None,
            "planned_end": planned_end.isoformat() if planned_end else None,
            "partners": [_ref(org) for org in partners],
            "plan": plan,
            "approach": _ref(approach),
        },
    )


def _running_trial(challenge: Challenge) -> Trial | None:
    return challenge.trials.filter(status=Trial.Status.RUNNING).order_by("-created_at").first()


def challenge_evaluate(
    *,
    actor: Any,
    challenge: Challenge | int,
    outcome: str,
    evidence: str,
    lessons_learned: str,
    expected_state: str | None = None,
) -> Challenge:
    """``trialled`` → ``evaluated``: the outcome of the running trial with evidence and lessons
    learned. A (partly) successful outcome feeds the approach's good-practice record."""

    def validate(locked: Challenge) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        _require(errors, "outcome", outcome)
        _require(errors, "evidence", evidence)
        _require(errors, "lessons_learned", lessons_learned)
        if outcome and outcome not in Outcome.values:
            errors.setdefault("outcome", []).append(
                _("Choose successful, partly or not successful.")
            )
        if _running_trial(locked) is None:
            errors.setdefault("trial", []).append(_("There is no running trial to evaluate."))
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        trial = _running_trial(locked)
        trial.status = Trial.Status.EVALUATED
        trial.save(update_fields=["status"])
        Evaluation.objects.create(
            challenge=locked,
            trial=trial,
            outcome=outcome,
            evidence=evidence.strip(),
            lessons_learned=lessons_learned.strip(),
            author=actor,
            created_at=now,
        )
        if outcome in (Outcome.SUCCESSFUL, Outcome.PARTLY):
            good_practices.good_practice_record_for(approach_id=trial.approach_id)
        return ""

    return _transition(
        actor=actor, challenge=challenge, name="evaluate", validate=validate, apply=apply,
        expected_state=expected_state,
        inputs={"outcome": outcome, "evidence": evidence, "lessons_learned": lessons_learned},
    )


def challenge_revise_approach(
    *,
    actor: Any,
    challenge: Challenge | int,
    reason: str,
    approaches: Sequence[ApproachInput] | None = None,
    selected: int | None = None,
    expected_state: str | None = None,
) -> Challenge:
    """``trialled`` → ``approach_proposed``: the running trial is abandoned (with the reason);
    new approaches may be proposed at the same time, one of them selected."""

    def validate(locked: Challenge) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        _require(errors, "reason", reason)
        _validate_approaches(
            errors, actor, approaches, selected if approaches else 0, required=False
        )
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        locked.trials.filter(status=Trial.Status.RUNNING).update(
            status=Trial.Status.ABANDONED, abandoned_reason=reason.strip()
        )
        if approaches:
            _create_approaches(locked, actor, approaches, selected or 0, now)
        return reason.strip()

    return _transition(
        actor=actor, challenge=challenge, name="revise_approach", validate=validate, apply=apply,
        expected_state=expected_state,
        inputs={"reason": reason, "approaches": _approach_inputs_log(approaches, selected)},
    )


def challenge_close(
    *,
    actor: Any,
    challenge: Challenge | int,
    reason: str,
    duplicate_of: Challenge | None = None,
    referral_body: ReferralBody | None = None,
    note: str = "",
    expected_state: str | None = None,
) -> Challenge:
    """Close an open challenge that is not being trialled: as a duplicate (of which), out of
    scope, or referred to one of the referral bodies, which then gets a hand-over mail (the
    ``challenge_referred`` event). Coordinators only. Raises ``NotFound``, ``PermissionDenied``,
    ``TransitionNotAllowed``/``ConcurrentChange`` (409) and ``MissingInput``."""

    def validate(locked: Challenge) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        _require(errors, "reason", reason)
        if reason and reason not in ClosureReason.values:
            errors.setdefault("reason", []).append(
                _("Choose duplicate, out of scope or referred.")
            )
        if reason == ClosureReason.DUPLICATE:
            if duplicate_of is None:
                errors.setdefault("duplicate_of", []).append(
                    _("Name the challenge this one duplicates.")
                )
            elif duplicate_of.pk == locked.pk:
                errors.setdefault("duplicate_of", []).append(
                    _("A challenge cannot duplicate itself.")
                )
        if reason == ClosureReason.REFERRED and referral_body is None:
            errors.setdefault("referral_body", []).append(
                _("Choose the body the challenge is referred to.")
            )
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        referred = reason == ClosureReason.REFERRED
        locked.closure_reason = reason
        locked.duplicate_of = duplicate_of if reason == ClosureReason.DUPLICATE else None
        locked.referral_body = referral_body if referred else None
        locked.referred_to = referral_body.name if referred else ""
        locked.referred_at = now if referred else None
        return note.strip()

    return _transition(
        actor=actor, challenge=challenge, name="close", validate=validate, apply=apply,
        expected_state=expected_state,
        inputs={
            "reason": reason,
            "duplicate_of": _ref(duplicate_of) if reason == ClosureReason.DUPLICATE else None,
            "referral_body": _ref(referral_body) if reason == ClosureReason.REFERRED else None,
            "note": note,
        },
    )


def reopen_target(challenge: Challenge) -> str:
    """Where a reopened challenge resumes: ``analysed`` when it has an analysis and a working
    group (both are kept), else ``reported``, as if it had never been picked up."""
    has_analysis = Analysis.objects.filter(challenge_id=challenge.pk).exists()
    if has_analysis and challenge.working_group_id is not None:
        return State.ANALYSED
    return State.REPORTED


def challenge_reopen(
    *, actor: Any, challenge: Challenge | int, reason: str, expected_state: str | None = None
) -> Challenge:
    """``evaluated`` or ``closed`` → ``analysed`` (or ``reported``, see :func:`reopen_target`),
    with a reason. Coordinators only. The closure's reason and referral leave the challenge
    but stay in its history (the close step's log entry keeps them)."""

    def validate(locked: Challenge) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        _require(errors, "reason", reason)
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        locked.closure_reason = ""
        locked.duplicate_of = None
        locked.referred_to = ""
        locked.referral_body = None
        locked.referred_at = None
        return reason.strip()

    return _transition(
        actor=actor, challenge=challenge, name="reopen", validate=validate, apply=apply,
        expected_state=expected_state, inputs={"reason": reason}, target=reopen_target,
    )


TRANSITION_SERVICES: dict[str, Callable[..., Challenge]] = {
    "analyse": challenge_analyse,
    "propose_approach": challenge_propose_approach,
    "start_trial": challenge_start_trial,
    "evaluate": challenge_evaluate,
    "revise_approach": challenge_revise_approach,
    "close": challenge_close,
    "reopen": challenge_reopen,
}


def transition_label(name: str) -> str:
    from .transitions import TRANSITIONS

    spec = TRANSITIONS.get(name)
    return str(spec.label) if spec else name


def challenge_check_step(
    *, actor: Any, challenge: Challenge | int, name: str, expected_state: Any = None
) -> Challenge:
    """Answer, before any input is looked at, whether ``actor`` may take step ``name`` now:
    raises ``NotFound``, ``PermissionDenied``, ``TransitionNotAllowed`` (unknown step or state)
    or ``ConcurrentChange`` (no longer in ``expected_state``); returns the challenge. Changes
    nothing; the step's service checks all of it again under the row lock."""
    if name not in TRANSITION_SERVICES:
        raise TransitionNotAllowed(_("There is no step called “%(name)s”.") % {"name": name})
    current = Challenge.objects.filter(
        pk=challenge.pk if isinstance(challenge, Challenge) else challenge
    ).first()
    if current is None or not permissions.can_view_challenge(actor, current):
        raise NotFound(_("Challenge not found."))
    _refuse_unless_allowed(actor, current, name)
    if isinstance(expected_state, str) and expected_state in State.values:
        _refuse_if_moved(current, expected_state)
    return current


def challenge_transition(
    *, actor: Any, challenge: Challenge | int, name: str, data: Any
) -> Challenge:
    """Run transition ``name`` with raw input ``data`` (the API's JSON, or a page's form
    converted to the same shape), validated by the step's serializer
    (``workflows.transition_inputs``). Order of answers: ``NotFound``, ``PermissionDenied``,
    ``TransitionNotAllowed`` for the state or ``ConcurrentChange`` when the challenge is no
    longer in ``expected_state``, then ``MissingInput`` with field errors. Unknown transition
    names are ``TransitionNotAllowed``."""
    from .transition_inputs import INPUTS, flat_errors

    current = challenge_check_step(
        actor=actor,
        challenge=challenge,
        name=name,
        expected_state=data.get("expected_state") if isinstance(data, dict) else None,
    )
    if not isinstance(data, dict):
        raise MissingInput(_("Send the input as an object."))
    serializer = INPUTS[name](data=data, context={"actor": actor, "challenge": current})
    if not serializer.is_valid():
        raise MissingInput(fields=flat_errors(serializer.errors))
    return TRANSITION_SERVICES[name](
        actor=actor, challenge=current.pk, **serializer.service_kwargs()
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
        comment = Comment.objects.create(challenge=locked, author=actor, body=body.strip())
        Follow.objects.get_or_create(user=actor, challenge=locked)
        _record_event(kind=Event.Kind.COMMENT, actor=actor, challenge=locked, comment=comment)
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


# --- good practices -----------------------------------------------------------------------------


def good_practice_publish(*, actor: Any, good_practice: GoodPractice | int) -> GoodPractice:
    """Publish a draft good-practice record into the public catalogue (coordinators only);
    publishing marks it validated. Publishing a published record changes nothing."""
    pk = good_practice.pk if isinstance(good_practice, GoodPractice) else good_practice
    with transaction.atomic():
        locked = GoodPractice.objects.select_for_update().filter(pk=pk).first()
        if locked is None or not permissions.can_view_good_practice(actor, locked):
            raise NotFound(_("Good practice not found."))
        if not permissions.can_publish_good_practice(actor, locked):
            raise PermissionDenied(_("Only coordinators publish good practices."))
        if locked.status == GoodPractice.Status.PUBLISHED:
            return locked
        before = editorial.snapshot(locked)
        now = timezone.now()
        locked.status = GoodPractice.Status.PUBLISHED
        locked.validation = GoodPractice.Validation.VALIDATED
        locked.published_at = now
        locked.published_by = actor
        locked.updated_at = now
        locked.save(
            update_fields=["status", "validation", "published_at", "published_by", "updated_at"]
        )
        editorial.version_record(
            good_practice=locked, kind=GoodPracticeVersion.Kind.PUBLISHED, actor=actor,
            before=before,
        )
        _record_event(
            kind=Event.Kind.GOOD_PRACTICE_PUBLISHED, actor=actor, good_practice=locked
        )
    return locked


def good_practice_unpublish(
    *, actor: Any, good_practice: GoodPractice | int, reason: str
) -> GoodPractice:
    """Take a record out of the public catalogue again (coordinators only), saying why; the
    reason is kept in the record's versions. Withdrawing a draft changes nothing. Raises
    ``NotFound``, ``PermissionDenied``, ``MissingInput`` (no reason)."""
    reason = (reason or "").strip()
    pk = good_practice.pk if isinstance(good_practice, GoodPractice) else good_practice
    with transaction.atomic():
        locked = GoodPractice.objects.select_for_update().filter(pk=pk).first()
        if locked is None or not permissions.can_view_good_practice(actor, locked):
            raise NotFound(_("Good practice not found."))
        if not permissions.can_publish_good_practice(actor, locked):
            raise PermissionDenied(_("Only coordinators publish good practices."))
        if not reason:
            raise MissingInput(fields={"reason": [_("Please say why the record is withdrawn.")]})
        if locked.status != GoodPractice.Status.DRAFT:
            before = editorial.snapshot(locked)
            locked.status = GoodPractice.Status.DRAFT
            locked.validation = GoodPractice.Validation.CHANGES_REQUESTED
            locked.updated_at = timezone.now()
            locked.save(update_fields=["status", "validation", "updated_at"])
            editorial.version_record(
                good_practice=locked, kind=GoodPracticeVersion.Kind.UNPUBLISHED, actor=actor,
                before=before, note=reason,
            )
    return locked
