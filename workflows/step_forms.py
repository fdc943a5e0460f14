"""The pages' (and the admin's) form of a lifecycle step, derived from the step's serializer.

The form only renders the serializer's fields as HTML widgets and turns the posted strings into
the serializer's JSON shape (``to_data``); validation is the serializer's, run by
``services.challenge_transition`` exactly as for the API, and its field errors are copied back
onto this form. Every form carries the state the person saw as a hidden ``expected_state``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import WorkingGroup

from . import permissions, similarity
from .models import Challenge, State
from .transitions import TransitionSpec

APPROACH_ROWS = 3  # approaches one form proposes at once; more through the API


def _approach_field(row: int, part: str) -> str:
    return f"approach_{row}_{part}"


def link_button_name(row: int) -> str:
    """The submit button that links approach ``row`` to a record (its value: the record's id)."""
    return f"link_approach_{row}"


class ApproachTitleInput(forms.TextInput):
    """An approach's title with the existing good-practice records that look like it below.

    While the person types, htmx asks ``good-practice-similar`` for the records; without
    JavaScript the "look for similar records" button posts the form and the page renders them
    (``StepForm.offer_similar_records``). Each record has a button that links the approach to it,
    so the record grows with this approach's trial instead of a new record starting.
    """

    template_name = "workflows/widgets/approach_title.html"

    def __init__(self, *, row: int, attrs: dict[str, Any] | None = None) -> None:
        target = f"similar-approach-{row}"
        super().__init__(attrs={
            **(attrs or {}),
            "hx-get": reverse("good-practice-similar"),
            "hx-trigger": "input changed delay:500ms",
            "hx-target": f"#{target}",
            "hx-swap": "innerHTML",
            "hx-vals": f'{{"row": "{row}"}}',
            "hx-include": f"#id_{_approach_field(row, 'good_practice')}",
            "aria-controls": target,
        })
        self.row = row
        self.matches: list[similarity.Match] | None = None
        self.linked: int | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(row=self.row, matches=self.matches, linked=self.linked)
        return context


class StepForm(forms.Form):
    """The input of one step, built from ``spec.input`` (the step's serializer)."""

    def __init__(
        self,
        *args: Any,
        spec: TransitionSpec,
        challenge: Challenge,
        user: Any,
        good_practices: QuerySet | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.challenge = challenge
        self.good_practices = good_practices
        self.input_fields = spec.input().fields
        roles = permissions.roles_of(user)
        self.fields["expected_state"] = forms.ChoiceField(
            choices=State.choices, widget=forms.HiddenInput, initial=challenge.state
        )
        for name, field in self.input_fields.items():
            if name == "expected_state":
                continue
            if isinstance(field, serializers.ListSerializer):
                self._add_approach_rows(field, good_practices)
                continue
            self.fields[name] = self._field_for(name, field, challenge, roles)

    @property
    def has_approaches(self) -> bool:
        return any(isinstance(f, serializers.ListSerializer) for f in self.input_fields.values())

    def _add_approach_rows(self, field: serializers.ListSerializer, good_practices) -> None:
        for row in range(APPROACH_ROWS):
            first = row == 0 and field.required
            n = {"n": row + 1}
            self.fields[_approach_field(row, "title")] = forms.CharField(
                label=_("Approach %(n)d: title") % n, max_length=200, required=first,
                widget=ApproachTitleInput(row=row) if good_practices is not None else None,
            )
            self.fields[_approach_field(row, "description")] = forms.CharField(
                label=_("Approach %(n)d: description") % n,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=first,
            )
            if good_practices is not None:
                self.fields[_approach_field(row, "good_practice")] = forms.ModelChoiceField(
                    label=_("Approach %(n)d reuses this good practice") % n,
                    queryset=good_practices,
                    required=False,
                    empty_label=_("None (a new approach)"),
                )
        self.fields["selected_approach"] = forms.TypedChoiceField(
            label=_("Selected approach (the one to trial)"),
            choices=[(str(row), _("Approach %(n)d") % {"n": row + 1}) for row in range(APPROACH_ROWS)],
            coerce=int,
            initial="0",
            widget=forms.RadioSelect,
            required=False,
        )

    def offer_similar_records(self) -> None:
        """Show, under each approach title typed so far, the records that look like it (the
        page's answer without JavaScript; with it, htmx fetches the same list while typing)."""
        if not self.is_bound or self.good_practices is None:
            return
        for row in range(APPROACH_ROWS):
            field = self.fields.get(_approach_field(row, "title"))
            if field is None or not isinstance(field.widget, ApproachTitleInput):
                continue
            title = (self.data.get(_approach_field(row, "title")) or "")[:200]
            linked = self.data.get(_approach_field(row, "good_practice")) or ""
            field.widget.linked = int(linked) if linked.isascii() and linked.isdigit() else None
            field.widget.matches = (
                similarity.similar_good_practices(title, among=self.good_practices)
                if title.strip() else None
            )

    def _field_for(self, name: str, field: serializers.Field, challenge: Challenge, roles) -> forms.Field:
        common = {"label": field.label, "required": field.required}
        if isinstance(field, serializers.ChoiceField):
            # No empty "—" option: a radio group with nothing checked asks for a choice
            # instead of preselecting a non-answer.
            return forms.ChoiceField(
                choices=[(str(k), v) for k, v in field.choices.items()],
                widget=forms.RadioSelect,
                **common,
            )
        if isinstance(field, serializers.DateField):
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if isinstance(field, serializers.ManyRelatedField):
            return forms.ModelMultipleChoiceField(
                queryset=field.child_relation.queryset,
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            queryset = field.queryset
            empty_label = _("Choose")
            if name == "working_group":
                queryset = WorkingGroup.objects.all()
                if not roles.coordinator:
                    queryset = queryset.filter(pk__in=roles.group_ids)
                empty_label = _("Choose a working group")
            elif name == "approach":
                queryset = challenge.approaches.all()
                empty_label = _("The selected approach")
            initial = challenge.working_group_id if name == "working_group" else None
            return forms.ModelChoiceField(
                queryset=queryset, empty_label=empty_label, initial=initial, **common
            )
        if isinstance(field, serializers.IntegerField):  # duplicate_of: a challenge's number
            return forms.IntegerField(
                min_value=1,
                max_value=2**62,
                help_text=_("The number of the challenge, as shown in its address."),
                **common,
            )
        long_text = (field.max_length or 0) > 200
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}) if long_text else forms.TextInput,
            max_length=field.max_length,
            **common,
        )

    def _approaches(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        selected = data.get("selected_approach")
        rows = []
        for row in range(APPROACH_ROWS):
            title = data.get(_approach_field(row, "title")) or ""
            description = data.get(_approach_field(row, "description")) or ""
            if not (title or description):
                continue
            gp = data.get(_approach_field(row, "good_practice"))
            rows.append(
                {
                    "title": title,
                    "description": description,
                    "good_practice": gp.pk if gp is not None else None,
                    "selected": row == (selected if selected is not None else 0),
                }
            )
        return rows

    def to_data(self) -> dict[str, Any]:
        """The cleaned values in the serializer's JSON shape; empty values are left out so
        the serializer reports what is missing."""
        data: dict[str, Any] = {"expected_state": self.cleaned_data.get("expected_state")}
        for name, field in self.input_fields.items():
            if name == "expected_state":
                continue
            if isinstance(field, serializers.ListSerializer):
                approaches = self._approaches()
                if approaches:
                    data[name] = approaches
                continue
            value = self.cleaned_data.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, Model):
                data[name] = value.pk
            elif isinstance(value, QuerySet):
                if value.exists():
                    data[name] = [item.pk for item in value]
            elif isinstance(value, datetime.date):
                data[name] = value.isoformat()
            else:
                data[name] = value
        return data

    def add_service_errors(self, fields: dict[str, list[str]], message: str) -> None:
        """Put the serializer's/service's field errors onto the fields they concern."""
        for name, errors in fields.items():
            target = name
            if name == "approaches" or name.startswith("approaches."):
                target = _approach_field(0, "title")
            elif name == "selected":
                target = "selected_approach"
            for error in errors:
                self.add_error(target if target in self.fields else None, error)
        if not fields and message:
            self.add_error(None, message)
