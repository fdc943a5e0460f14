"""Reads of challenges and good practices, each with its own joins and visibility filter.
Web pages, the API and digests all read through here, so one place decides who sees what."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core import permissions
from core.exceptions import NotFound

from .models import Approach, Challenge, Comment, GoodPractice, TransitionLog, Trial
from .transitions import TRANSITIONS, TransitionSpec


def challenges_visible_to(user: Any) -> QuerySet[Challenge]:
    """Every challenge ``user`` may see, with what a list row shows joined in."""
    qs = Challenge.objects.select_related(
        "topic", "region", "organisation", "working_group", "reporter"
    ).prefetch_related("target_groups")
    q = permissions.visible_challenges_q(user)
    return qs if q is None else qs.filter(q)


def challenge_detail_for(user: Any, pk: Any) -> Challenge:
    """One challenge with its whole history, or ``NotFound`` if ``user`` may not see it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Challenge not found.")) from None
    challenge = (
        challenges_visible_to(user)
        .select_related("analysis", "analysis__author", "duplicate_of")
        .prefetch_related(
            Prefetch(
                "approaches", queryset=Approach.objects.select_related("good_practice", "author")
            ),
            Prefetch(
                "trials",
                queryset=Trial.objects.select_related("approach", "evaluation").prefetch_related(
                    "partners"
                ),
            ),
            Prefetch("log", queryset=TransitionLog.objects.select_related("actor")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
        )
        .filter(pk=pk)
        .first()
    )
    if challenge is None:
        raise NotFound(_("Challenge not found."))
    return challenge


def allowed_transitions_for(user: Any, challenge: Challenge) -> list[TransitionSpec]:
    """The steps ``user`` may take on ``challenge`` now (state and right both allow them)."""
    return [
        TRANSITIONS[t.name]
        for t in challenge.get_available_user_state_transitions(user)
        if t.name in TRANSITIONS
    ]


def good_practices_visible_to(user: Any) -> QuerySet[GoodPractice]:
    qs = GoodPractice.objects.select_related("working_group").prefetch_related(
        "regions", "target_groups", "topics", "partners"
    )
    q = permissions.visible_good_practices_q(user)
    return qs if q is None else qs.filter(q)


def good_practice_detail_for(user: Any, pk: Any = None, slug: str | None = None) -> GoodPractice:
    qs = good_practices_visible_to(user).prefetch_related(
        Prefetch(
            "approaches",
            queryset=Approach.objects.select_related("challenge", "challenge__region"),
        )
    )
    record = qs.filter(slug=slug).first() if slug is not None else None
    if slug is None:
        try:
            record = qs.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            record = None
    if record is None:
        raise NotFound(_("Good practice not found."))
    return record
