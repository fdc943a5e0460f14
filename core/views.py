"""Pages of the network base: partner application, admission of applicants, preferences.
Sign-in, sign-out and password reset are Django's auth views (see ``core.web_urls``).

Views stay thin: they read through selectors or plain queries, write through services, and
turn domain errors into field errors and messages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import permissions, services
from core.exceptions import DomainError, DuplicateInput, MissingInput
from core.forms import ApplicationForm, PreferencesForm, copy_field_errors
from core.models import Organisation
from notifications import services as notification_services


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The partner application: the network is open, a coordinator admits newcomers."""
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        status = 400
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
            except DuplicateInput as exc:  # a concurrent twin of this application won
                copy_field_errors(form, exc.fields)
                form.add_error(None, exc.message)
                status = exc.status
            except MissingInput as exc:
                copy_field_errors(form, exc.fields, exc.message)
            else:
                return redirect("apply-done")
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


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Mail (immediate, digest), language and display name of the signed-in person."""
    preference = notification_services.preference_for(request.user)
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_update_preferences(
                    actor=request.user,
                    preferred_language=data["preferred_language"],
                    display_name=data["display_name"],
                )
                notification_services.preference_update(
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
                "immediate": preference.immediate,
                "digest": preference.digest,
            }
        )
    return render(request, "network/preferences.html", {"form": form}, status=status)


def with_language(language: str) -> None:
    """Answer the rest of this request (the success message) in the newly chosen language."""
    from django.utils import translation

    translation.activate(language)
