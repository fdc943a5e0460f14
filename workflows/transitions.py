"""What each lifecycle step is called, where it leads and what it asks for, in one registry
shared by the API (which lists it at ``/transitions/`` and gives each step its own endpoint),
the pages (which build their forms from it) and the services.

A step's input is its serializer in ``workflows.transition_inputs``; ``fields`` describes that
serializer for clients that build forms at run time (derived, so the two cannot drift).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .models import State
from .transition_inputs import INPUTS, TransitionInput


@dataclass(frozen=True)
class InputField:
    name: str
    kind: str  # text | longtext | date | choice | id | ids | approaches | state
    required: bool
    label: Any
    choices: tuple[tuple[str, Any], ...] = ()


def _kind(name: str, field: serializers.Field) -> str:
    if name == "expected_state":
        return "state"
    if isinstance(field, serializers.ListSerializer):
        return "approaches"
    if isinstance(field, serializers.ManyRelatedField):
        return "ids"
    if isinstance(field, (serializers.PrimaryKeyRelatedField, serializers.IntegerField)):
        return "id"
    if isinstance(field, serializers.DateField):
        return "date"
    if isinstance(field, serializers.ChoiceField):
        return "choice"
    max_length = getattr(field, "max_length", None)
    return "text" if max_length is not None and max_length <= 200 else "longtext"


def describe(input_class: type[TransitionInput]) -> tuple[InputField, ...]:
    """The fields of a step's serializer as the ``/transitions/`` listing shows them."""
    described = []
    for name, field in input_class().fields.items():
        choices = tuple(field.choices.items()) if isinstance(field, serializers.ChoiceField) else ()
        described.append(InputField(name, _kind(name, field), field.required, field.label, choices))
    return tuple(described)


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: Any
    target: str
    coordinator_only: bool = False

    @property
    def input(self) -> type[TransitionInput]:
        return INPUTS[self.name]

    @property
    def fields(self) -> tuple[InputField, ...]:
        return describe(self.input)


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec("analyse", gettext_lazy("Analyse"), State.ANALYSED),
        TransitionSpec("propose_approach", gettext_lazy("Propose approach"), State.APPROACH_PROPOSED),
        TransitionSpec("start_trial", gettext_lazy("Start trial"), State.TRIALLED),
        TransitionSpec("evaluate", gettext_lazy("Evaluate"), State.EVALUATED),
        TransitionSpec("revise_approach", gettext_lazy("Revise approach"), State.APPROACH_PROPOSED),
        TransitionSpec("close", gettext_lazy("Close"), State.CLOSED, coordinator_only=True),
        # Reopen leads to ``analysed`` when the work done allows it, else back to ``reported``.
        TransitionSpec("reopen", gettext_lazy("Reopen"), State.ANALYSED, coordinator_only=True),
    )
}
