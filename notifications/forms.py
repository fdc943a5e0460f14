"""Forms of the notifications pages. They check shape only; rules live in
``notifications.services`` (and ``core.services`` for name and language)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import time_zones

from .models import Preference


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zones.names()]


class PreferencesForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150)
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        required=False,  # left out (an older form, a program): the zone stays as it is
        help_text=_("Pages and emails show times in this zone."),
    )
    immediate = forms.BooleanField(
        label=_("Mail me at once when a challenge I follow changes"), required=False
    )
    digest = forms.ChoiceField(
        label=_("Digest of what happened in the network"),
        choices=Preference.Digest.choices,
        widget=forms.RadioSelect,
    )
