"""The one page of this app: one-click unsubscribe by signed link, without login."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.exceptions import NotFound

from . import services


# The signed token is the credential, and mail clients POST here without a session or CSRF token
# (RFC 8058 one-click: "List-Unsubscribe=One-Click"). The only thing it can do is switch mail off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows one button (link scanners that prefetch mail links change nothing); POST, from
    that button or straight from the mail client, switches the mail off."""
    try:
        user, scope = services.unsubscribe_token_load(token)
    except NotFound:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        if request.method == "POST":
            services.preference_unsubscribe(token=token)
            return render(request, "notifications/unsubscribe.html", {"done": True, "scope": scope, "person": user})
        return render(request, "notifications/unsubscribe.html", {"scope": scope, "person": user})
