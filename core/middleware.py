"""Signed-in people see the site in their stored language and time zone, on every request and
every device (the language switch and the preferences page store them, ``core.views_account``);
visitors keep Django's language cookie, which ``LocaleMiddleware`` reads before this. The API
(``/api/``) follows the caller's ``Accept-Language``: a program asks for the language it wants."""

from django.conf import settings
from django.utils import timezone, translation

from core import time_zones


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/api/"):
            return self.get_response(request)
        if user.preferred_language in dict(settings.LANGUAGES):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        timezone.activate(time_zones.zone_of(user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
