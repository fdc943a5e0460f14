"""Pages of joining an admitted organisation: the request (anonymous) and the decisions (the
organisation's members who may admit, and the coordinators). Thin: forms check shape, the
services in ``core.joining`` decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import joining
from core.exceptions import DomainError, MissingInput, NotFound
from core.forms import copy_field_errors
from core.forms_joining import DeclineForm, JoinForm


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Ask to join an organisation that is already a partner of the network."""
    status = 200
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                joining.join_request_create(
                    organisation=data["organisation"],
                    person_email=data["person_email"],
                    person_display_name=data["person_display_name"],
                    password=data["password"],
                    message=data["message"],
                    preferred_language=request.LANGUAGE_CODE,
                )
            except MissingInput as exc:
                copy_field_errors(form, exc.fields, exc.message)
            else:
                return redirect("join-done")
        status = 400
    else:
        form = JoinForm()
    return render(request, "network/join.html", {"form": form}, status=status)


def join_done(request: HttpRequest) -> HttpResponse:
    return render(request, "network/join_done.html")


@login_required
@require_http_methods(["GET"])
def join_requests(request: HttpRequest) -> HttpResponse:
    """The requests the signed-in person may decide (others: "not found")."""
    pending = list(joining.join_requests_to_decide(request.user))
    if not pending and not _may_decide_any(request.user):
        raise Http404()
    return render(
        request, "network/join_requests.html", {"pending": pending, "decline_form": DeclineForm()}
    )


def _may_decide_any(user) -> bool:
    from core import permissions
    from core.models import Membership

    return permissions.roles_of(user).coordinator or Membership.objects.filter(
        user=user, can_admit=True
    ).exists()


@login_required
@require_POST
def join_request_admit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decided = joining.join_request_admit(actor=request.user, request=pk)
    except NotFound as exc:
        raise Http404() from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(person)s is now a member of %(organisation)s.") % {
            "person": decided.user.get_full_name(), "organisation": decided.organisation.name
        })
    return redirect("join-requests")


@login_required
@require_POST
def join_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly why, for the person who asked."))
        return redirect("join-requests")
    try:
        decided = joining.join_request_decline(
            actor=request.user, request=pk, reason=form.cleaned_data["reason"]
        )
    except NotFound as exc:
        raise Http404() from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request of %(person)s is declined.") % {
            "person": decided.user.get_full_name()
        })
    return redirect("join-requests")
