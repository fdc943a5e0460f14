"""The person's account page (``/account/``): everything a person sets for themself in one
place — name, address, language and time zone, mail (the notifications app's preferences,
shown through ``core.account_summary``), password, two-factor sign-in, API tokens, their data
— each with the way to change it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from core import account_summary, email_change, services, time_zones, tokens, two_factor


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "account/account.html",
        {
            "language": dict(settings.LANGUAGES).get(user.preferred_language, ""),
            "time_zone": str(time_zones.zone_of(user)).replace("_", " "),
            "pending_change": email_change.pending_change_of(user),
            "mail_facts": account_summary.facts_for(user),
            "two_factor_enabled": two_factor.two_factor_enabled(user),
            "token_count": tokens.tokens_of(user).count(),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new one twice, the validators), in our layout;
    the session stays signed in, other sessions end (Django's session hash)."""

    template_name = "account/password_change.html"
    success_url = reverse_lazy("password-change-done")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "account/password_change_done.html"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: Django's own (the cookie, for visitors and this browser),
    and for a signed-in person the stored language too, so that it follows them to every
    session and device and their mail."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_update_preferences(actor=request.user, preferred_language=language)
    return response
