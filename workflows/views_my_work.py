"""The start page: what needs the signed-in person now (``selectors.my_work_for``); visitors
who are not signed in see the public start page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import editorial, hooks, permissions, recommendations, selectors
from .models import Event, State
from .search import saved_views

MY_WORK_SIZE = 15
STATE_LABELS = dict(State.choices)


def my_work(request: HttpRequest) -> HttpResponse:
    """What needs me now. Visitors who are not signed in see the public start page instead
    (``hooks.provide_public_home``), or the public catalogue when none is plugged in."""
    user = request.user
    if not user.is_authenticated:
        public_home = hooks.public_home()
        if public_home is not None:
            return public_home(request)
        return redirect("good-practice-catalogue")
    work = selectors.my_work_for(user, size=MY_WORK_SIZE)
    for event in work.activity:
        event.state_label = (
            STATE_LABELS.get(event.transition_log.to_state, "")
            if event.kind == Event.Kind.TRANSITION and event.transition_log else ""
        )
    return render(
        request,
        "workflows/my_work.html",
        {
            "roles": work.roles,
            "waiting": work.waiting,
            "triage": work.triage,
            "stale": work.stale,
            "followed": work.followed,
            "activity": work.activity,
            "glance": work.glance,
            "can_file": permissions.can_file_challenge(user),
            "drafts": editorial.good_practice_drafts_for(user, limit=MY_WORK_SIZE),
            "recommendation_drafts": recommendations.recommendation_drafts_for(
                user, limit=MY_WORK_SIZE
            ),
            "saved_views": saved_views.saved_views_of(user),
        },
    )
