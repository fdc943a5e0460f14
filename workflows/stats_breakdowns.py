"""The statistics' breakdowns (per topic, region, organisation and target group: challenges
filed in a window, challenges finished in it) from rolled-up counts (``BreakdownCount``), so a
one-year window reads O(months + edge days) × keys rows and never the challenge table.

Kept like the other rollups (``stats_rollup``): the worker job folds the ended days (``fold``,
under the mark's lock), the statistics add the challenges and stays after the mark; the one
write outside the job is an edit that changes a challenge's topic, region or target groups
(``challenge_recategorised``, in the edit's transaction), which moves that challenge's
rolled-up counts to its new keys, because a breakdown counts a challenge under what it is
*now* (``tests/workflows/stats_oracle.py``).

"Finished in the window" counts a challenge once however often it arrived in a finished
state: an arrival counts only when the challenge's previous one lies before the window's first
day (``prev_day``), which is exactly the first arrival inside the window, so days and months
add up.

A reader with a visibility filter gets the same figures from the challenges and stays alone,
restricted to what they see (one query, bounded by the window on the ``created_at`` and
``stay_state_entered`` indexes).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from core.db import fetch_planned
from core.models import Organisation

from . import stats_memo
from .models import Challenge, State
from .models_stats import NO_EARLIER_FINISH, BreakdownCount, ChallengeStay, StatsMark
from .stats_rollup import start_of

FINISHED = (State.EVALUATED.value, State.CLOSED.value)
DIMENSIONS = ("topic", "region", "organisation", "target_group")
TABLE = BreakdownCount._meta.db_table
CHALLENGE = Challenge._meta.db_table
STAY = ChallengeStay._meta.db_table
TARGET_GROUPS = Challenge.target_groups.through._meta.db_table
ORGANISATION = Organisation._meta.db_table
NAMES_BY_ID = 200  # more organisations to name than this: read every organisation's name
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# {dimension: {key: [filed, finished]}}, organisation names beside them.
Counts = dict[str, dict[int, list[int]]]


def _db(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _local_day(column: str) -> tuple[str, list]:
    sql, params = connection.ops.datetime_cast_date_sql(
        column, (), timezone.get_current_timezone_name()
    )
    return sql, list(params)


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column})::date"
    return f"date({column}, 'start of month')"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _complete_months_end(through: datetime.date) -> datetime.date:
    """The first day after the last calendar month that ends on or before ``through``."""
    after = through + datetime.timedelta(days=1)
    return after if after.day == 1 else month_start(through)


def _source_sql(
    lower: datetime.datetime, upper: datetime.datetime, visible: QuerySet | None
) -> tuple[str, list]:
    """CTEs ending in ``dims(at, prev_at, filed, dim, k)``: one row per dimension key of every
    filing and every arrival in a finished state in [lower, upper); ``prev_at`` is the
    challenge's previous arrival in a finished state (NULL: none; filings: NULL)."""
    restrict_c, restrict_s, restrict_params = "", "", []
    if visible is not None:
        sql, params = visible.values("pk").query.sql_with_params()
        restrict_c, restrict_s = f" AND c.id IN ({sql})", f" AND s.challenge_id IN ({sql})"
        restrict_params = list(params)
    fin = ", ".join(["%s"] * len(FINISHED))
    sql = (
        "WITH src AS ("
        "SELECT s.challenge_id AS cid, s.entered_at AS at, "
        f"(SELECT MAX(p.entered_at) FROM {STAY} p WHERE p.challenge_id = s.challenge_id "
        f"AND p.state IN ({fin}) AND (p.entered_at < s.entered_at "
        "OR (p.entered_at = s.entered_at AND p.log_id < s.log_id))) AS prev_at, 0 AS filed "
        f"FROM {STAY} s WHERE s.state IN ({fin}) AND s.entered_at >= %s AND s.entered_at < %s"
        f"{restrict_s} "
        "UNION ALL "
        f"SELECT c.id, c.created_at, NULL, 1 FROM {CHALLENGE} c "
        f"WHERE c.created_at >= %s AND c.created_at < %s{restrict_c}"
        "), srcc AS ("
        "SELECT src.cid, src.at, src.prev_at, src.filed, c.topic_id, c.region_id, "
        f"c.organisation_id FROM src JOIN {CHALLENGE} c ON c.id = src.cid"
        "), dims AS ("
        "SELECT at, prev_at, filed, 'topic' AS dim, topic_id AS k FROM srcc "
        "UNION ALL SELECT at, prev_at, filed, 'region', region_id FROM srcc "
        "UNION ALL SELECT at, prev_at, filed, 'organisation', organisation_id FROM srcc "
        "UNION ALL SELECT srcc.at, srcc.prev_at, srcc.filed, 'target_group', t.targetgroup_id "
        f"FROM srcc JOIN {TARGET_GROUPS} t ON t.challenge_id = srcc.cid"
        ") "
    )
    params = [
        *FINISHED, *FINISHED, _db(lower), _db(upper), *restrict_params,
        _db(lower), _db(upper), *restrict_params,
    ]
    return sql, params


