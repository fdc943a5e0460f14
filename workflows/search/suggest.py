"""Suggestions while a challenge is being filed (and on its page, and at triage): challenges
that look like the same problem, and published good practices that may answer it.

The title and description become one query of their most telling words (the rarest ones the
vocabulary knows; title words count double), matched and ranked like a search. Only what the
person may see is suggested (``workflows.selectors``).
"""

from __future__ import annotations

from typing import Any

from django_fsm import can_proceed

from .. import permissions

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
    limit: int = CHALLENGES, groups=None,
) -> list[Challenge]:
    """Challenges ``user`` may see that look like the one described, most alike first."""
    if len((title + description).strip()) < MIN_TEXT:
        return []
    prepared = query.prepare(
        description, title=title, scope=Scope.CHALLENGE, max_concepts=MAX_CONCEPTS,
        typos=False, groups=groups,
    )
    if prepared.empty:
        return []
    qs = selectors.challenges_visible_to(user).prefetch_related(None)
    if exclude is not None:
        # Neither the challenge itself nor those already closed as its duplicates.
        qs = qs.exclude(pk=exclude).exclude(duplicate_of_id=exclude)
    return list(prepared.apply_capped(qs).order_by("-search_rank", "-created_at", "-id")[:limit])


def helpful_good_practices(
    user: Any, *, title: str, description: str = "", limit: int = GOOD_PRACTICES, groups=None,
) -> list[GoodPractice]:
    """Published good practices that may answer the challenge described."""
    if len((title + description).strip()) < MIN_TEXT:
        return []
    prepared = query.prepare(
        description, title=title, scope=Scope.GOOD_PRACTICE, max_concepts=MAX_CONCEPTS,
        typos=False, groups=groups,
    )
    if prepared.empty:
        return []
    qs = selectors.good_practices_visible_to(user).prefetch_related(None).filter(
        status=GoodPractice.Status.PUBLISHED
    )
    return list(prepared.apply_capped(qs).order_by("-search_rank", "-published_at", "-id")[:limit])



def detail_context(user: Any, challenge: Challenge) -> dict[str, Any]:
    """What a challenge's page shows beside it: related challenges (with a one-click close as
    duplicate for whoever may close this one now), helpful good practices, and the challenges
    closed as duplicates of this one."""
    description = challenge.description
    can_close = permissions.can_run_transition(user, challenge, "close") and can_proceed(
        challenge.close
    )
    groups = query.synonym_groups()
    return {
        "related": similar_challenges(
            user, title=challenge.title, description=description, exclude=challenge.pk,
            groups=groups,
        ),
        "helpful": helpful_good_practices(
            user, title=challenge.title, description=description, groups=groups
        ),
        "duplicates": list(
            selectors.challenges_visible_to(user)
            .select_related(None)
            .prefetch_related(None)
            .filter(duplicate_of=challenge)
            .order_by("created_at", "id")
        ),
        "can_close_as_duplicate": can_close,
    }
