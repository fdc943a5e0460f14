"""Pages of the network base: partner application, admission of applicants. The preferences page
is the notifications app's (``notifications.views_preferences``).
Sign-in, sign-out and password reset are Django's auth views (see ``core.web_urls``).

Views stay thin: they read through selectors or plain queries, write through services, and
turn domain errors into field errors and messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import permissions, services
from core.exceptions import DomainError, MissingInput
from core.forms import ApplicationForm, copy_field_errors
from core.models import Organisation


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The partner application: the network is open, a coordinator admits newcomers."""
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.organisation_apply(
                    name=data["name"],
                    kind=data["kind"],
                    region=data["region"],
                    website=data["website"],
                    description=data["description"],
                    person_email=data["person_email"],
                    person_display_name=data["person_display_name"],
                    password=data["password"],
                    preferred_language=request.LANGUAGE_CODE,
                )
            except MissingInput as exc:
                copy_field_errors(form, exc.fields, exc.message)
            else:
                return redirect("apply-done")
        status = 400
    else:
        form = ApplicationForm()
        status = 200
    return render(request, "network/apply.html", {"form": form}, status=status)


def apply_done(request: HttpRequest) -> HttpResponse:
    return render(request, "network/apply_done.html")


@login_required
@require_http_methods(["GET"])
def applications(request: HttpRequest) -> HttpResponse:
    """Pending applications, for coordinators (others get "not found")."""
    if not permissions.can_admit_organisation(request.user):
        raise Http404()
    pending = (
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .select_related("region")
        .prefetch_related("members")
        .order_by("created_at", "id")
    )
    return render(request, "network/applications.html", {"pending": pending})


def _decide_application(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    """Admit or decline (``service``) one application; coordinators only, others get 404."""
    if not permissions.can_admit_organisation(request.user):
        raise Http404()
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404()
    try:
        service(actor=request.user, organisation=organisation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success % {"name": organisation.name})
    return redirect("applications")


@login_required
@require_POST
def application_admit(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_application(
        request, pk, services.organisation_admit, _("%(name)s is now a partner of the network.")
    )


@login_required
@require_POST
def application_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_application(
        request, pk, services.organisation_decline,
        _("The application of %(name)s is declined."),
    )
