"""Forms of the challenge and good-practice pages. They check shape only; the services decide
and their field errors are copied back onto the form (``core.forms.copy_field_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, Region, TargetGroup, Topic, WorkingGroup

from . import permissions
from .models import Challenge, State, Visibility
from .transitions import TransitionSpec


class ChallengeForm(forms.Form):
    """The descriptive fields of a challenge, for filing and for editing."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe the situation, not a person: no names, no details about individual people."
        ),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), empty_label=_("Choose a topic")
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("Choose a region")
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.NETWORK,
        widget=forms.RadioSelect,
    )
    # Hidden until the service finds text that looks like it names a person; then it asks.
    confirm_personal_data = forms.BooleanField(
        label=_("These details are not about an individual person: save anyway"),
        required=False,
        widget=forms.HiddenInput,
    )

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field == "confirm_personal_data":
            self.fields[field].widget = forms.CheckboxInput()


class NewChallengeForm(ChallengeForm):
    organisation = forms.ModelChoiceField(
        label=_("Reporting organisation"), queryset=Organisation.objects.none(), empty_label=None
    )

    field_order = ["organisation"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        admitted = Organisation.objects.filter(status=Organisation.Status.ADMITTED)
        ids = permissions.filable_organisation_ids(user)
        self.fields["organisation"].queryset = admitted if ids is None else admitted.filter(pk__in=ids)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )


class AssignForm(forms.Form):
    working_group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=WorkingGroup.objects.all(),
        required=False,
        empty_label=_("No working group"),
    )


class ChallengeFilterForm(forms.Form):
    SORTS = {
        "relevance": ("-search_rank", "-created_at", "-id"),
        "newest": ("-created_at", "-id"),
        "oldest": ("created_at", "id"),
        "updated": ("-updated_at", "-id"),
        "waiting": ("state_entered_at", "id"),
        "title": ("title", "id"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states"))] + list(State.choices)
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.all(), empty_label=_("All topics")
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
    )
    working_group = forms.ModelChoiceField(
        label=_("Working group"),
        required=False,
        queryset=WorkingGroup.objects.all(),
        empty_label=_("All working groups"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.filter(status=Organisation.Status.ADMITTED),
        empty_label=_("All organisations"),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("relevance when searching, else newest")),
            ("relevance", _("relevance")),
            ("newest", _("newest first")),
            ("oldest", _("oldest first")),
            ("updated", _("recently changed")),
            ("waiting", _("waiting longest")),
            ("title", _("title")),
        ],
    )


class GoodPracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.all(), empty_label=_("All topics")
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        required=False,
        queryset=TargetGroup.objects.all(),
        empty_label=_("All target groups"),
        to_field_name="slug",
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
        to_field_name="slug",
    )


class StepForm(forms.Form):
    """The input of one lifecycle step, built from its entry in ``TRANSITIONS``.

    Field kinds map to widgets; ``approaches`` becomes one approach with flat fields
    (``approach_title``, ``approach_description``, ``approach_good_practice``), which
    ``parse_transition_input`` understands. ``to_data`` gives the raw dict the service parses.
    """

    def __init__(
        self,
        *args: Any,
        spec: TransitionSpec,
        challenge: Challenge,
        user: Any,
        good_practices: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        roles = permissions.roles_of(user)
        for field in spec.fields:
            if field.kind == "index":
                continue  # the web proposes one approach at a time: it is the selected one
            if field.kind == "approaches":
                self.fields["approach_title"] = forms.CharField(
                    label=_("Approach: title"), max_length=200, required=field.required
                )
                self.fields["approach_description"] = forms.CharField(
                    label=_("Approach: description"),
                    widget=forms.Textarea(attrs={"rows": 5}),
                    required=field.required,
                )
                if good_practices is not None:
                    self.fields["approach_good_practice"] = forms.ModelChoiceField(
                        label=_("It reuses this good practice"),
                        queryset=good_practices,
                        required=False,
                        empty_label=_("None (a new approach)"),
                    )
                continue
            self.fields[field.name] = self._field_for(field, challenge, roles)

    def _field_for(self, field, challenge: Challenge, roles) -> forms.Field:
        common = {"label": field.label, "required": field.required}
        if field.kind == "longtext":
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
        if field.kind == "text":
            return forms.CharField(max_length=200, **common)
        if field.kind == "date":
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if field.kind == "choice":
            return forms.ChoiceField(
                choices=[("", "—")] + list(field.choices),
                widget=forms.RadioSelect if len(field.choices) <= 4 else forms.Select,
                **common,
            )
        if field.kind == "ids":  # participating partners
            return forms.ModelMultipleChoiceField(
                queryset=Organisation.objects.filter(status=Organisation.Status.ADMITTED),
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if field.name == "working_group":
            groups = WorkingGroup.objects.all()
            if not roles.coordinator:
                groups = groups.filter(pk__in=roles.group_ids)
            return forms.ModelChoiceField(
                queryset=groups,
                initial=challenge.working_group_id,
                empty_label=_("Choose a working group"),
                **common,
            )
        if field.name == "approach":
            approaches = list(challenge.approaches.all())
            return forms.TypedChoiceField(
                choices=[("", _("The selected approach"))]
                + [(str(a.pk), a.title) for a in approaches],
                coerce=int,
                empty_value=None,
                **common,
            )
        # Any other id (duplicate_of): the number of a challenge.
        return forms.IntegerField(
            min_value=1,
            help_text=_("The number of the challenge, as shown in its address."),
            **common,
        )

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "":
                continue
            if hasattr(value, "pk"):
                data[name] = str(value.pk)
            elif hasattr(value, "isoformat"):
                data[name] = value.isoformat()
            elif isinstance(value, (list, tuple)) or hasattr(value, "model"):
                data[name] = [str(item.pk) for item in value]
            else:
                data[name] = value if isinstance(value, str) else str(value)
        return data
