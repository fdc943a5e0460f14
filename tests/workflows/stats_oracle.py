"""The statistics as they were computed before the rollup (issue 14): the window function over
the whole transition log. Kept as the test oracle the rollup is compared against."""
from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import MissingInput
from core.models import Region, TargetGroup, Topic

from workflows import permissions
from workflows.models import Challenge, State, TransitionLog

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


def _db(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _visible(user: Any) -> QuerySet[Challenge]:
    q = permissions.visible_challenges_q(user)
    qs = Challenge.objects.all() if q is None else Challenge.objects.filter(q)
    return qs.order_by()


def _stays_sql(visible: QuerySet[Challenge], before: datetime.datetime) -> tuple[str, list]:
    """Every stay that began before ``before``: (to_state, at, until), ``until`` NULL while it
    lasts. One window function over the log of the visible challenges."""
    ids_sql, ids_params = visible.values("pk").query.sql_with_params()
    log = TransitionLog._meta.db_table
    sql = (
        f"SELECT l.to_state AS to_state, l.at AS at, "
        f"LEAD(l.at) OVER (PARTITION BY l.challenge_id ORDER BY l.at, l.id) AS until "
        f"FROM {log} l WHERE l.challenge_id IN ({ids_sql})"
    )
    # The stay's end must be known even when the next row is after ``before``: filter outside.
    return f"SELECT * FROM ({sql}) AS all_stays WHERE at < %s", [*ids_params, _db(before)]


def _seconds(a: str, b: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({b} - {a}))"
    return f"((julianday({b}) - julianday({a})) * 86400.0)"


def _interpolate(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks: what ``percentile_cont`` computes."""
    position = (len(values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _durations(inner_sql: str, params: list) -> dict[str, tuple[int, float, float]]:
    """``{state: (count, median seconds, p80 seconds)}`` over rows (to_state, secs)."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT to_state, COUNT(*), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY secs), "
            "percentile_cont(0.8) WITHIN GROUP (ORDER BY secs) "
            f"FROM ({inner_sql}) AS d GROUP BY to_state"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {state: (n, float(p50), float(p80)) for state, n, p50, p80 in cursor.fetchall()}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_state, secs FROM ({inner_sql}) AS d ORDER BY to_state, secs", params)
        per_state: dict[str, list[float]] = {}
        for state, secs in cursor.fetchall():
            per_state.setdefault(state, []).append(max(float(secs), 0.0))
    return {
        state: (len(v), _interpolate(v, 0.5), _interpolate(v, 0.8)) for state, v in per_state.items()
    }


def _as_durations(raw: dict[str, tuple[int, float, float]]) -> list[Duration]:
    def days(seconds: float | None) -> float | None:
        return None if seconds is None else round(max(seconds, 0.0) / SECONDS_PER_DAY, 2)

    out = []
    for state in OPEN_STATES:
        n, p50, p80 = raw.get(state, (0, None, None))
        out.append(Duration(state.value, str(state.label), n, days(p50), days(p80)))
    return out


def completed_stay_days(visible: QuerySet[Challenge]) -> dict[str, tuple[int, float]]:
    """``{state: (completed stays, median days)}`` over the whole history of ``visible``: a
    stay that has not ended is not counted. One query."""
    stays, params = _stays_sql(visible, timezone.now() + datetime.timedelta(days=1))
    raw = _durations(
        f"SELECT to_state, {_seconds('at', 'until')} AS secs FROM ({stays}) AS s "
        "WHERE until IS NOT NULL",
        params,
    )
    return {
        state: (n, round(max(p50, 0.0) / SECONDS_PER_DAY, 2)) for state, (n, p50, _p80) in raw.items()
    }


def window_stats_for(user: Any, window: Window) -> WindowStats:
    """Every figure of the statistics page and API for ``window`` over what ``user`` sees."""
    visible = _visible(user)
    start, end = _end_of(window.start - datetime.timedelta(days=1)), _end_of(window.end)
    ends = window.week_ends()
    stays, stays_params = _stays_sql(visible, end)

    # Cumulative flow: per state, the stays running at the end of each week (one query).
    columns, flow_params = [], []
    for i, day in enumerate(ends):
        columns.append(
            f"SUM(CASE WHEN at < %s AND (until IS NULL OR until >= %s) THEN 1 ELSE 0 END) AS p{i}"
        )
        flow_params += [_db(_end_of(day))] * 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT to_state, {', '.join(columns)} FROM ({stays}) AS s GROUP BY to_state",
            [*flow_params, *stays_params],
        )
        flow_rows = {row[0]: row[1:] for row in cursor.fetchall()}

    # Cycle time: stays that ended inside the window; waiting time: stays still running at its
    # end, measured up to the end (or to now, for a window that ends today).
    cycle = _durations(
        f"SELECT to_state, {_seconds('at', 'until')} AS secs FROM ({stays}) AS s "
        "WHERE until >= %s AND until < %s",
        [*stays_params, _db(start), _db(end)],
    )
    now = min(end, timezone.now())
    waiting = _durations(
        f"SELECT to_state, {_seconds('at', '%s')} AS secs FROM ({stays}) AS s "
        "WHERE at < %s AND (until IS NULL OR until >= %s)",
        [_db(now), *stays_params, _db(now), _db(now)],
    )

    # Throughput and arrivals per week (one query over the window's log rows).
    bounds = [start] + [_end_of(day) for day in ends]
    weekly, weekly_params = [], []
    for i in range(len(ends)):
        weekly.append(
            "SUM(CASE WHEN from_state = '' AND at >= %s AND at < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN to_state IN ('evaluated', 'closed') AND at >= %s AND at < %s "
            "THEN 1 ELSE 0 END)"
        )
        weekly_params += [_db(bounds[i]), _db(bounds[i + 1])] * 2
    log_in_window = TransitionLog.objects.filter(
        challenge__in=visible.values("pk"), at__gte=start, at__lt=end
    ).values("pk")
    ids_sql, ids_params = log_in_window.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(weekly)} FROM {TransitionLog._meta.db_table} "
            f"WHERE id IN ({ids_sql})",
            [*weekly_params, *ids_params],
        )
        weekly_row = [int(v or 0) for v in cursor.fetchone()]

    weeks = [
        Week(
            week_ending=day,
            counts={s.value: int(flow_rows.get(s.value, [0] * len(ends))[i] or 0) for s in State},
            filed=weekly_row[2 * i],
            finished=weekly_row[2 * i + 1],
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
        breakdowns=_breakdowns(visible, start, end),
    )


def _breakdowns(
    visible: QuerySet[Challenge], start: datetime.datetime, end: datetime.datetime
) -> dict[str, list[Breakdown]]:
    """Per topic, region, organisation and target group: challenges filed in the window and
    challenges finished (evaluated or closed) in it. Two grouped queries per dimension."""
    filed_qs = visible.filter(created_at__gte=start, created_at__lt=end)
    finished_ids = TransitionLog.objects.filter(
        challenge__in=visible.values("pk"), to_state__in=FINISHED, at__gte=start, at__lt=end
    ).values("challenge_id")
    finished_qs = visible.filter(pk__in=finished_ids)

    def counts(qs: QuerySet[Challenge], key: str) -> dict[int, int]:
        return {
            k: n for k, n in qs.values_list(key).annotate(n=Count("id", distinct=True)).order_by()
            if k is not None
        }

    out: dict[str, list[Breakdown]] = {}
    for name, key, items in (
        ("topic", "topic", [(t.pk, t.slug, t.name) for t in Topic.objects.order_by("name_de")]),
        ("region", "region", [(r.pk, r.slug, r.name) for r in Region.objects.order_by("name")]),
        ("target_group", "target_groups",
         [(t.pk, t.slug, t.name) for t in TargetGroup.objects.order_by("name_de")]),
    ):
        filed, finished = counts(filed_qs, key), counts(finished_qs, key)
        out[name] = [
            Breakdown(pk, slug, label, filed.get(pk, 0), finished.get(pk, 0))
            for pk, slug, label in items
            if filed.get(pk) or finished.get(pk)
        ]
    # Organisations: only those with a figure (a network has many), names from the same rows.
    org_names: dict[int, str] = {}
    org_counts: dict[str, dict[int, int]] = {}
    for label, qs in (("filed", filed_qs), ("finished", finished_qs)):
        rows = (
            qs.values_list("organisation_id", "organisation__name")
            .annotate(n=Count("id", distinct=True)).order_by()
        )
        org_counts[label] = {}
        for pk, org_name, n in rows:
            org_names[pk] = org_name
            org_counts[label][pk] = n
    out["organisation"] = sorted(
        (
            Breakdown(pk, "", org_name, org_counts["filed"].get(pk, 0),
                      org_counts["finished"].get(pk, 0))
            for pk, org_name in org_names.items()
        ),
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


def challenge_counts(visible: QuerySet[Challenge]) -> dict[str, dict[Any, int]]:
    """The challenges in each state, topic and region, counted straight from the table (what
    ``stats.challenge_stats_for`` counted before it read the rollups)."""
    return {
        name: {
            key: n for key, n in visible.values_list(column).annotate(n=Count("id")).order_by()
            if key is not None
        }
        for name, column in (("state", "state"), ("topic", "topic_id"), ("region", "region_id"))
    }
