"""Suggestions while a challenge is being filed (and on its page, and at triage): challenges
that look like the same problem, and published good practices that may answer it.

The title and description become one query of their most telling words (the rarest ones the
vocabulary knows; title words count double), matched and ranked like a search. Only what the
person may see is suggested (``workflows.selectors``).
"""

from __future__ import annotations

from typing import Any

from .. import selectors
from ..models import Challenge, GoodPractice
from . import query
from .models import Scope

MAX_CONCEPTS = 12
CHALLENGES = 5
GOOD_PRACTICES = 3
MIN_TEXT = 4  # characters; fewer give no suggestions


def similar_challenges(
    user: Any, *, title: str, description: str = "", exclude: int | None = None,
    limit: int = CHALLENGES,
) -> list[Challenge]:
    """Challenges ``user`` may see that look like the one described, most alike first."""
    if len((title + description).strip()) < MIN_TEXT:
        return []
    prepared = query.prepare(
        description, title=title, scope=Scope.CHALLENGE, max_concepts=MAX_CONCEPTS
    )
    if prepared.empty:
        return []
    qs = selectors.challenges_visible_to(user).prefetch_related(None)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(prepared.apply(qs).order_by("-search_rank", "-created_at", "-id")[:limit])


def helpful_good_practices(
    user: Any, *, title: str, description: str = "", limit: int = GOOD_PRACTICES
) -> list[GoodPractice]:
    """Published good practices that may answer the challenge described."""
    if len((title + description).strip()) < MIN_TEXT:
        return []
    prepared = query.prepare(
        description, title=title, scope=Scope.GOOD_PRACTICE, max_concepts=MAX_CONCEPTS
    )
    if prepared.empty:
        return []
    qs = selectors.good_practices_visible_to(user).prefetch_related(None).filter(
        status=GoodPractice.Status.PUBLISHED
    )
    return list(prepared.apply(qs).order_by("-search_rank", "-published_at", "-id")[:limit])
