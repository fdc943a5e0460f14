"""What each lifecycle step asks for, in one registry shared by the API (which lists it at
``/transitions/``), the pages (which build their forms from it) and the services (which parse raw
input through :func:`parse_transition_input`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import MissingInput
from core.models import Organisation, WorkingGroup

from .models import Approach, Challenge, ClosureReason, Outcome, State


@dataclass(frozen=True)
class InputField:
    name: str
    kind: str  # text | longtext | date | choice | id | ids | approaches | index
    required: bool
    label: Any
    choices: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: Any
    target: str
    fields: tuple[InputField, ...] = field(default_factory=tuple)
    coordinator_only: bool = False


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec(
            "analyse",
            gettext_lazy("Analyse"),
            State.ANALYSED,
            (
                InputField("working_group", "id", True, gettext_lazy("Working group")),
                InputField("root_causes", "longtext", True, gettext_lazy("Root causes")),
                InputField("affected", "longtext", True, gettext_lazy("Who is affected")),
                InputField("note", "longtext", False, gettext_lazy("Note")),
            ),
        ),
        TransitionSpec(
            "propose_approach",
            gettext_lazy("Propose approach"),
            State.APPROACH_PROPOSED,
            (
                InputField("approaches", "approaches", True, gettext_lazy("Approaches")),
                InputField("selected", "index", False, gettext_lazy("Selected approach")),
                InputField("note", "longtext", False, gettext_lazy("Note")),
            ),
        ),
        TransitionSpec(
            "start_trial",
            gettext_lazy("Start trial"),
            State.TRIALLED,
            (
                InputField("start", "date", True, gettext_lazy("Start")),
                InputField("planned_end", "date", True, gettext_lazy("Planned end")),
                InputField("partners", "ids", True, gettext_lazy("Participating partners")),
                InputField("plan", "longtext", False, gettext_lazy("Trial plan")),
                InputField("approach", "id", False, gettext_lazy("Approach to trial")),
            ),
        ),
        TransitionSpec(
            "evaluate",
            gettext_lazy("Evaluate"),
            State.EVALUATED,
            (
                InputField(
                    "outcome", "choice", True, gettext_lazy("Outcome"), tuple(Outcome.choices)
                ),
                InputField("evidence", "longtext", True, gettext_lazy("Evidence")),
                InputField("lessons_learned", "longtext", True, gettext_lazy("Lessons learned")),
            ),
        ),
        TransitionSpec(
            "revise_approach",
            gettext_lazy("Revise approach"),
            State.APPROACH_PROPOSED,
            (
                InputField("reason", "longtext", True, gettext_lazy("Reason")),
                InputField("approaches", "approaches", False, gettext_lazy("New approaches")),
                InputField("selected", "index", False, gettext_lazy("Selected approach")),
            ),
        ),
        TransitionSpec(
            "close",
            gettext_lazy("Close"),
            State.CLOSED,
            (
                InputField(
                    "reason", "choice", True, gettext_lazy("Reason"), tuple(ClosureReason.choices)
                ),
                InputField("duplicate_of", "id", False, gettext_lazy("Duplicate of")),
                InputField("referred_to", "text", False, gettext_lazy("Referred to")),
                InputField("note", "longtext", False, gettext_lazy("Note")),
            ),
            coordinator_only=True,
        ),
        TransitionSpec(
            "reopen",
            gettext_lazy("Reopen"),
            State.ANALYSED,
            (InputField("reason", "longtext", True, gettext_lazy("Reason")),),
            coordinator_only=True,
        ),
    )
}


def _text(data: dict, name: str, errors: dict, max_length: int = 20_000) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.setdefault(name, []).append(_("Enter text."))
        return ""
    if len(value) > max_length:
        errors.setdefault(name, []).append(
            _("At most %(max)d characters.") % {"max": max_length}
        )
    return value


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _id(data: dict, name: str, errors: dict) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    parsed = _int(value)
    if parsed is None or parsed < 1 or parsed > 2**62:
        errors.setdefault(name, []).append(_("Enter a valid id."))
        return None
    return parsed


def _date(data: dict, name: str, errors: dict) -> datetime.date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.setdefault(name, []).append(_("Enter a date as YYYY-MM-DD."))
    return None


def _approaches(data: dict, errors: dict):
    from .services import ApproachInput

    raw = data.get("approaches")
    if raw in (None, "", []) and data.get("approach_title"):
        # Web forms propose one approach through flat fields.
        raw = [
            {
                "title": data.get("approach_title"),
                "description": data.get("approach_description", ""),
                "good_practice": data.get("approach_good_practice") or None,
            }
        ]
    if raw in (None, "", []):
        return None
    if not isinstance(raw, list) or len(raw) > 20:
        errors.setdefault("approaches", []).append(_("Give a list of up to 20 approaches."))
        return None
    result = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            errors.setdefault("approaches", []).append(
                _("Approach %(n)d must have a title and a description.") % {"n": index + 1}
            )
            continue
        title, description = item.get("title"), item.get("description")
        gp = item.get("good_practice")
        gp_id = _int(gp) if gp not in (None, "") else None
        if not isinstance(title, str) or not isinstance(description, str) or (
            gp not in (None, "") and (gp_id is None or gp_id < 1 or gp_id > 2**62)
        ):
            errors.setdefault("approaches", []).append(
                _("Approach %(n)d must have a title and a description.") % {"n": index + 1}
            )
            continue
        result.append(ApproachInput(title=title, description=description, good_practice_id=gp_id))
    return result


def parse_transition_input(
    *, actor: Any, challenge: Challenge | int, name: str, data: Any
) -> dict[str, Any]:
    """Turn raw input into the keyword arguments of the transition's service. Shape errors
    (wrong types, unknown ids) raise ``MissingInput``; rules stay in the services."""
    if not isinstance(data, dict):
        raise MissingInput(_("Send the input as an object."))
    errors: dict[str, list[str]] = {}
    kwargs: dict[str, Any] = {}
    if name == "analyse":
        group_id = _id(data, "working_group", errors)
        group = WorkingGroup.objects.filter(pk=group_id).first() if group_id else None
        if group_id and group is None:
            errors.setdefault("working_group", []).append(_("Unknown working group."))
        kwargs = {
            "working_group": group,
            "root_causes": _text(data, "root_causes", errors),
            "affected": _text(data, "affected", errors),
            "note": _text(data, "note", errors),
        }
    elif name in ("propose_approach", "revise_approach"):
        selected = data.get("selected", 0)
        selected_index = _int(selected) if selected not in (None, "") else 0
        if selected_index is None:
            errors.setdefault("selected", []).append(_("Enter the number of an approach."))
        kwargs = {"approaches": _approaches(data, errors), "selected": selected_index}
        if name == "propose_approach":
            kwargs["note"] = _text(data, "note", errors)
        else:
            kwargs["reason"] = _text(data, "reason", errors)
    elif name == "start_trial":
        raw_partners = data.get("partners") or []
        if isinstance(raw_partners, (str, int)):
            raw_partners = [raw_partners]
        partner_ids = []
        if not isinstance(raw_partners, list) or len(raw_partners) > 200:
            errors.setdefault("partners", []).append(_("Give a list of organisation ids."))
        else:
            for value in raw_partners:
                parsed = _int(value)
                if parsed is None or parsed < 1 or parsed > 2**62:
                    errors.setdefault("partners", []).append(_("Enter valid organisation ids."))
                    break
                partner_ids.append(parsed)
        partners = list(Organisation.objects.filter(pk__in=partner_ids))
        if len(partners) != len(set(partner_ids)):
            errors.setdefault("partners", []).append(_("Unknown organisation."))
        approach_id = _id(data, "approach", errors)
        approach = Approach.objects.filter(pk=approach_id).first() if approach_id else None
        if approach_id and approach is None:
            errors.setdefault("approach", []).append(_("Unknown approach."))
        kwargs = {
            "start": _date(data, "start", errors),
            "planned_end": _date(data, "planned_end", errors),
            "partners": partners,
            "plan": _text(data, "plan", errors),
            "approach": approach,
        }
    elif name == "evaluate":
        outcome = data.get("outcome") or ""
        if not isinstance(outcome, str):
            errors.setdefault("outcome", []).append(_("Choose an outcome."))
            outcome = ""
        kwargs = {
            "outcome": outcome,
            "evidence": _text(data, "evidence", errors),
            "lessons_learned": _text(data, "lessons_learned", errors),
        }
    elif name == "close":
        from workflows.permissions import can_view_challenge

        reason = data.get("reason") or ""
        if not isinstance(reason, str):
            errors.setdefault("reason", []).append(_("Choose a reason."))
            reason = ""
        duplicate_id = _id(data, "duplicate_of", errors)
        duplicate = Challenge.objects.filter(pk=duplicate_id).first() if duplicate_id else None
        if duplicate_id and (duplicate is None or not can_view_challenge(actor, duplicate)):
            errors.setdefault("duplicate_of", []).append(_("Unknown challenge."))
            duplicate = None
        kwargs = {
            "reason": reason,
            "duplicate_of": duplicate,
            "referred_to": _text(data, "referred_to", errors, max_length=200),
            "note": _text(data, "note", errors),
        }
    elif name == "reopen":
        kwargs = {"reason": _text(data, "reason", errors)}
    if errors:
        raise MissingInput(fields=errors)
    return kwargs
