"""The lifecycle's ends and its one entry point: analyse, close, reopen, and
``challenge_transition`` which runs any step from raw input."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from core.exceptions import (
    MissingInput,
    NotFound,
    TransitionNotAllowed,
)
from core.models import WorkingGroup

from .. import permissions
from ..models import (
    Analysis,
    Challenge,
    ClosureReason,
    ReferralBody,
    State,
)
from ._base import (
    _ref,
    _refuse_if_moved,
    _refuse_unless_allowed,
    _require,
    _transition,
)
from .approaches import (
    challenge_evaluate,
    challenge_propose_approach,
    challenge_revise_approach,
    challenge_start_trial,
)


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
                    _(
                        "You can only pick a challenge up for a working group you belong to."
                    )
                )
            elif locked.working_group_id not in (None, working_group.pk):
                errors.setdefault("working_group", []).append(
                    _("This challenge is assigned to another working group.")
                )
        return errors

    def apply(locked: Challenge, now: datetime.datetime) -> str:
        locked.working_group = working_group
        # One upsert (a challenge reopened back to ``reported`` may keep an analysis), not
        # update_or_create's lock, savepoints and insert; the row also stands in for the
        # locked instance's analysis, which its search entry and its answer read.
        analysis = Analysis(
            challenge=locked,
            root_causes=root_causes.strip(),
            affected=affected.strip(),
            author=actor,
            created_at=now,
        )
        Analysis.objects.bulk_create(
            [analysis],
            update_conflicts=True,
            unique_fields=["challenge"],
            update_fields=["root_causes", "affected", "author", "created_at"],
        )
        locked.analysis = analysis
        return note.strip()

    return _transition(
        actor=actor,
        challenge=challenge,
        name="analyse",
        validate=validate,
        apply=apply,
        expected_state=expected_state,
        inputs={
            "working_group": _ref(working_group),
            "root_causes": root_causes,
            "affected": affected,
            "note": note,
        },
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
        locked.duplicate_of = (
            duplicate_of if reason == ClosureReason.DUPLICATE else None
        )
        locked.referral_body = referral_body if referred else None
        locked.referred_to = referral_body.name if referred else ""
        locked.referred_at = now if referred else None
        return note.strip()

    return _transition(
        actor=actor,
        challenge=challenge,
        name="close",
        validate=validate,
        apply=apply,
        expected_state=expected_state,
        indexed=False,  # no text search reads changes (the state is a column of the row)
        inputs={
            "reason": reason,
            "duplicate_of": _ref(duplicate_of)
            if reason == ClosureReason.DUPLICATE
            else None,
            "referral_body": _ref(referral_body)
            if reason == ClosureReason.REFERRED
            else None,
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
    *,
    actor: Any,
    challenge: Challenge | int,
    reason: str,
    expected_state: str | None = None,
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
        actor=actor,
        challenge=challenge,
        name="reopen",
        validate=validate,
        apply=apply,
        expected_state=expected_state,
        indexed=False,  # no text search reads changes (the state is a column of the row)
        inputs={"reason": reason},
        target=reopen_target,
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


def _refuse_unknown_step(name: str) -> None:
    if name not in TRANSITION_SERVICES:
        raise TransitionNotAllowed(
            _("There is no step called “%(name)s”.") % {"name": name}
        )


def challenge_check_step(
    *,
    actor: Any,
    challenge: Challenge | int,
    name: str,
    expected_state: Any = None,
) -> Challenge:
    """Answer, before any input is looked at, whether ``actor`` may take step ``name`` now:
    raises ``NotFound``, ``PermissionDenied``, ``TransitionNotAllowed`` (unknown step or state)
    or ``ConcurrentChange`` (no longer in ``expected_state``); returns the challenge. Changes
    nothing; the step's service checks all of it again under the row lock. The challenge is
    read anew (one query), whatever instance the caller passes."""
    _refuse_unknown_step(name)
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
    names are ``TransitionNotAllowed``. Returns the challenge as the step left it (see
    ``_transition``).

    Valid input goes straight to the step, whose row lock answers the first four in that
    order; only input that is not valid has the challenge read first
    (:func:`challenge_check_step`), so that a challenge the caller may not see, or a step not
    possible now, is still answered before the input's errors."""
    from ..transition_inputs import INPUTS, flat_errors

    _refuse_unknown_step(name)
    serializer = (
        INPUTS[name](data=data, context={"actor": actor}) if isinstance(data, dict) else None
    )
    if serializer is None or not serializer.is_valid():
        challenge_check_step(
            actor=actor,
            challenge=challenge,
            name=name,
            expected_state=data.get("expected_state") if isinstance(data, dict) else None,
        )
        if serializer is None:
            raise MissingInput(_("Send the input as an object."))
        raise MissingInput(fields=flat_errors(serializer.errors))
    return TRANSITION_SERVICES[name](
        actor=actor,
        challenge=challenge.pk if isinstance(challenge, Challenge) else challenge,
        **serializer.service_kwargs(),
    )
