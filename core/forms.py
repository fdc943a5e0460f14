"""Forms of the network-base pages. They check shape only; rules live in ``core.services``,
whose field errors the views copy back onto these forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.auth_backends import inactive_user_with_right_password, was_locked_out
from core.joining import pending_application_of
from core.models import Organisation, Region
from core.validators import validate_web_address


class SignInForm(AuthenticationForm):
    """Email and password; the messages name the email address, not a "username"."""

    error_messages = {
        "invalid_login": _(
            "The email address or the password is not right. Mind upper and lower case in the "
            "password."
        ),
        "inactive": _("This account cannot sign in yet: its organisation awaits admission."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def clean(self):
        # The lock-out itself sits in the authentication backend (every door shares it); the
        # form only says why it refuses.
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None and was_locked_out(self.request):
                raise ValidationError(
                    _("Too many failed sign-ins for this address. Try again in 15 minutes."),
                    code="locked_out",
                ) from None
            pending = (
                inactive_user_with_right_password(self.request) if self.request is not None else None
            )
            if pending is not None and pending_application_of(pending):
                raise ValidationError(
                    _("Your application is being reviewed by the coordinators. You will get "
                      "a mail as soon as it is decided; then you can sign in."),
                    code="pending",
                ) from None
            raise


class ApplicationForm(forms.Form):
    """An organisation applies together with its first person."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=Organisation.Kind.choices)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("Choose a region")
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https",
        validators=[validate_web_address],
    )
    description = forms.CharField(
        label=_("What does your organisation do for skilled workers from abroad?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    person_display_name = forms.CharField(label=_("Your name"), max_length=150)
    person_email = forms.EmailField(
        label=_("Your email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
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


def copy_field_errors(form: forms.Form, fields: dict[str, list[str]], message: str = "") -> None:
    """Put a service's field errors onto ``form``; errors of unknown fields go to the top."""
    for field, errors in fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not fields and message:
        form.add_error(None, message)
