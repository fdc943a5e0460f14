"""The figures of the statistics over stays (``ChallengeStay``) and their daily rollups, with a
constant number of queries whatever the window's length and the number of challenges.

Two sources give the same numbers:

- ``RollupSource`` (everything visible: coordinators) reads the rolled-up days up to the mark
  and the stays after it. Percentiles are exact without sorting a year of stays: the rolled-up
  counts per length class (ended stays) or per day of entry (running stays) say which class
  holds the wanted rank, and one query reads that rank from the few stays of the class (an
  ``OFFSET`` inside one class, on the ``stay_length`` / ``stay_state_entered`` indexes).
- ``StaySource`` (a visibility filter: partners, stakeholders) aggregates the visible stays
  directly (``percentile_cont`` on PostgreSQL; the same interpolation in Python on SQLite).

Durations are ``{state: (count, p50 seconds, p80 seconds)}``; ``FRACTIONS`` are the two.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from core.db import fetch_planned

from . import stats_memo
from .models import State
from .models_stats import ChallengeStay, OpenStayDay, StatsDay, StatsMark, StayLength
from .stats_rollup import start_of

FRACTIONS = (0.5, 0.8)
FINISHED = (State.EVALUATED.value, State.CLOSED.value)
STAY = ChallengeStay._meta.db_table
Durations = dict[str, tuple[int, float, float]]


def db(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def seconds_sql(a: str, b: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({b} - {a}))"
    return f"((julianday({b}) - julianday({a})) * 86400.0)"


def interpolate(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks: what ``percentile_cont`` computes."""
    position = (len(values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _week_days(start: datetime.date, ends: list[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    firsts = [start] + [d + datetime.timedelta(days=1) for d in ends[:-1]]
    return list(zip(firsts, ends, strict=True))


def _class_sql(
    column: str, op: str, limits: list, lower: datetime.datetime | None
) -> tuple[str, list]:
    """SQL of the index of the first of the ascending ``limits`` with ``column op limit``
    (``len(limits)`` past the last; the caller's WHERE keeps those out). ``lower``: the rows
    all lie at or after it, so the limits up to it are skipped (the stays after the rollup's
    mark reach only the window's last days: one or two branches, not one per week)."""
    first = 0
    if lower is not None:
        while first < len(limits) - 1 and limits[first] <= lower:
            first += 1
    whens, params = [], []
    for i in range(first, len(limits) - 1):
        whens.append(f"WHEN {column} {op} %s THEN {i}")
        params.append(db(limits[i]) if isinstance(limits[i], datetime.datetime) else limits[i])
    if not whens:
        return str(len(limits) - 1), []
    return f"CASE {' '.join(whens)} ELSE {len(limits) - 1} END", params


class StaySource:
    """Figures straight from the stays of ``challenges`` (a visibility-filtered queryset)."""

    def __init__(self, challenges: QuerySet | None) -> None:
        stays = ChallengeStay.objects.all()
        if challenges is not None:
            stays = stays.filter(challenge_id__in=challenges.values("pk"))
        sql, params = stays.values(
            "state", "entered_at", "left_at", "filed"
        ).query.sql_with_params()
        self.sql = (
            f"SELECT s.state AS state, s.entered_at AS at, s.left_at AS until, s.filed AS filed "
            f"FROM ({sql}) AS s"
        )
        self.params = list(params)

    def flow(self, ends: list[datetime.datetime]) -> dict[str, list[int]]:
        columns, params = [], []
        for end in ends:
            columns.append(
                "SUM(CASE WHEN at < %s AND (until IS NULL OR until >= %s) THEN 1 ELSE 0 END)"
            )
            params += [db(end)] * 2
        rows = fetch_planned(
            f"SELECT state, {', '.join(columns)} FROM ({self.sql}) AS f GROUP BY state",
            [*params, *self.params],
        )
        return {row[0]: [int(v or 0) for v in row[1:]] for row in rows}

    def weekly(self, bounds: list[datetime.datetime]) -> list[tuple[int, int]]:
        columns, params = [], []
        for i in range(len(bounds) - 1):
            columns.append(
                "SUM(CASE WHEN filed AND at >= %s AND at < %s THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN state IN {FINISHED} AND at >= %s AND at < %s THEN 1 ELSE 0 END)"
            )
            params += [db(bounds[i]), db(bounds[i + 1])] * 2
        row = fetch_planned(
            f"SELECT {', '.join(columns)} FROM ({self.sql}) AS w WHERE at >= %s AND at < %s",
            [*params, *self.params, db(bounds[0]), db(bounds[-1])],
        )[0]
        values = [int(v or 0) for v in row]
        return [(values[2 * i], values[2 * i + 1]) for i in range(len(bounds) - 1)]

    def _durations(self, secs: str, where: str, params: list) -> Durations:
        inner = f"SELECT state, {secs} AS secs FROM ({self.sql}) AS s WHERE {where}"
        if connection.vendor == "postgresql":
            rows = fetch_planned(
                "SELECT state, COUNT(*), "
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY secs), "
                "percentile_cont(0.8) WITHIN GROUP (ORDER BY secs) "
                f"FROM ({inner}) AS d GROUP BY state",
                params,
            )
            return {state: (n, float(p50), float(p80)) for state, n, p50, p80 in rows}
        per_state: dict[str, list[float]] = {}
        for state, secs_value in fetch_planned(f"{inner} ORDER BY state, secs", params):
            per_state.setdefault(state, []).append(max(float(secs_value), 0.0))
        return {s: (len(v), interpolate(v, 0.5), interpolate(v, 0.8)) for s, v in per_state.items()}

    def cycle(self, start: datetime.datetime | None, end: datetime.datetime | None) -> Durations:
        if start is None:
            return self._durations(seconds_sql("at", "until"), "until IS NOT NULL", self.params)
        return self._durations(
            seconds_sql("at", "until"), "until >= %s AND until < %s",
            [*self.params, db(start), db(end)],
        )

    def waiting(self, now: datetime.datetime) -> Durations:
        return self._durations(
            seconds_sql("at", "%s"), "at < %s AND (until IS NULL OR until >= %s)",
            [db(now), *self.params, db(now), db(now)],
        )


class RollupSource:
    """Figures from the daily rollups up to their mark plus the stays after it (everything)."""

    def __init__(self) -> None:
        mark = StatsMark.objects.filter(key="rollup").first()
        self.through = mark.days_through if mark else None
        self.open_at = mark.open_at if mark else None
        # Stays after the instant the rollups count up to (minutes ago, with the beat job
        # running): everything when nothing is rolled up yet.
        self.tail_from = mark.rolled_until if mark else None
        self.generation = mark.generation if mark else None  # of the held sums (stats_memo)
        self.stays = StaySource(None)

    def _tail(self, column: str, lower: datetime.datetime | None = None) -> tuple[str, list]:
        bounds = [b for b in (self.tail_from, lower) if b is not None]
        if not bounds:
            return f"{column} IS NOT NULL", []
        return f"{column} >= %s", [db(max(bounds))]

    def flow(self, days: list[datetime.date], ends: list[datetime.datetime]) -> dict[str, list[int]]:
        """Per state, the stays running at the end of each day in ``days`` (``ends``: the first
        instant after each): begun minus ended up to then. Each row is counted once, under the
        first day it counts for (``_class_sql``), and the columns are summed up in Python: not
        one ``CASE`` per day and row."""
        n = len(days)
        parts, params = [], []
        if self.through is not None:
            k, k_params = _class_sql("day", "<=", days, None)
            parts.append(
                f"SELECT state, {k} AS k, SUM(entries - exits) FROM {StatsDay._meta.db_table} "
                "WHERE day <= %s GROUP BY state, k"
            )
            params += [*k_params, min(self.through, days[-1])]
        for column, sign in (("entered_at", 1), ("left_at", -1)):
            where, where_params = self._tail(column)
            k, k_params = _class_sql(column, "<", ends, self.tail_from)
            parts.append(
                f"SELECT state, {k} AS k, {sign} * COUNT(*) FROM {STAY} "
                f"WHERE {where} AND {column} < %s GROUP BY state, k"
            )
            params += [*k_params, *where_params, db(ends[-1])]
        out: dict[str, list[int]] = defaultdict(lambda: [0] * n)
        for state, k, v in fetch_planned(" UNION ALL ".join(parts), params):
            out[state][int(k)] += int(v or 0)
        for row in out.values():  # a row counts for its first day and every later one
            for i in range(1, n):
                row[i] += row[i - 1]
        return out

    def weekly(
        self, start: datetime.date, ends: list[datetime.date], bounds: list[datetime.datetime]
    ) -> list[tuple[int, int]]:
        """Per week: filings and arrivals in a finished state (each row counted under its week,
        ``_class_sql``)."""
        parts, params = [], []
        where, where_params = self._tail("entered_at", bounds[0])
        k, k_params = _class_sql("entered_at", "<", bounds[1:], max(
            [b for b in (self.tail_from, bounds[0]) if b is not None]
        ))
        parts.append(
            f"SELECT {k} AS k, SUM(CASE WHEN filed THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN state IN {FINISHED} THEN 1 ELSE 0 END) FROM {STAY} "
            f"WHERE {where} AND entered_at < %s GROUP BY k"
        )
        params += [*k_params, *where_params, db(bounds[-1])]
        if self.through is not None:
            k, k_params = _class_sql("day", "<=", ends, None)
            parts.append(
                f"SELECT {k} AS k, SUM(filed), "
                f"SUM(CASE WHEN state IN {FINISHED} THEN entries ELSE 0 END) "
                f"FROM {StatsDay._meta.db_table} WHERE day >= %s AND day <= %s GROUP BY k"
            )
            params += [*k_params, start, min(self.through, ends[-1])]
        totals = [[0, 0] for _ in ends]
        for k, filed, finished in fetch_planned(" UNION ALL ".join(parts), params):
            totals[int(k)][0] += int(filed or 0)
            totals[int(k)][1] += int(finished or 0)
        return [(filed, finished) for filed, finished in totals]

    # --- percentiles -----------------------------------------------------------------------

    def cycle(
        self, days: tuple[datetime.date, datetime.date] | None,
        start: datetime.datetime | None, end: datetime.datetime | None, states: tuple[str, ...],
    ) -> Durations:
        """Stays that ended in [start, end) (local ``days``, both included; ``None``: ever),
        per state: count, p50, p80."""
        tail = ChallengeStay.objects.filter(left_at__isnull=False, state__in=states)
        if self.tail_from is not None:
            tail = tail.filter(left_at__gte=self.tail_from)
        if start is not None:
            tail = tail.filter(left_at__gte=start, left_at__lt=end)
        # Each part counted per class on its own (a day's stays by the ``stay_left_cover``
        # index alone), the two added up here.
        tail_sql, tail_params = (
            tail.values_list("state", "bucket").annotate(n=Count("*")).order_by()
            .query.sql_with_params()
        )
        rows = list(fetch_planned(tail_sql, list(tail_params)))
        if self.through is not None:
            # The rolled-up days' classes, the same until the next refresh: held per process
            # (``stats_memo``).
            rolled = StayLength.objects.filter(state__in=states, day__lte=self.through)
            if days is not None:
                rolled = rolled.filter(day__gte=days[0], day__lte=days[1])
            rolled_sql, rolled_params = (
                rolled.values_list("state", "bucket").annotate(n=Sum("stays")).order_by()
                .query.sql_with_params()
            )
            rows += stats_memo.rolled(
                self.generation, ("cycle", states, days, self.through), rolled_sql,
                list(rolled_params), width=3, fetch=fetch_planned,
            )
        counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for state, bucket, n in rows:
            counts[state][bucket] += int(n)
        window = "" if start is None else " AND left_at >= %s AND left_at < %s"
        window_params = [] if start is None else [db(start), db(end)]

        # PostgreSQL: the stored ``seconds`` is ``left_at - entered_at`` exactly (the same
        # float8 as ``EXTRACT(EPOCH …)``), so the rank is read from the ``stay_length`` index
        # alone (an index-only scan; ties in ``seconds`` have the same value, so no tiebreak).
        # SQLite's stored seconds come from julianday() arithmetic: measured from the times.
        exact = connection.vendor == "postgresql"
        value = "seconds" if exact else seconds_sql("entered_at", "left_at")
        order = "seconds" if exact else "seconds, log_id"

        def rank_sql(state: str, bucket: int, offset: int, limit: int) -> tuple[str, list]:
            return (
                f"SELECT {value} AS x FROM {STAY} "
                f"WHERE left_at IS NOT NULL AND state = %s AND bucket = %s{window} "
                f"ORDER BY {order} LIMIT {limit} OFFSET %s",
                [state, bucket, *window_params, offset],
            )

        # Two neighbouring ranks in one read only where the value rises with the order.
        return self._percentiles(
            {s: sorted(c.items()) for s, c in counts.items()}, rank_sql, paired=exact
        )

    def waiting(self, now: datetime.datetime, states: tuple[str, ...]) -> Durations | None:
        """Stays running at ``now``, measured up to it; ``None`` when ``now`` lies before the
        last count of the running stays (a window in the past: the caller sorts them)."""
        if self.open_at is None or now < self.open_at:
            return None
        counts: dict[str, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
        for state, day, n in OpenStayDay.objects.filter(state__in=states).values_list(
            "state", "day", "stays"
        ):
            counts[state][day] += n
        # Since the count: stays that ended (they were running then) and stays that began and
        # still run. Few rows: the time since the last refresh.
        changed = ChallengeStay.objects.filter(state__in=states).filter(
            Q(left_at__gte=self.open_at, left_at__lt=now, entered_at__lt=self.open_at)
            | Q(Q(left_at__isnull=True) | Q(left_at__gte=now),
                entered_at__gte=self.open_at, entered_at__lt=now)
        ).values_list("state", "entered_at")
        for state, entered_at in changed:
            counts[state][timezone.localdate(entered_at)] += -1 if entered_at < self.open_at else 1

        def rank_sql(state: str, day: datetime.date, offset: int, limit: int) -> tuple[str, list]:
            return (
                f"SELECT {seconds_sql('entered_at', '%s')} AS x FROM {STAY} "
                "WHERE state = %s AND entered_at >= %s AND entered_at < %s "
                "AND entered_at < %s AND (left_at IS NULL OR left_at >= %s) "
                f"ORDER BY entered_at DESC LIMIT {limit} OFFSET %s",
                [db(now), state, db(start_of(day)), db(start_of(day + datetime.timedelta(days=1))),
                 db(now), db(now), offset],
            )

        # The shortest wait is the latest entry: classes from the newest day down. The value
        # is a function of ``entered_at`` alone (ties are equal), so the rank needs no
        # tiebreak and reads the ``stay_state_entered`` index alone (an index-only scan).
        return self._percentiles(
            {s: sorted(c.items(), reverse=True) for s, c in counts.items()}, rank_sql,
            paired=True,
        )

    def _percentiles(
        self, classes: dict[str, list[tuple[Any, int]]], rank_sql, *, paired: bool
    ) -> Durations:
        """From the counts per class (in the order of the measured length), read the values at
        the ranks each percentile interpolates between, in one query. ``paired``: the value
        never falls along the rank order within a class, so two neighbouring ranks of one
        class are one read (``LIMIT 2``: its smaller value is the lower rank's), not two
        reads of the same index range."""
        wanted: dict[tuple[str, int], tuple[Any, int]] = {}
        totals: dict[str, int] = {}
        for state, rows in classes.items():
            rows = [(k, n) for k, n in rows if n > 0]
            n = sum(c for _k, c in rows)
            if not n:
                continue
            totals[state] = n
            for fraction in FRACTIONS:
                position = (n - 1) * fraction
                for rank in {math.floor(position), math.ceil(position)}:
                    seen = 0
                    for key, count in rows:
                        if rank < seen + count:
                            wanted[state, rank] = (key, rank - seen)
                            break
                        seen += count
        if not wanted:
            return {}
        # Reads: (state, class, offset, the ranks it gives, lowest first).
        reads: list[tuple[str, Any, int, tuple[int, ...]]] = []
        for state, rank in sorted(wanted):
            key, offset = wanted[state, rank]
            if paired and reads:
                last_state, last_key, last_offset, ranks = reads[-1]
                if (last_state, last_key) == (state, key) and len(ranks) == 1 \
                        and ranks[0] == rank - 1 and last_offset == offset - 1:
                    reads[-1] = (state, key, last_offset, (ranks[0], rank))
                    continue
            reads.append((state, key, offset, (rank,)))
        parts, params = [], []
        for i, (state, key, offset, ranks) in enumerate(reads):
            sql, p = rank_sql(state, key, offset, len(ranks))
            # One row per read, tagged with its index (UNION ALL keeps no promised order).
            parts.append(f"SELECT {i} AS k, MIN(x), MAX(x) FROM ({sql}) AS q{i}")
            params += p
        values: dict[tuple[str, int], float] = {}
        for i, low, high in fetch_planned(" UNION ALL ".join(parts), params):
            state, _key, _offset, ranks = reads[i]
            values[state, ranks[0]] = float(low)
            values[state, ranks[-1]] = float(high)
        if connection.vendor != "postgresql":
            values = {key: max(v, 0.0) for key, v in values.items()}
        out: Durations = {}
        for state, n in totals.items():
            figures = []
            for fraction in FRACTIONS:
                position = (n - 1) * fraction
                low, high = math.floor(position), math.ceil(position)
                a, b = values[state, low], values[state, high]
                figures.append(a + (b - a) * (position - low))
            out[state] = (n, figures[0], figures[1])
        return out
