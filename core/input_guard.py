"""Control characters in query strings and form posts are refused with a clear 400 before any
view sees them (issue 10, item 4): PostgreSQL refuses NUL in text, so a NUL in a search box or
a form field was a 500. JSON bodies of the API are checked by its parser (``api.parsers``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.validators import CONTROL_CHARACTER_MESSAGE, has_control_characters

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _offending_field(request: HttpRequest) -> str | None:
    sources = [request.GET]
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            if has_control_characters(key) or any(has_control_characters(v) for v in values):
                return key
    return None


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _offending_field(request)
        if field is None:
            return self.get_response(request)
        message = str(CONTROL_CHARACTER_MESSAGE)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {field: [message], "code": "invalid_input", "detail": message}, status=400
            )
        return render(request, "400.html", {"detail": message}, status=400)
