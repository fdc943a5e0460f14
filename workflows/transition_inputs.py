"""The input of each lifecycle step as one DRF serializer: the contract of the step.

The same classes validate the API's JSON (each is the request schema of its own endpoint in
OpenAPI), the pages' forms (``workflows.step_forms`` converts form values and validates through
them) and the admin. They check shape and references; the rules that need the locked challenge
(who may name which group, which approach belongs to the challenge, admitted partners) stay in
``workflows.services``.

Every input names the state the caller saw (``expected_state``): a challenge that moved on
meanwhile answers "concurrent change" (409) instead of applying a decision made on stale facts.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import Organisation, WorkingGroup
from core.strict_json import StrictJSONMixin

from . import permissions
from .models import Approach, Challenge, ClosureReason, Outcome, ReferralBody, State

TEXT_MAX = 20_000
TITLE_MAX = 200
APPROACHES_MAX = 20
PARTNERS_MAX = 200
# Trials are planned in this century; anything else is a typing mistake (or a fuzzer).
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def check_date_range(
    start: datetime.date | None, end: datetime.date | None, *, start_field: str, end_field: str
) -> dict[str, list[str]]:
    """Both dates within 2000–2100 and the end after the start; field errors, empty if fine.
    (Kept as one function so a shared validator can replace it in one place.)"""
    errors: dict[str, list[str]] = {}
    for name, value in ((start_field, start), (end_field, end)):
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            errors.setdefault(name, []).append(
                str(_("Enter a date between the years 2000 and 2100."))
            )
    if start and end and not errors and end <= start:
        errors.setdefault(end_field, []).append(str(_("The planned end must be after the start.")))
    return errors


def _text(label: Any, *, required: bool = True, max_length: int = TEXT_MAX, **kwargs: Any):
    # Untrimmed: DRF would check max_length after trimming whitespace, so the schema's maxLength
    # would not hold for what was sent. The services trim and refuse whitespace-only text.
    kwargs["trim_whitespace"] = False
    if required:
        return serializers.CharField(label=label, max_length=max_length, **kwargs)
    return serializers.CharField(
        label=label, max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


class TransitionInput(StrictJSONMixin, serializers.Serializer):
    """What every step's input has: the state the caller expects the challenge to be in."""

    expected_state = serializers.ChoiceField(
        choices=State.choices,
        label=_("Expected state"),
        help_text=_(
            "The state you saw the challenge in. If it moved on meanwhile, nothing happens and "
            "the answer is 409."
        ),
    )

    def service_kwargs(self) -> dict[str, Any]:
        """The validated input as keyword arguments of the step's service."""
        return dict(self.validated_data)


class AnalyseInput(TransitionInput):
    working_group = serializers.PrimaryKeyRelatedField(
        queryset=WorkingGroup.objects.all(),
        label=_("Working group"),
        help_text=_("The group that picks the challenge up (a member names a group of theirs)."),
    )
    root_causes = _text(_("Root causes"))
    affected = _text(_("Who is affected"))
    note = _text(_("Note"), required=False)


class ApproachItemInput(StrictJSONMixin, serializers.Serializer):
    title = _text(_("Title"), max_length=TITLE_MAX)
    description = _text(_("Description"))
    good_practice = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        default=None,
        label=_("It reuses this good practice"),
        help_text=_("The id of a good-practice record this approach reuses."),
    )
    selected = serializers.BooleanField(
        default=False,
        label=_("Selected"),
        help_text=_("Exactly one approach of the list is selected: the one to trial."),
    )


def _approach_list(*, required: bool, label: Any) -> serializers.ListSerializer:
    return ApproachItemInput(
        many=True,
        required=required,
        allow_empty=not required,
        max_length=APPROACHES_MAX,
        label=label,
        help_text=_("Up to 20 approaches; exactly one of them has `selected: true`."),
    )


def _selected_index(approaches: list[dict[str, Any]]) -> int:
    """Position of the one selected approach; a ``ValidationError`` unless exactly one is."""
    chosen = [index for index, item in enumerate(approaches) if item.get("selected")]
    if len(chosen) != 1:
        raise serializers.ValidationError(
            {"approaches": [_("Select exactly one of the approaches.")]}
        )
    return chosen[0]


def _approach_inputs(approaches: list[dict[str, Any]]) -> list[Any]:
    from .services import ApproachInput

    return [
        ApproachInput(
            title=item["title"],
            description=item["description"],
            good_practice_id=item.get("good_practice"),
        )
        for item in approaches
    ]


