"""The API's one translation of errors into responses: every error is JSON with a stable
machine ``code`` and a human ``detail``; field errors keep DRF's usual shape (field name → list
of messages) next to those two keys.

Domain errors raised by services (``core.exceptions``) carry their own code and status; DRF's own
errors (authentication, throttling, malformed JSON, validation) are mapped to the same shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError, MissingInput

INVALID_INPUT_MESSAGE = MissingInput.default_message


def _field_errors(data: Any) -> dict[str, Any]:
    """DRF's field-error shape; a bare list of messages becomes ``non_field_errors``."""
    if isinstance(data, dict):
        return {str(key): value for key, value in data.items()}
    if isinstance(data, list):
        return {"non_field_errors": data}
    return {"non_field_errors": [data]}


def _code_of(exc: exceptions.APIException) -> str:
    detail = exc.detail
    code = getattr(detail, "code", None)
    if isinstance(code, str) and code:
        return code
    return exc.default_code


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {}
        body.update({field: [str(m) for m in messages] for field, messages in exc.fields.items()})
        body["code"] = exc.code
        body["detail"] = exc.message
        return Response(body, status=exc.status)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging take over

    if isinstance(exc, exceptions.ValidationError):
        body = _field_errors(exc.detail)
        body["code"] = "invalid_input"
        body["detail"] = str(INVALID_INPUT_MESSAGE)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        if isinstance(detail, (dict, list)):
            message = str(exc.default_detail)
        else:
            message = str(detail) if detail else str(_("The request could not be carried out."))
        body = {"code": _code_of(exc), "detail": message}
    response.data = body
    return response
