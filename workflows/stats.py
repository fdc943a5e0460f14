"""Figures about the challenges a person may see: how many are in each state, per topic and per
region, and how long challenges typically stay in each state.

Read by the API's ``/stats/``. Every figure is computed over ``visible_challenges_q(user)``, the
same rule as every list, so a figure never counts what its reader may not see. The cost is a
constant number of queries whatever the number of challenges: grouped counts (for a reader who
sees everything, from the statistics' rollups: ``stats_counts``), the two taxonomies, and the
median stays from the statistics' rollups (``stats_window``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.models import Region, Topic

from . import permissions
from .models import Challenge, State
from .stats_counts import current_counts
from .stats_figures import RollupSource
from .stats_window import completed_stay_days

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class TaxonomyCount:
    id: int
    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class StateDuration:
    state: str
    label: str
    median_days: float | None  # None: no challenge has left this state yet
    stays: int  # completed stays the median is taken over


@dataclass(frozen=True)
class ChallengeStats:
    total: int
    by_state: list[StateCount]
    by_topic: list[TaxonomyCount]
    by_region: list[TaxonomyCount]
    median_days_in_state: list[StateDuration]


def _visible(user: Any) -> QuerySet[Challenge]:
    q = permissions.visible_challenges_q(user)
    qs = Challenge.objects.all() if q is None else Challenge.objects.filter(q)
    return qs.order_by()


def challenge_stats_for(user: Any) -> ChallengeStats:
    """Counts per state, topic and region, and the median days spent in each state, over the
    challenges ``user`` may see."""
    rollup = RollupSource() if permissions.visible_challenges_q(user) is None else None
    counts = None if rollup is None else current_counts(
        rollup.through, rollup.tail_from, rollup.open_at, timezone.now()
    )
    if counts is not None:  # everything visible: the rollups (``stats_counts``)
        per_state, per_topic, per_region = counts["state"], counts["topic"], counts["region"]
    else:
        visible = _visible(user)
        per_state = dict(visible.values_list("state").annotate(n=Count("id")).order_by())
        per_topic = dict(visible.values_list("topic_id").annotate(n=Count("id")).order_by())
        per_region = dict(visible.values_list("region_id").annotate(n=Count("id")).order_by())

    stays = completed_stay_days(user, rollup)

    return ChallengeStats(
        total=sum(per_state.values()),
        by_state=[
            StateCount(state=state.value, label=str(state.label), count=per_state.get(state, 0))
            for state in State
        ],
        by_topic=[
            TaxonomyCount(id=t.pk, slug=t.slug, name=t.name, count=per_topic.get(t.pk, 0))
            for t in Topic.objects.order_by("name_de")
        ],
        by_region=[
            TaxonomyCount(id=r.pk, slug=r.slug, name=r.name, count=per_region.get(r.pk, 0))
            for r in Region.objects.order_by("name")
        ],
        median_days_in_state=[
            StateDuration(
                state=state.value,
                label=str(state.label),
                median_days=stays[state][1] if state in stays else None,
                stays=stays[state][0] if state in stays else 0,
            )
            for state in State
        ],
    )
