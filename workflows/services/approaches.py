"""The lifecycle's middle: approaches proposed, trialled, evaluated and revised."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from core.models import Organisation

from .. import good_practices, permissions
from ..models import (
    Approach,
    Challenge,
    Evaluation,
    GoodPractice,
    Outcome,
    Trial,
)
from ._base import (
    TITLE_MAX,
    ApproachInput,
    _ref,
    _require,
    _transition,
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
            errors.setdefault("approaches", []).append(
                _("Propose at least one approach.")
            )
        return
    for index, approach in enumerate(approaches):
        if (
            not (approach.title or "").strip()
            or not (approach.description or "").strip()
        ):
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
                    _("Approach %(n)d names an unknown good practice.")
                    % {"n": index + 1}
                )
    if selected is None or not 0 <= selected < len(approaches):
        errors.setdefault("selected", []).append(
            _("Select one of the proposed approaches.")
        )


def _approach_inputs_log(
    approaches: Sequence[ApproachInput] | None, selected: int | None
) -> list[dict[str, Any]]:
    return [
        {
            "title": a.title,
            "description": a.description,
            "good_practice": a.good_practice_id,
            "selected": index == selected,
        }
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
        actor=actor,
        challenge=challenge,
        name="propose_approach",
        validate=validate,
        apply=apply,
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
            errors.setdefault("approach", []).append(
                _("Choose an approach of this challenge.")
            )
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
        actor=actor,
        challenge=challenge,
        name="start_trial",
        validate=validate,
        apply=apply,
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
    return (
        challenge.trials.filter(status=Trial.Status.RUNNING)
        .order_by("-created_at")
        .first()
    )


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
            errors.setdefault("trial", []).append(
                _("There is no running trial to evaluate.")
            )
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
        actor=actor,
        challenge=challenge,
        name="evaluate",
        validate=validate,
        apply=apply,
        expected_state=expected_state,
        inputs={
            "outcome": outcome,
            "evidence": evidence,
            "lessons_learned": lessons_learned,
        },
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
        actor=actor,
        challenge=challenge,
        name="revise_approach",
        validate=validate,
        apply=apply,
        expected_state=expected_state,
        inputs={
            "reason": reason,
            "approaches": _approach_inputs_log(approaches, selected),
        },
    )
