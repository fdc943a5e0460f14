"""The preferences page: mail (immediate, digest), language and display name of the signed-in
person. It lives with the notifications it configures; name and language are written through
``core.services``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import services as core_services
from core.exceptions import MissingInput
from core.forms import copy_field_errors

from . import services
from .forms import PreferencesForm


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Mail (immediate, digest), language and display name of the signed-in person."""
    preference = services.preference_for(request.user)
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                core_services.user_update_preferences(
                    actor=request.user,
                    preferred_language=data["preferred_language"],
                    display_name=data["display_name"],
                    time_zone=data["time_zone"] or None,
                )
                services.preference_update(
                    actor=request.user, immediate=data["immediate"], digest=data["digest"]
                )
            except MissingInput as exc:
                copy_field_errors(form, exc.fields, exc.message)
            except ValueError as exc:  # an unknown digest frequency
                form.add_error("digest", str(exc))
            else:
                language = data["preferred_language"]
                with_language(language)
                messages.success(request, _("Your preferences are saved."))
                response = redirect("preferences")
                # The language cookie wins over the stored preference (see UserLanguageMiddleware),
                # so it follows the choice made here.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
                return response
        status = 400
    else:
        form = PreferencesForm(
            initial={
                "display_name": request.user.display_name,
                "preferred_language": request.user.preferred_language,
                "time_zone": request.user.time_zone,
                "immediate": preference.immediate,
                "digest": preference.digest,
            }
        )
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


def with_language(language: str) -> None:
    """Answer the rest of this request (the success message) in the newly chosen language."""
    from django.utils import translation

    translation.activate(language)


def account_facts(user) -> list[tuple[str, str]]:
    """What the account page shows of these preferences (registered with
    ``core.account_summary``); reads only, the defaults when the person never chose."""
    from .models import Preference

    preference = Preference.objects.filter(user=user).first() or Preference()
    return [
        (_("Immediate emails on challenges you follow"), _("on") if preference.immediate else _("off")),
        (_("Digest"), preference.get_digest_display()),
    ]
