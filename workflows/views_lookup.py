"""Suggestions for the filters of the challenge list and board: the organisation filter is a
text field whose datalist htmx fills from here while one types (``OrganisationLookupField``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
@login_required
def organisation_suggestions(request: HttpRequest) -> HttpResponse:
    """``<option>`` elements for the names matching ``organisation`` (the field's own name, as
    htmx sends it) or ``q``."""
    text = request.GET.get("organisation") or request.GET.get("q") or ""
    names = selectors.organisations_named_like(text)
    return render(request, "workflows/_organisation_options.html", {"names": names})
