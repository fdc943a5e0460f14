"""Statistics for the network meeting over a time window: cumulative flow (cases per state at
the end of each week), cycle time (completed stays per state), waiting time (how long the cases
sitting in a state at the window's end have waited), throughput per week, and breakdowns by
topic, region, organisation and target group.

Everything is computed over the challenges the reader may see (``visible_challenges_q``), from
the stays kept beside the transition log and their daily rollups (``stats_figures``, issue 14),
with a constant number of queries whatever the window and the number of challenges; the
numbers are those of the former replay of the log (``tests/workflows/stats_oracle.py``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import MissingInput
from core.models import Region, TargetGroup, Topic

from . import permissions, stats_breakdowns
from .models import Challenge, State
from .stats_figures import RollupSource, StaySource

SECONDS_PER_DAY = 86_400
DEFAULT_WEEKS = 12
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
MAX_DAYS = 3 * 366  # a window longer than three years is refused (a 400, not a slow page)
FINISHED = (State.EVALUATED, State.CLOSED)
# States with a stay to measure: the finished states have no end.
OPEN_STATES = (State.REPORTED, State.ANALYSED, State.APPROACH_PROPOSED, State.TRIALLED)


@dataclass(frozen=True)
class Window:
    start: datetime.date  # first day, inclusive
    end: datetime.date  # last day, inclusive

    @classmethod
    def default(cls, today: datetime.date | None = None) -> Window:
        today = today or timezone.localdate()
        return cls(today - datetime.timedelta(weeks=DEFAULT_WEEKS) + datetime.timedelta(days=1), today)

    def week_ends(self) -> list[datetime.date]:
        """The last day of each week of the window, counted from its first day; the window's
        last day closes the last (possibly shorter) week."""
        days, day = [], self.start + datetime.timedelta(days=6)
        while day < self.end:
            days.append(day)
            day += datetime.timedelta(days=7)
        days.append(self.end)
        return days


@dataclass(frozen=True)
class Duration:
    state: str
    label: str
    count: int
    median_days: float | None
    p80_days: float | None


@dataclass(frozen=True)
class Week:
    week_ending: datetime.date
    counts: dict[str, int]  # cumulative flow: cases in each state at the end of the week
    filed: int
    finished: int


@dataclass(frozen=True)
class Breakdown:
    id: int
    slug: str
    name: str
    filed: int
    finished: int


@dataclass
class WindowStats:
    window: Window
    weeks: list[Week]
    cycle_time: list[Duration]
    waiting_time: list[Duration]
    filed: int
    finished: int
    breakdowns: dict[str, list[Breakdown]] = field(default_factory=dict)


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in local time."""
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tz)


def _as_durations(raw: dict[str, tuple[int, float, float]]) -> list[Duration]:
    def days(seconds: float | None) -> float | None:
        return None if seconds is None else round(max(seconds, 0.0) / SECONDS_PER_DAY, 2)

    out = []
    for state in OPEN_STATES:
        n, p50, p80 = raw.get(state, (0, None, None))
        out.append(Duration(state.value, str(state.label), n, days(p50), days(p80)))
    return out


def _source(user: Any) -> tuple[RollupSource | StaySource, QuerySet[Challenge]]:
    """Everything visible reads the rollups; a visibility filter reads its stays directly."""
    q = permissions.visible_challenges_q(user)
    if q is None:
        return RollupSource(), Challenge.objects.order_by()
    visible = Challenge.objects.filter(q).order_by()
    return StaySource(visible), visible


def completed_stay_days(
    user: Any, rollup: RollupSource | None = None
) -> dict[str, tuple[int, float]]:
    """``{state: (completed stays, median days)}`` over the whole history of what ``user``
    sees: a stay that has not ended is not counted. Constant queries. ``rollup``: the mark
    the caller already read for a reader who sees everything."""
    source = rollup if rollup is not None else _source(user)[0]
    if isinstance(source, RollupSource):
        raw = source.cycle(None, None, None, tuple(s.value for s in State))
    else:
        raw = source.cycle(None, None)
    return {
        state: (n, round(max(p50, 0.0) / SECONDS_PER_DAY, 2)) for state, (n, p50, _p80) in raw.items()
    }


