"""Pages of a person's data rights (DSGVO): the privacy notice and the imprint (public), a
person's own data (export, erasure request) and the coordinators' data-protection page.

Thin like every view: reads through ``core.personal_data`` / ``core.retention``, writes through
their services; domain errors become messages. A page someone may not use is "not found".
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import permissions, personal_data, retention
from core.exceptions import DomainError, NotFound
from core.legal import has_placeholders, legal_text, render_legal
from core.models import ErasureRequest, User

INACTIVE_LIST_SIZE = 100


class ErasureRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand: my name, e-mail address, memberships, preferences and mails are "
            "deleted and I can no longer sign in; my contributions remain as those of a former "
            "member."
        ),
    )


class PersonLookupForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address of the person"), max_length=254)


def _legal_page(request: HttpRequest, kind: str, title: str) -> HttpResponse:
    text = legal_text(kind, get_language())
    return render(
        request,
        "legal/page.html",
        {"title": title, "body": render_legal(text), "placeholders": has_placeholders(text)},
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, "privacy", _("Privacy notice"))


@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, "imprint", _("Imprint"))


# --- a person's own data ------------------------------------------------------------------------


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Download your data; ask for (or withdraw) the erasure of your account."""
    return render(
        request,
        "legal/my_data.html",
        {
            "pending": personal_data.pending_erasure_request(request.user),
            "form": ErasureRequestForm(),
        },
    )


@login_required
@require_GET
def my_data_export(request: HttpRequest) -> HttpResponse:
    data = personal_data.personal_data_export(actor=request.user, person=request.user)
    return _json_download(data, f"willkommensnetz-my-data-{timezone.localdate():%Y-%m-%d}.json")


@login_required
@require_POST
def my_data_erasure(request: HttpRequest) -> HttpResponse:
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        return render(
            request, "legal/my_data.html", {"pending": None, "form": form}, status=400
        )
    personal_data.erasure_request(actor=request.user)
    messages.success(
        request,
        _("Your request is recorded. A coordinator confirms it; until then you can withdraw it."),
    )
    return redirect("my-data")


@login_required
@require_POST
def my_data_erasure_withdraw(request: HttpRequest) -> HttpResponse:
    personal_data.erasure_withdraw(actor=request.user)
    messages.success(request, _("Your erasure request is withdrawn."))
    return redirect("my-data")


# --- coordinators -------------------------------------------------------------------------------


def _coordinator_or_404(request: HttpRequest) -> None:
    if not permissions.roles_of(request.user).coordinator:
        raise Http404()


@login_required
@require_GET
def data_protection(request: HttpRequest) -> HttpResponse:
    """Coordinators: pending erasure requests, inactive accounts, the export for a person."""
    _coordinator_or_404(request)
    form = PersonLookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = User.objects.filter(email__iexact=form.cleaned_data["email"].strip()).first()
        if found is None:
            form.add_error("email", _("Nobody with this address."))
    return render(
        request,
        "legal/data_protection.html",
        {
            "requests": ErasureRequest.objects.filter(status=ErasureRequest.Status.PENDING)
            .select_related("person")
            .order_by("requested_at", "id"),
            "inactive": retention.inactive_accounts()[:INACTIVE_LIST_SIZE],
            "inactive_days": settings.RETENTION_INACTIVE_ACCOUNT_DAYS,
            "form": form,
            "found": found,
        },
    )


@login_required
@require_GET
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator downloads a person's data for them (logged in the personal-data log)."""
    _coordinator_or_404(request)
    person = get_object_or_404(User, pk=pk)
    data = personal_data.personal_data_export(actor=request.user, person=person)
    return _json_download(data, f"willkommensnetz-person-{person.pk}.json")


def _decide(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    _coordinator_or_404(request)
    try:
        service(actor=request.user, request=pk)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("data-protection")


@login_required
@require_POST
def erasure_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request, pk, personal_data.erasure_confirm,
        _("The account is erased; its contributions now show a former member."),
    )


@login_required
@require_POST
def erasure_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, personal_data.erasure_decline, _("The request is declined."))
