"""Shared pieces of the challenge services: field checks, the row lock, the event row and the
one transition runner every lifecycle step goes through."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
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
from core.models import Region, TargetGroup, Topic

from .. import hooks, permissions, stats_rollup
from ..models import (
    Challenge,
    Event,
    TransitionLog,
    Trial,
    Visibility,
)
from ..search import index as search_index

EDITABLE_FIELDS = (
    "title",
    "description",
    "topic",
    "target_groups",
    "region",
    "visibility",
)
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
    hooks.event_recorded(event.id, kind)
    return event


def _lock_visible(actor: Any, challenge: Challenge | int) -> Challenge:
    """Lock the challenge row for this transaction; ``NotFound`` if the actor may not see it."""
    pk = challenge.pk if isinstance(challenge, Challenge) else challenge
    locked = Challenge.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not permissions.can_view_challenge(actor, locked):
        raise NotFound(_("Challenge not found."))
    return locked


# What a step reads with its row lock, in the same query (the lock is taken on the challenge row
# only): the records its answer shows, the analysis its search entry indexes and that entry.
# Not the referral body: only a challenge closed as referred has one, and its one step, reopen,
# drops it (close sets its own).
_STEP_JOINS = (
    "topic",
    "region",
    "organisation",
    "reporter",
    "working_group",
    "analysis",
    "analysis__author",
    "search_entry",
)


def _lock_for_step(actor: Any, challenge: Challenge | int) -> Challenge:
    """:func:`_lock_visible` for a lifecycle step, with ``_STEP_JOINS`` read in the same query."""
    pk = challenge.pk if isinstance(challenge, Challenge) else challenge
    locked = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related(*_STEP_JOINS)
        .filter(pk=pk)
        .order_by()
        .first()
    )
    if locked is None or not permissions.can_view_challenge(actor, locked):
        raise NotFound(_("Challenge not found."))
    return locked


def _load_step_records(locked: Challenge) -> None:
    """Read the challenge's approaches and trials (with their evaluation) once, after the step
    wrote its records: its search entry indexes them and its answer shows them
    (``selectors.challenge_detail_of`` adds what else the answer needs)."""
    prefetch_related_objects(
        [locked],
        "approaches",
        Prefetch("trials", queryset=Trial.objects.select_related("evaluation")),
    )


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


# --- the lifecycle ------------------------------------------------------------------------------


def _refuse_if_moved(challenge: Challenge, expected_state: str | None) -> None:
    """``ConcurrentChange`` (409) if the challenge is no longer in the state the caller saw."""
    if expected_state is not None and challenge.state != expected_state:
        raise ConcurrentChange(
            _(
                "The challenge has moved on to “%(state)s” meanwhile; nothing was changed. "
                "Please reload and decide again."
            )
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
    indexed: bool = True,
) -> Challenge:
    """Run transition ``name`` under a row lock: check (visible, allowed, still in the state
    the caller expected, valid input), move the state, let ``apply`` write the step's records
    (it returns the log note), then save, log (with the step's ``inputs``) and record the
    event. ``target`` decides the new state of a step whose target depends on the case.
    ``indexed=False`` for a step that changes no text search reads (its entry stays as is).

    Returns the locked instance with its joins (``_STEP_JOINS``) and, for an indexed step,
    its records read after the step (``_load_step_records``): most of what the step's answer
    shows, without reading the challenge again."""
    with transaction.atomic():
        locked = _lock_for_step(actor, challenge)
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
        except (
            ConcurrentTransition
        ) as exc:  # pragma: no cover - the row lock prevents it
            raise ConcurrentChange() from exc
        if indexed:  # the step's records are searched too
            _load_step_records(locked)
            search_index.challenge_refresh_loaded(locked)
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
            kind=Event.Kind.TRANSITION,
            actor=actor,
            challenge=locked,
            transition_log=log,
        )
        if name == "close" and locked.referral_body_id:
            # The hand-over to the body is its own event: notifications mails the body.
            _record_event(
                kind=Event.Kind.CHALLENGE_REFERRED,
                actor=actor,
                challenge=locked,
                transition_log=log,
            )
    return locked


def transition_label(name: str) -> str:
    from ..transitions import TRANSITIONS

    spec = TRANSITIONS.get(name)
    return str(spec.label) if spec else name
