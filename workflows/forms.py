"""Forms of the challenge and good-practice pages. They check shape only; the services decide
and their field errors are copied back onto the form (``core.forms.copy_field_errors``).
The lifecycle steps' forms are derived from the steps' serializers (``workflows.step_forms``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, Region, TargetGroup, Topic, WorkingGroup

from . import permissions
from .models import Challenge, State, Visibility


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


class OrganisationLookupField(forms.CharField):
    """An admitted organisation chosen by typing its name: a text field, not a choice list (a
    regional network has thousands of organisations). While one types, htmx fills the
    field's datalist with the matching names (``organisation-suggestions``); without
    JavaScript one types the name and submits. Accepts the name (any case) or, for links and
    saved views, the id; cleans to the ``Organisation`` or ``None``, in one query."""

    default_error_messages = {
        "unknown": _("No admitted organisation is called “%(name)s”."),
    }
    OPTIONS_ID = "organisation-options"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "list": self.OPTIONS_ID, "autocomplete": "off",
            "hx-get": reverse_lazy("organisation-suggestions"),
            "hx-trigger": "input changed delay:300ms", "hx-target": f"#{self.OPTIONS_ID}",
            "hx-swap": "innerHTML", "hx-push-url": "false",
        }))
        super().__init__(max_length=200, required=False, **kwargs)
        self.resolved: dict[str, Organisation] = {}

    def clean(self, value: Any) -> Organisation | None:
        text = super().clean(value)
        if not text:
            return None
        admitted = Organisation.objects.filter(status=Organisation.Status.ADMITTED)
        found = (admitted.filter(pk=int(text)) if text.isdigit() and len(text) < 19
                 else admitted.filter(name__iexact=text)).first()
        if found is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown",
                                  params={"name": text})
        self.resolved[text] = found
        return found

    def prepare_value(self, value: Any) -> Any:
        # Shown by name, also when the link gave the id (resolved by clean, no query here).
        found = self.resolved.get(value.strip()) if isinstance(value, str) else None
        return found.name if found is not None else value


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
    organisation = OrganisationLookupField(label=_("Organisation"))
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