# --- the worker's fold -------------------------------------------------------------------------


def fold(first: datetime.date | None, through: datetime.date,
         upper: datetime.datetime | None = None) -> None:
    """(Re)count the days ``first``..``through`` (``None``: from the beginning) up to the
    instant ``upper`` (``None``: the end of ``through``), replacing every day row from
    ``first`` on, and then every calendar month ending by ``through`` (a month whose last day
    is ``through`` is summed as far as that day is counted; the next run, which counts the
    day again, sums the month again). Call under the rollup mark's lock (``refresh``)."""
    days = BreakdownCount.objects.filter(span="d")
    if first is not None:
        days = days.filter(day__gte=first)
    days.delete()
    lower = EPOCH if first is None else start_of(first)
    upper = upper or start_of(through + datetime.timedelta(days=1))
    sql, params = _source_sql(lower, upper, None)
    day_sql, day_params = _local_day("at")
    prev_sql, prev_params = _local_day("prev_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql}INSERT INTO {TABLE} (span, day, dimension, key, prev_day, filed, finished) "
            f"SELECT 'd', {day_sql}, dim, k, COALESCE({prev_sql}, %s), SUM(filed), "
            "SUM(1 - filed) FROM dims WHERE k IS NOT NULL GROUP BY 2, 3, 4, 5",
            [*params, *day_params, *prev_params, NO_EARLIER_FINISH],
        )
        # The months the fold completed, summed from their days.
        lo = None if first is None else month_start(first)
        hi = _complete_months_end(through)
        months = BreakdownCount.objects.filter(span="m")
        if lo is not None:
            months = months.filter(day__gte=lo)
        months.delete()  # with any month a run with a later ``upper`` summed
        if lo is not None and lo >= hi:
            return
        cursor.execute(
            f"INSERT INTO {TABLE} (span, day, dimension, key, prev_day, filed, finished) "
            f"SELECT 'm', {_month_sql('day')}, dimension, key, prev_day, SUM(filed), "
            f"SUM(finished) FROM {TABLE} WHERE span = 'd' AND day >= %s AND day < %s "
            "GROUP BY 2, 3, 4, 5",
            [lo or datetime.date(1970, 1, 1), hi],
        )


# --- an edit that re-categorises a challenge ---------------------------------------------------


def challenge_recategorised(
    *, challenge_id: int, moves: dict[str, tuple[set[int], set[int]]]
) -> None:
    """Move the rolled-up counts of one challenge from the keys it left to the keys it joined:
    ``moves`` is ``{dimension: (keys before, keys after)}``. Call in the edit's transaction;
    the mark's lock keeps a refresh from folding the challenge's days under the old keys."""
    mark = StatsMark.objects.select_for_update().filter(key="rollup").first()
    if mark is None or mark.days_through is None:
        return  # nothing rolled up: the statistics read the challenges as they are
    through, until = mark.days_through, mark.rolled_until
    months_end = _complete_months_end(through)
    created_at = Challenge.objects.filter(pk=challenge_id).values_list("created_at", flat=True)
    arrivals = (
        ChallengeStay.objects.filter(challenge_id=challenge_id, state__in=FINISHED)
        .order_by("entered_at", "log_id").values_list("entered_at", flat=True)
    )
    # (day, prev_day) -> [filed, finished] of this challenge in the rolled-up days.
    mine: dict[tuple[datetime.date, datetime.date], list[int]] = defaultdict(lambda: [0, 0])
    for at in created_at:
        if at < until:  # rolled up (the mark's last day only up to its instant)
            mine[timezone.localdate(at), NO_EARLIER_FINISH][0] += 1
    prev = NO_EARLIER_FINISH
    for at in arrivals:
        day = timezone.localdate(at)
        if at < until:
            mine[day, prev][1] += 1
        prev = day
    rows = []
    for (day, prev_day), (filed, finished) in mine.items():
        spans = [("d", day)] + ([("m", month_start(day))] if day < months_end else [])
        for dimension, (before, after) in moves.items():
            for sign, keys in ((-1, before - after), (1, after - before)):
                for key in keys:
                    rows += [
                        (span, d, dimension, key, prev_day, sign * filed, sign * finished)
                        for span, d in spans
                    ]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (span, day, dimension, key, prev_day, filed, finished) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (span, day, dimension, key, prev_day) DO UPDATE SET "
            f"filed = {TABLE}.filed + excluded.filed, "
            f"finished = {TABLE}.finished + excluded.finished",
            rows,
        )
    # The rolled-up counts changed under the same mark: the sums held of them are stale.
    StatsMark.objects.filter(key="rollup").update(generation=uuid.uuid4())