def window_stats_for(user: Any, window: Window) -> WindowStats:
    """Every figure of the statistics page and API for ``window`` over what ``user`` sees."""
    source, visible = _source(user)
    start, end = _end_of(window.start - datetime.timedelta(days=1)), _end_of(window.end)
    ends = window.week_ends()
    end_instants = [_end_of(day) for day in ends]
    bounds = [start] + end_instants
    # Waiting time: stays still running at the window's end, measured up to the end (or to
    # now, for a window that ends today).
    now = min(end, timezone.now())
    open_states = tuple(s.value for s in OPEN_STATES)
    if isinstance(source, RollupSource):
        flow_rows = source.flow(ends, end_instants)
        weekly = source.weekly(window.start, ends, bounds)
        cycle = source.cycle((window.start, window.end), start, end, open_states)
        waiting = source.waiting(now, open_states)
        if waiting is None:  # a window in the past: sort its running stays
            waiting = source.stays.waiting(now)
    else:
        flow_rows = source.flow(end_instants)
        weekly = source.weekly(bounds)
        cycle = source.cycle(start, end)
        waiting = source.waiting(now)

    weeks = [
        Week(
            week_ending=day,
            counts={s.value: int(flow_rows.get(s.value, [0] * len(ends))[i] or 0) for s in State},
            filed=weekly[i][0],
            finished=weekly[i][1],
        )
        for i, day in enumerate(ends)
    ]
    return WindowStats(
        window=window,
        weeks=weeks,
        cycle_time=_as_durations(cycle),
        waiting_time=_as_durations(waiting),
        filed=sum(w.filed for w in weeks),
        finished=sum(w.finished for w in weeks),
        breakdowns=_breakdowns(
            window, None if isinstance(source, RollupSource) else visible,
            source if isinstance(source, RollupSource) else None,
        ),
    )


def _breakdowns(
    window: Window, visible: QuerySet[Challenge] | None, rollup: RollupSource | None
) -> dict[str, list[Breakdown]]:
    """Per topic, region, organisation and target group: challenges filed in the window and
    challenges finished (evaluated or closed) in it, from the rolled-up counts
    (``stats_breakdowns``; a visibility filter reads the visible challenges): one query, and
    the three taxonomies' names."""
    figures, org_names = stats_breakdowns.counts(
        window.start, window.end, visible=visible,
        through=rollup.through if rollup else None,
        rolled_until=rollup.tail_from if rollup else None,
        generation=rollup.generation if rollup else None,
    )
    out: dict[str, list[Breakdown]] = {}
    for name, items in (
        ("topic", [(t.pk, t.slug, t.name) for t in Topic.objects.order_by("name_de")]),
        ("region", [(r.pk, r.slug, r.name) for r in Region.objects.order_by("name")]),
        ("target_group",
         [(t.pk, t.slug, t.name) for t in TargetGroup.objects.order_by("name_de")]),
    ):
        counts = figures[name]
        out[name] = [
            Breakdown(pk, slug, label, *counts[pk]) for pk, slug, label in items if pk in counts
        ]
    # Organisations: only those with a figure (a network has many), names from the same row.
    out["organisation"] = sorted(
        (Breakdown(pk, "", org_names[pk], filed, finished)
         for pk, (filed, finished) in figures["organisation"].items()),
        key=lambda b: (-b.filed, -b.finished, b.name),
    )
    return out


def window_for(start: datetime.date | None, end: datetime.date | None) -> Window:
    """The window asked for: a missing end is today, a missing start twelve weeks before the
    end. Raises ``MissingInput`` with field errors for a start after the end, a window longer
    than three years, or days outside 2000–2100."""
    end = end or timezone.localdate()
    start = start or end - datetime.timedelta(weeks=DEFAULT_WEEKS) + datetime.timedelta(days=1)
    errors: dict[str, list[str]] = {}
    for name, day in (("from", start), ("to", end)):
        if not EARLIEST <= day <= LATEST:
            errors[name] = [_("Choose a day between 2000 and 2100.")]
    if not errors and start > end:
        errors["from"] = [_("“from” must not be after “to”.")]
    if not errors and (end - start).days >= MAX_DAYS:
        errors["to"] = [_("The window may span at most three years.")]
    if errors:
        raise MissingInput(fields=errors)
    return Window(start, end)
