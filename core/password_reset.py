"""Password-reset requests (issue 10, item 6): rate-limited per address and per source, and
answered the same way, after the same work, whether or not the address belongs to anybody.

Looking the address up and sending the mail happen in the background (``core.tasks``), so the
page does the same thing for every address — count the request, enqueue one task — and neither
its answer nor its timing tells a stranger which addresses have accounts (before, 31 ms for a
known address against 11 ms for an unknown one)."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from core import lockout

RESET_WINDOW = 60 * 60  # seconds
RESETS_PER_ADDRESS = 5  # an hour: enough for a lost mail or two, too few to flood an inbox
RESETS_PER_SOURCE = 20  # an hour: an office behind one address may have a few forgetful people
RATE_LIMITED = "rate_limited"


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})

    def clean_email(self) -> str:
        email = lockout.normalise_account(self.cleaned_data["email"])
        # Both counters count every request, so neither can be dodged by the other.
        per_address = lockout.take_attempt(
            "reset-address", email, limit=RESETS_PER_ADDRESS, window=RESET_WINDOW
        )
        per_source = lockout.take_attempt(
            "reset-source", lockout.source_of(self.request),
            limit=RESETS_PER_SOURCE, window=RESET_WINDOW,
        )
        if not (per_address and per_source):
            raise ValidationError(
                _("Too many password-reset requests. Please try again in an hour."),
                code=RATE_LIMITED,
            )
        return email

    def save(self, *, request=None, use_https=False, **unused) -> None:
        """Enqueue the lookup and the mail, whatever the address (see the module)."""
        from core.tasks import send_password_reset_mail

        # The link is built on SITE_URL, never on the request's Host header (which a stranger
        # chooses: "password-reset poisoning"); the mail is in the person's own language.
        payload = {"email": self.cleaned_data["email"], "request_id": uuid.uuid4().hex}
        transaction.on_commit(lambda: send_password_reset_mail.delay(**payload))


def reset_path(user) -> str:
    """The path of the person's reset link (Django's token: one use, expires after
    ``PASSWORD_RESET_TIMEOUT``)."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        limited = any(e.code == RATE_LIMITED for e in form.errors.as_data().get("email", []))
        response.status_code = 429 if limited else 400
        return response
