"""The one way a page hands a posted form to a service: the form checks shape, the service
decides, its domain errors go back onto the form with their status, success is a message and
a redirect. Every editing page (challenges, good-practice records, recommendations) uses it, so
they cannot drift apart in how they answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse

from core.exceptions import DomainError, NotFound
from core.forms import copy_field_errors


def form_submit(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: str,
    then: Callable[[Any], HttpResponse],
) -> tuple[HttpResponse | None, int]:
    """Validate ``form`` and call ``save`` with (a copy of) its cleaned data. Returns
    ``(then(result), 302)`` after a success message, or ``(None, status)`` to show the form
    again: 400 for an invalid form, the domain error's status (its field errors on the form).
    ``NotFound`` from the service (the object went out of sight meanwhile) is a 404."""
    if not form.is_valid():
        return None, 400
    try:
        result = save(dict(form.cleaned_data))
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        copy_field_errors(form, exc.fields, exc.message)
        return None, exc.status
    messages.success(request, success)
    response = then(result)
    return response, response.status_code