class ProposeApproachInput(TransitionInput):
    approaches = _approach_list(required=True, label=_("Approaches"))
    note = _text(_("Note"), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["selected"] = _selected_index(attrs["approaches"])
        return attrs

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        return {
            "expected_state": data["expected_state"],
            "approaches": _approach_inputs(data["approaches"]),
            "selected": data["selected"],
            "note": data["note"],
        }


class StartTrialInput(TransitionInput):
    start = serializers.DateField(label=_("Start"), help_text=_("YYYY-MM-DD, 2000–2100."))
    planned_end = serializers.DateField(
        label=_("Planned end"), help_text=_("YYYY-MM-DD, after the start.")
    )
    partners = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(status=Organisation.Status.ADMITTED),
        many=True,
        allow_empty=False,
        label=_("Participating partners"),
        help_text=_("Ids of admitted partner organisations."),
    )
    plan = _text(_("Trial plan"), required=False)
    approach = serializers.PrimaryKeyRelatedField(
        queryset=Approach.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        label=_("Approach to trial"),
        help_text=_("An approach of this challenge; by default the selected one."),
    )

    def validate_partners(self, partners: list[Organisation]) -> list[Organisation]:
        if len(partners) > PARTNERS_MAX:
            raise serializers.ValidationError(_("At most 200 partners."))
        return partners

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = check_date_range(
            attrs.get("start"), attrs.get("planned_end"), start_field="start",
            end_field="planned_end",
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class EvaluateInput(TransitionInput):
    outcome = serializers.ChoiceField(choices=Outcome.choices, label=_("Outcome"))
    evidence = _text(_("Evidence"))
    lessons_learned = _text(_("Lessons learned"))


class ReviseApproachInput(TransitionInput):
    reason = _text(_("Reason"), help_text=_("Why the running trial is abandoned."))
    approaches = _approach_list(required=False, label=_("New approaches"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["selected"] = _selected_index(attrs["approaches"]) if attrs.get("approaches") else None
        return attrs

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        return {
            "expected_state": data["expected_state"],
            "reason": data["reason"],
            "approaches": _approach_inputs(data.get("approaches") or []) or None,
            "selected": data["selected"],
        }


class CloseInput(TransitionInput):
    reason = serializers.ChoiceField(
        choices=ClosureReason.choices,
        label=_("Reason"),
        help_text=_(
            "duplicate: name `duplicate_of`; referred: name `referral_body`; out_of_scope: "
            "neither."
        ),
    )
    duplicate_of = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        default=None,
        label=_("Duplicate of"),
        help_text=_("The number of the challenge this one duplicates."),
    )
    referral_body = serializers.PrimaryKeyRelatedField(
        queryset=ReferralBody.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        label=_("Referred to"),
        help_text=_("The body the challenge is handed over to (see `GET /referral-bodies/`)."),
    )
    note = _text(_("Note"), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        reason = attrs["reason"]
        actor = self.context.get("actor")
        if reason == ClosureReason.DUPLICATE:
            pk = attrs.get("duplicate_of")
            duplicate = Challenge.objects.filter(pk=pk).first() if pk else None
            if pk is None:
                raise serializers.ValidationError(
                    {"duplicate_of": [_("Name the challenge this one duplicates.")]}
                )
            if duplicate is None or not permissions.can_view_challenge(actor, duplicate):
                raise serializers.ValidationError({"duplicate_of": [_("Unknown challenge.")]})
            attrs["duplicate_of"] = duplicate
        else:
            attrs["duplicate_of"] = None
        if reason == ClosureReason.REFERRED:
            if attrs.get("referral_body") is None:
                raise serializers.ValidationError(
                    {"referral_body": [_("Choose the body the challenge is referred to.")]}
                )
        else:
            attrs["referral_body"] = None
        return attrs


class ReopenInput(TransitionInput):
    reason = _text(_("Reason"))


INPUTS: dict[str, type[TransitionInput]] = {
    "analyse": AnalyseInput,
    "propose_approach": ProposeApproachInput,
    "start_trial": StartTrialInput,
    "evaluate": EvaluateInput,
    "revise_approach": ReviseApproachInput,
    "close": CloseInput,
    "reopen": ReopenInput,
}


def _approach_errors(errors: dict | list) -> list[str]:
    """Errors of the approach list as "Approach 2: Title: …" (DRF gives them per position)."""
    labels = {name: field.label for name, field in ApproachItemInput().fields.items()}
    entries = errors.items() if isinstance(errors, dict) else enumerate(errors)
    messages: list[str] = []
    for index, item in entries:
        if not isinstance(item, dict):
            messages.extend(m for ms in flat_errors([item]).values() for m in ms)
            continue
        for field, field_messages in flat_errors(item).items():
            for message in field_messages:
                messages.append(
                    str(_("Approach %(n)d: %(field)s: %(message)s"))
                    % {"n": int(index) + 1, "field": labels.get(field, field), "message": message}
                )
    return messages


def flat_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's (possibly nested) errors as field → messages; an approach's own field errors are
    reported on ``approaches`` as "Approach 2: title: …" so every edge can show them."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for name, value in errors.items():
            if name == "approaches" and isinstance(value, (dict, list)):
                flat.setdefault("approaches", []).extend(_approach_errors(value))
                continue
            for field, messages in flat_errors(value).items():
                key = name if field == "" else f"{name}.{field}"
                flat.setdefault(key, []).extend(messages)
        return flat
    if isinstance(errors, list):
        messages: list[str] = []
        for item in errors:
            if isinstance(item, (dict, list)):
                for nested in flat_errors(item).values():
                    messages.extend(nested)
            else:
                messages.append(str(item))
        return {prefix: messages} if messages else {}
    return {prefix: [str(errors)]}
