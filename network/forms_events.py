"""The inputs of the event pages: calendar filters, registration, proposing an event, a
programme item and an offer to co-organise. Validation of shape only; the rules live in the
services."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, Region, TargetGroup, Topic

from .models_events import Event


class EventFilterForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False,
                                    empty_label=_("all regions"))
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False,
                                   empty_label=_("all topics"))
    target_group = forms.ModelChoiceField(label=_("Target group"), queryset=TargetGroup.objects.all(),
                                          required=False, empty_label=_("all target groups"))
    month = forms.CharField(label=_("Month"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        try:
            month = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None
        if not 2000 <= month.year <= 2100:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return month


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    organisation_name = forms.CharField(label=_("Organisation (optional)"), max_length=200,
                                        required=False)
    consent = forms.BooleanField(label=_("I agree"), required=True)

    def __init__(self, *args, consent_text: str = "", consent_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if consent_text:
            # The organiser's own wording, in the event's language (WCAG 3.1.2: marked as such
            # when the page is in another one).
            self.fields["consent"].help_text = (
                format_html('<span lang="{}">{}</span>', consent_language, consent_text)
                if consent_language else consent_text
            )


class EventForm(forms.Form):
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Organisation.objects.none(),
                                       required=False, empty_label=_("the network (annual event)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends at"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)
    topics = forms.ModelMultipleChoiceField(label=_("Topics"), queryset=Topic.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), queryset=TargetGroup.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    audience = forms.ChoiceField(label=_("Audience"), choices=Event.Audience.choices)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100000, required=False,
                                  help_text=_("Empty: no limit. Beyond it, a waiting list."))

    def __init__(self, *args, organisations=None, allow_network=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisations if organisations is not None else Organisation.objects.none()
        self.fields["organiser"].required = not allow_network


class ProgrammeSessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    speakers = forms.CharField(label=_("Speakers"), max_length=300, required=False)
    room = forms.CharField(label=_("Room"), max_length=100, required=False)


class CoOrganiserOfferForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
