"""Pages of search-driven suggestions: what the filing form shows while a partner types, and
the coordinator's one-click close of a case as the duplicate of a suggested one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError, NotFound

from .. import selectors, services
from ..models import ClosureReason
from . import query, saved_views
from .suggest import helpful_good_practices, similar_challenges

MAX_TEXT = 5_000


@login_required
@require_GET
def challenge_suggestions(request: HttpRequest) -> HttpResponse:
    """Similar challenges and helpful good practices for the title and description typed so
    far (the filing form asks for it through htmx while the person types)."""
    title = request.GET.get("title", "")[:200]
    description = request.GET.get("description", "")[:MAX_TEXT]
    groups = query.synonym_groups()
    context = {
        "related": similar_challenges(
            request.user, title=title, description=description, groups=groups
        ),
        "helpful": helpful_good_practices(
            request.user, title=title, description=description, groups=groups
        ),
        "while_filing": True,
    }
    return render(request, "workflows/_suggestions.html", context)


@login_required
@require_POST
def challenge_close_as_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """Close challenge ``pk`` as a duplicate of the challenge named in ``original`` through
    the close service (which decides who may and when)."""
    try:
        challenge = selectors.visible_challenge_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    try:
        original = selectors.visible_challenge_for(request.user, request.POST.get("original"))
    except NotFound:
        messages.error(request, _("Choose a challenge you can see as the original."))
        return redirect("challenge-detail", pk=challenge.pk)
    try:
        services.challenge_close(
            actor=request.user,
            challenge=challenge,
            reason=ClosureReason.DUPLICATE,
            duplicate_of=original,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Closed as a duplicate of #%(pk)d.") % {"pk": original.pk},
        )
    return redirect("challenge-detail", pk=challenge.pk)


# --- saved views --------------------------------------------------------------------------------


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the challenge list's current search and filters under a name."""
    query_string = saved_views.normalised_query(request.POST.get("query", ""))
    try:
        view = saved_views.saved_view_create(
            actor=request.user, name=request.POST.get("name", ""), query=query_string,
            subscribed=request.POST.get("subscribed") == "on",
        )
    except DomainError as exc:
        messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms) or exc.message)
    else:
        messages.success(
            request, _("Saved as “%(name)s”. You find it on your work page.") % {"name": view.name}
        )
    return redirect(reverse("challenge-list") + (f"?{query_string}" if query_string else ""))


@login_required
@require_POST
def saved_view_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Subscribe, unsubscribe or delete one's own saved view (others': 404)."""
    action = request.POST.get("action")
    try:
        if action == "delete":
            saved_views.saved_view_delete(actor=request.user, saved_view=pk)
            messages.success(request, _("The saved view is deleted."))
        elif action in ("subscribe", "unsubscribe"):
            saved_views.saved_view_subscribe(
                actor=request.user, saved_view=pk, subscribed=action == "subscribe"
            )
            messages.success(
                request,
                _("Its new matches will be in your digest.") if action == "subscribe"
                else _("Its new matches will no longer be in your digest."),
            )
        else:
            messages.error(request, _("Unknown action."))
    except NotFound:
        raise Http404() from None
    return redirect(reverse("my-work") + "#saved-views")
