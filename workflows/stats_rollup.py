"""Keeping the statistics' tables (``models_stats``): the stays, written by every transition in
its own transaction, and the daily rollups, refreshed by a worker job.

Design (issue 14): a counter row per day and state updated by each transition would make every
transition of the network wait on the same row, so the transaction only touches rows of its
own challenge (``stay_begin``). ``refresh`` (beat job ``stats-rollup``, every 10 minutes,
safe to run twice) folds the stays up to its own instant into ``StatsDay``/``StayLength``
and the breakdowns' ``BreakdownCount`` (``stats_breakdowns``) and recounts the running stays per day of entry into
``OpenStayDay``. The day a refresh runs on is rolled up to the refresh's instant (and counted
again from its start by the next run), so the statistics read the rollups up to the mark and
only the stays since the last refresh after it (``stats_window``): a late refresh slows
them, never falsifies them.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models_stats import (
    BreakdownCount,
    ChallengeStay,
    OpenStayDay,
    StatsDay,
    StatsMark,
    StayLength,
)

BUCKETS_PER_DOUBLING = 8  # length classes: 8 per doubling of the length in minutes (~9 % wide)


def length_bucket(seconds: float) -> int:
    """The length class of a stay of ``seconds``; classes rise with the length."""
    return int(math.log2(1.0 + max(seconds, 0.0) / 60.0) * BUCKETS_PER_DOUBLING)


# SQL of the same classes for the backfill (``ln`` in double precision, like ``math.log2``).
BUCKET_SQL = "FLOOR(LN(1.0 + GREATEST({s}, 0.0) / 60.0) / LN(2.0) * %d)::smallint" % (
    BUCKETS_PER_DOUBLING
)


def start_of(day: datetime.date) -> datetime.datetime:
    """The first instant of the local ``day``."""
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def stay_begin(*, log: Any) -> None:
    """End the challenge's running stay at ``log.at`` and begin the one ``log`` starts. Call in
    the transaction that wrote ``log`` (the services do, right after the log row)."""
    running = (
        ChallengeStay.objects.filter(challenge_id=log.challenge_id, left_at__isnull=True)
        .only("entered_at").first()
    )
    if running is not None:
        seconds = (log.at - running.entered_at).total_seconds()
        ChallengeStay.objects.filter(pk=running.pk).update(
            left_at=log.at, seconds=seconds, bucket=length_bucket(seconds)
        )
    ChallengeStay.objects.create(
        log_id=log.pk, challenge_id=log.challenge_id, state=log.to_state,
        filed=not log.from_state, entered_at=log.at,
    )


def backfill_stays(*, using: str = "default") -> int:
    """Rebuild every stay from the transition log (``LEAD`` per challenge, ordered like the
    history: by time, then id). Safe to run twice; returns the number of stays."""
    from .models import TransitionLog

    log, stay = TransitionLog._meta.db_table, ChallengeStay._meta.db_table
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (until - at))::float8"
    else:
        seconds = "((julianday(until) - julianday(at)) * 86400.0)"
    bucket = (
        BUCKET_SQL.format(s=seconds) if connection.vendor == "postgresql" else "NULL"
    )
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {stay}")
        cursor.execute(
            f"INSERT INTO {stay} (log_id, challenge_id, state, filed, entered_at, left_at, "
            f"seconds, bucket) "
            f"SELECT id, challenge_id, to_state, from_state = '', at, until, "
            f"CASE WHEN until IS NULL THEN NULL ELSE {seconds} END, "
            f"CASE WHEN until IS NULL THEN NULL ELSE {bucket} END "
            f"FROM (SELECT id, challenge_id, to_state, from_state, at, "
            f"LEAD(at) OVER (PARTITION BY challenge_id ORDER BY at, id) AS until FROM {log}) s"
        )
        count = cursor.rowcount
    if connection.vendor != "postgresql":
        # SQLite has no LN everywhere: classes computed here (the embedded default is small).
        for pk, secs in ChallengeStay.objects.filter(left_at__isnull=False).values_list(
            "pk", "seconds"
        ).iterator():
            ChallengeStay.objects.filter(pk=pk).update(bucket=length_bucket(secs))
    _analyse(ChallengeStay)
    return count


def _analyse(*models: Any) -> None:
    """Fresh planner statistics after a bulk (re)build: with the estimates of an empty table
    PostgreSQL scans every stay instead of reading the few after the mark by index."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def refresh(*, now: datetime.datetime | None = None, rebuild: bool = False) -> dict[str, Any]:
    """Fold everything up to ``now`` into the daily rollups (today's rows up to ``now``: the
    statistics then read only the stays since this run after the mark, not the whole day's)
    and recount the running stays. The day the last run reached is counted again from its
    start, since that run counted it only in part. Under the mark row's lock, so two runs at
    once do the work once; running it again changes nothing. ``rebuild`` recounts every day
    (after stays were deleted)."""
    now = now or timezone.now()
    through = timezone.localdate(now)
    with transaction.atomic():
        StatsMark.objects.get_or_create(key="rollup")
        mark = StatsMark.objects.select_for_update().get(key="rollup")
        if rebuild or mark.days_through is None:
            first = None
        elif mark.rolled_to is None:  # a mark of whole days: the day after its last
            first = min(mark.days_through + datetime.timedelta(days=1), through)
        else:  # its last day was rolled up to its instant only (or ``now`` lies before it)
            first = min(timezone.localdate(mark.rolled_to), through)
        # Imported here: the breakdowns' module builds on this one's day boundaries.
        from . import stats_breakdowns

        days = _fold_days(first, through, now)
        stats_breakdowns.fold(first, through, upper=now)
        OpenStayDay.objects.all().delete()
        running = (
            ChallengeStay.objects.filter(Q(left_at__isnull=True) | Q(left_at__gte=now),
                                         entered_at__lt=now)
            .annotate(day=TruncDate("entered_at")).values_list("state", "day")
            .annotate(n=Count("pk")).order_by()
        )
        OpenStayDay.objects.bulk_create(
            [OpenStayDay(state=state, day=day, stays=n) for state, day, n in running],
            batch_size=2000,
        )
        mark.days_through, mark.rolled_to, mark.open_at = through, now, now
        mark.generation = uuid.uuid4()  # the sums held of the rollups are stale (stats_memo)
        mark.save()
    if first is None:
        _analyse(ChallengeStay, StatsDay, StayLength, OpenStayDay, BreakdownCount)
    return {"days_through": through, "days_folded": days, "open_at": now}


