"""The pages of the e-mail change (``core.email_change``): asking for it (new address and
password) and confirming it from the link in the mail. Wrong passwords count into the sign-in
lock-out (per account and source, like every other password check), and each person may ask
only a few times an hour, so the form can neither guess passwords nor flood an inbox."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core import email_change, lockout
from core.exceptions import DomainError, MissingInput, NotFound
from core.forms import copy_field_errors

REQUESTS_PER_HOUR = 5  # per person: a typo or two, too few to use the form as a mail cannon


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=gettext_lazy("New email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy("We send a link to this address; it changes once you open it."),
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_change_request(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = 200
    if request.method == "POST":
        form = EmailChangeForm(request.POST)
        status = 400
        if form.is_valid():
            allowed = lockout.take_attempt(
                "email-change", str(user.pk), limit=REQUESTS_PER_HOUR, window=60 * 60
            ) and lockout.take_sign_in_attempt(request, user.email)
            if not allowed:
                form.add_error(None, _("Too many attempts. Please try again later."))
                status = 429
            else:
                try:
                    change = email_change.email_change_request(
                        actor=user,
                        new_email=form.cleaned_data["new_email"],
                        password=form.cleaned_data["password"],
                    )
                except MissingInput as exc:
                    copy_field_errors(form, exc.fields, exc.message)
                else:
                    lockout.sign_in_succeeded(request, user.email)
                    messages.success(
                        request,
                        _("We sent a link to %(email)s. Your address changes when you open it "
                          "(within 24 hours).") % {"email": change.new_email},
                    )
                    return redirect("account")
    else:
        form = EmailChangeForm()
    return render(
        request,
        "account/email_change.html",
        {"form": form, "pending": email_change.pending_change_of(user)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what would change and a button (mail scanners that open links change
    nothing); POST changes it."""
    if request.method == "POST":
        try:
            email_change.email_change_confirm(actor=request.user, token=token)
        except DomainError as exc:
            status = 404 if isinstance(exc, NotFound) else 409 if exc.status == 409 else 400
            error = exc.fields.get("new_email", [exc.message])[0]
            return render(
                request, "account/email_change_confirm.html", {"error": error}, status=status
            )
        messages.success(
            request, _("Your email address is now %(email)s.") % {"email": request.user.email}
        )
        return redirect("account")
    return render(request, "account/email_change_confirm.html", {"token": token})
