"""Forms of joining: a newcomer asks to join an admitted organisation, and a decline's reason
(for applications and requests alike). Shape only; the rules live in ``core.joining`` and
``core.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation


class JoinForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(status=Organisation.Status.ADMITTED).order_by("name"),
        empty_label=_("Choose your organisation"),
    )
    person_display_name = forms.CharField(label=_("Your name"), max_length=150)
    person_email = forms.EmailField(
        label=_("Your email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    message = forms.CharField(
        label=_("Message to your organisation's contact"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("For example your role, so they recognise you."),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, for the applicant"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
