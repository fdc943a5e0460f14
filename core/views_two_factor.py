"""Pages of the two-factor sign-in (``core.two_factor``): the sign-in's second step, and the
person's own settings — set it up (QR code, confirm with a code, recovery codes shown once),
new recovery codes, turn it off (password and code)."""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import lockout, two_factor
from core.exceptions import DomainError, MissingInput
from core.forms import SignInForm, copy_field_errors
from core.models import User

PENDING_KEY = "wkn_two_factor_pending"
PENDING_SECONDS = 5 * 60  # the code must follow the password within this time
BACKEND = "core.auth_backends.LockoutModelBackend"


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        help_text=gettext_lazy("Six digits; a new code every 30 seconds."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "spellcheck": "false",
            }
        ),
    )


class CodeForm(forms.Form):
    code = _code_field()


class SignInCodeForm(forms.Form):
    """The sign-in's second step: a current code, or (instead) one recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        required=False,
        help_text=gettext_lazy("Six digits; a new code every 30 seconds."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    recovery_code = forms.CharField(
        label=gettext_lazy("Recovery code"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("One of the codes you kept when you set it up; each works once."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("code") or "").strip() and not (data.get("recovery_code") or "").strip():
            raise forms.ValidationError(_("Enter the code from your app or a recovery code."))
        return data


class DisableForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field()


# --- sign-in --------------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Django's sign-in; for a person with two-factor sign-in the right password leads to the
    code step instead of signing in."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.two_factor_enabled(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "hash": user.get_session_auth_hash(),
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("sign-in-code")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING_KEY) or {}
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None, {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending.get("hash"):
        return None, {}
    return user, pending


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("login")
    status = 200
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if not lockout.take_sign_in_attempt(request, user.email):
                form.add_error(
                    None, _("Too many failed sign-ins for this address. Try again in 15 minutes.")
                )
                status = 429
            elif two_factor.code_is_right(
                user, form.cleaned_data["code"] or form.cleaned_data["recovery_code"]
            ):
                lockout.sign_in_succeeded(request, user.email)
                request.session.pop(PENDING_KEY, None)
                auth_login(request, user, backend=BACKEND)
                if form.cleaned_data["recovery_code"] and not form.cleaned_data["code"]:
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "You signed in with a recovery code. %(left)d is left; make new "
                            "ones on your two-factor page.",
                            "You signed in with a recovery code. %(left)d are left; make new "
                            "ones on your two-factor page if you run short.",
                            left,
                        ) % {"left": left},
                    )
                return redirect(pending.get("next") or "my-work")
            else:
                field = "code" if form.cleaned_data["code"] else "recovery_code"
                form.add_error(field, _("This code is not right (or was used already)."))
    return render(request, "registration/sign_in_code.html", {"form": form}, status=status)


# --- the person's settings ------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    enabled = two_factor.two_factor_enabled(user)
    return render(
        request,
        "account/two_factor.html",
        {
            "enabled": enabled,
            "required": two_factor.two_factor_required(user),
            "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
            "disable_form": DisableForm(),
            "renew_form": CodeForm(auto_id="renew_%s"),
        },
    )


@never_cache  # the answer holds the secret, later the recovery codes
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if two_factor.two_factor_enabled(user):
        return redirect("two-factor")
    device = two_factor.device_in_setup(user) or two_factor.two_factor_begin(actor=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = two_factor.two_factor_confirm(actor=user, code=form.cleaned_data["code"])
            except MissingInput as exc:
                copy_field_errors(form, exc.fields, exc.message)
            else:
                messages.success(request, _("Two-factor sign-in is on."))
                return render(request, "account/recovery_codes.html", {"codes": codes})
    uri = two_factor.otpauth_uri(device)
    return render(
        request,
        "account/two_factor_setup.html",
        {
            "form": form,
            "uri": uri,
            "secret": two_factor.secret_of(device),
            "qr": two_factor.qr_svg(uri),
            "required": two_factor.two_factor_required(user),
        },
        status=status,
    )


@never_cache
@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, auto_id="renew_%s")
    if form.is_valid():
        try:
            codes = two_factor.recovery_codes_renew(
                actor=request.user, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            messages.error(request, "; ".join(sum(exc.fields.values(), [])) or exc.message)
        else:
            return render(request, "account/recovery_codes.html", {"codes": codes})
    else:
        messages.error(request, _("Enter the code from your app."))
    return redirect("two-factor")


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = DisableForm(request.POST)
    if form.is_valid():
        try:
            two_factor.two_factor_disable(
                actor=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
            )
        except MissingInput as exc:
            copy_field_errors(form, exc.fields, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two-factor")
    user = request.user
    return render(
        request,
        "account/two_factor.html",
        {
            "enabled": two_factor.two_factor_enabled(user),
            "required": two_factor.two_factor_required(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "disable_form": form,
            "renew_form": CodeForm(auto_id="renew_%s"),
        },
        status=400,
    )