def _fold_days(first: datetime.date | None, through: datetime.date,
               upper: datetime.datetime | None = None) -> int:
    """(Re)count ``first``..``through`` (``None``: from the beginning) into the day rollups, up
    to the instant ``upper`` (``None``: the end of ``through``). Every row from ``first`` on
    is replaced, so rows a run with a later ``upper`` left behind go too."""
    day_rows = StatsDay.objects.all()
    length_rows = StayLength.objects.all()
    stays = ChallengeStay.objects.all()
    end = upper or start_of(through + datetime.timedelta(days=1))
    entered = stays.filter(entered_at__lt=end)
    left = stays.filter(left_at__lt=end)
    if first is not None:
        day_rows, length_rows = day_rows.filter(day__gte=first), length_rows.filter(day__gte=first)
        entered = entered.filter(entered_at__gte=start_of(first))
        left = left.filter(left_at__gte=start_of(first))
    day_rows.delete()
    length_rows.delete()
    if connection.vendor == "postgresql":
        return _fold_days_sql(None if first is None else start_of(first), end, through)
    per_day: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, state, n, filed in (
        entered.annotate(day=TruncDate("entered_at")).values_list("day", "state")
        .annotate(n=Count("pk"), filed=Count("pk", filter=Q(filed=True))).order_by()
    ):
        per_day[day, state][0] += n
        per_day[day, state][2] += filed
    lengths = []
    for day, state, bucket, n in (
        left.annotate(day=TruncDate("left_at")).values_list("day", "state", "bucket")
        .annotate(n=Count("pk")).order_by()
    ):
        per_day[day, state][1] += n
        lengths.append(StayLength(day=day, state=state, bucket=bucket, stays=n))
    StatsDay.objects.bulk_create(
        [StatsDay(day=d, state=s, entries=v[0], exits=v[1], filed=v[2])
         for (d, s), v in per_day.items()],
        batch_size=2000,
    )
    StayLength.objects.bulk_create(lengths, batch_size=2000)
    return len({d for d, _s in per_day})


def _fold_days_sql(lower: datetime.datetime | None, end: datetime.datetime,
                   through: datetime.date) -> int:
    """PostgreSQL: the same counts as the ORM path, written by INSERT … SELECT (a million
    challenges' history is folded in seconds, not in row-by-row inserts). Days are local days
    like ``TruncDate``'s: ``AT TIME ZONE`` the current zone."""
    stay = ChallengeStay._meta.db_table
    lower = lower or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    p = {"tz": timezone.get_current_timezone_name(), "lo": lower, "hi": end}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {StatsDay._meta.db_table} (day, state, entries, exits, filed) "
            "SELECT day, state, SUM(e), SUM(x), SUM(f) FROM ("
            "SELECT (entered_at AT TIME ZONE %(tz)s)::date AS day, state, 1 AS e, 0 AS x, "
            f"CASE WHEN filed THEN 1 ELSE 0 END AS f FROM {stay} "
            "WHERE entered_at >= %(lo)s AND entered_at < %(hi)s "
            "UNION ALL SELECT (left_at AT TIME ZONE %(tz)s)::date, state, 0, 1, 0 "
            f"FROM {stay} WHERE left_at >= %(lo)s AND left_at < %(hi)s"
            ") AS s GROUP BY day, state",
            p,
        )
        cursor.execute(
            f"INSERT INTO {StayLength._meta.db_table} (day, state, bucket, stays) "
            "SELECT (left_at AT TIME ZONE %(tz)s)::date, state, bucket, COUNT(*) "
            f"FROM {stay} WHERE left_at >= %(lo)s AND left_at < %(hi)s GROUP BY 1, 2, 3",
            p,
        )
        cursor.execute(
            f"SELECT COUNT(DISTINCT day) FROM {StatsDay._meta.db_table} "
            "WHERE day >= (%(lo)s AT TIME ZONE %(tz)s)::date AND day <= %(through)s",
            {**p, "through": through},
        )
        return cursor.fetchone()[0]