# --- reading ------------------------------------------------------------------------------------


def counts(
    window_start: datetime.date, window_end: datetime.date, *,
    visible: QuerySet | None, through: datetime.date | None,
    rolled_until: datetime.datetime | None = None, generation: uuid.UUID | None = None,
) -> tuple[Counts, dict[int, str]]:
    """``({dimension: {key: [filed, finished]}}, {organisation id: name})`` for the local days
    ``window_start``..``window_end``. Everything visible (``visible`` None) reads the
    rolled-up months and days up to ``through`` (their sums held per process for the mark's
    ``generation``, ``stats_memo``) and the challenges after the instant they count up to
    (``rolled_until``; ``None``: the end of ``through``); a visibility filter reads its
    challenges alone, in one query."""
    start = start_of(window_start)
    end = start_of(window_end + datetime.timedelta(days=1))
    rows: list[tuple] = []
    tail_from = start
    if visible is None and through is not None and window_start <= through:
        rolled_end = min(window_end, through)
        months_lo = window_start if window_start.day == 1 else next_month(window_start)
        months_hi = _complete_months_end(rolled_end)
        if months_lo >= months_hi:  # no whole month: days only
            months_lo = months_hi = rolled_end + datetime.timedelta(days=1)
        # (span, first day, last day excluded, sign): the whole months, the days before the
        # first of them and the days after the last; every range of every dimension one
        # index-only scan of ``breakdown_count_cover``.
        ranges = [("m", months_lo, months_hi, 1), ("d", window_start, months_lo, 1),
                  ("d", months_hi, rolled_end + datetime.timedelta(days=1), 1)]
        first = month_start(window_start)
        if months_lo < months_hi and (window_start - first).days < (months_lo - window_start).days:
            # A window starting late in a rolled-up month: that month less its first days
            # (fewer rows: a day holds a row per organisation). Exact, ``prev_day`` included:
            # a month's row is the sum of its days' rows of the same ``prev_day``.
            ranges[:2] = [("m", first, months_hi, 1), ("d", first, window_start, -1)]
        selects, range_params = [], []
        for dimension in DIMENSIONS:
            for span, lo, hi, sign in ranges:
                if lo < hi:
                    selects.append(
                        f"SELECT dimension, key, prev_day, {sign} * filed AS filed, "
                        f"{sign} * finished AS finished FROM {TABLE} "
                        "WHERE dimension = %s AND span = %s AND day >= %s AND day < %s"
                    )
                    range_params += [dimension, span, lo, hi]
        if selects:
            rows += stats_memo.rolled(
                generation, ("breakdowns", window_start, window_end, through),
                "SELECT dimension AS dim, key AS k, SUM(filed) AS f, "
                "SUM(CASE WHEN prev_day < %s THEN finished ELSE 0 END) AS x "
                f"FROM ({' UNION ALL '.join(selects)}) AS r GROUP BY dimension, key",
                [window_start, *range_params], width=4, fetch=fetch_planned,
            )
        tail_from = max(start, rolled_until or start_of(through + datetime.timedelta(days=1)))
    names: dict[int, str] = {}
    if tail_from < end:
        source_sql, source_params = _source_sql(tail_from, end, visible)
        for dim, key, filed, finished, name in fetch_planned(
            f"{source_sql}SELECT u.dim, u.k, SUM(u.f), SUM(u.x), o.name FROM ("
            "SELECT dim, k, filed AS f, CASE WHEN filed = 0 AND (prev_at IS NULL "
            "OR prev_at < %s) THEN 1 ELSE 0 END AS x FROM dims WHERE k IS NOT NULL"
            f") AS u LEFT JOIN {ORGANISATION} o ON u.dim = 'organisation' AND o.id = u.k "
            "GROUP BY u.dim, u.k, o.name",
            [*source_params, _db(start)],
        ):
            rows.append((dim, key, filed, finished))
            if name is not None:
                names[key] = name
    out: Counts = {name: {} for name in DIMENSIONS}
    for dim, key, filed, finished in rows:
        figures = out[dim].setdefault(key, [0, 0])
        figures[0] += int(filed or 0)
        figures[1] += int(finished or 0)
    for dim in DIMENSIONS:
        out[dim] = {key: f for key, f in out[dim].items() if f[0] or f[1]}
    # The names now, not as the held sums' generation knew them (a renamed organisation).
    unnamed = [key for key in out["organisation"] if key not in names]
    if unnamed:
        # Many: every organisation's name in one scan (at 1M, 4,000 rows in 0.5 ms) beats
        # sending thousands of ids.
        named = Organisation.objects.values_list("pk", "name")
        if len(unnamed) <= NAMES_BY_ID:
            named = named.filter(pk__in=unnamed)
        wanted = set(unnamed)
        names.update((pk, name) for pk, name in named if pk in wanted)
        names.update((key, None) for key in unnamed if key not in names)  # as the join gave
    return out, names

