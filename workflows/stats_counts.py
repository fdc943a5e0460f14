"""How many challenges are in each state, topic and region now, for a reader who sees everything,
from the statistics' rollups instead of counting the challenge table (issue 14: three grouped
counts over a million challenges were most of the statistics' time).

- Per state: every challenge has exactly one running stay, in its current state
  (``stats_rollup.stay_begin``). ``OpenStayDay`` holds the running stays counted at the mark's
  ``open_at``; the stays that began since and still run are added, those that began before and
  ended since are taken away.
- Per topic and region: ``BreakdownCount`` counts each challenge's filing under its *current*
  topic and region (an edit moves it, ``stats_breakdowns.challenge_recategorised``); the whole
  months and the days after them up to the mark, plus the challenges filed after the mark.

One query, a few thousand rolled-up rows and the few stays and challenges since the mark. The
same statement checks the mark it was given is still the one in the table: a refresh that
committed in between returns ``None`` and the caller counts the challenges directly.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import connection

from core.db import fetch_planned

from .models import Challenge
from .models_stats import BreakdownCount, ChallengeStay, OpenStayDay, StatsMark
from .stats_breakdowns import _complete_months_end

STAY, CHALLENGE = ChallengeStay._meta.db_table, Challenge._meta.db_table
BREAKDOWN = BreakdownCount._meta.db_table
# {"state": {state: n}, "topic": {topic id: n}, "region": {region id: n}}
Counts = dict[str, dict[Any, int]]


def _db(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def current_counts(
    through: datetime.date | None, rolled_until: datetime.datetime | None,
    open_at: datetime.datetime | None, now: datetime.datetime,
) -> Counts | None:
    """The counts per state, topic and region of every challenge, from the rollups of the mark
    (``through``, ``rolled_until``, ``open_at``: what ``RollupSource`` read); ``None`` when
    there is no rollup to read, ``now`` lies before its count of the running stays, or the
    mark moved meanwhile."""
    if through is None or rolled_until is None or open_at is None or now < open_at:
        return None
    months_end = _complete_months_end(through)
    tail_from = _db(rolled_until)
    at = _db(open_at)
    sql = (
        # The mark is still the one read (1 row) in this statement's snapshot.
        "SELECT 'mark', CAST(NULL AS VARCHAR(32)), CAST(NULL AS BIGINT), COUNT(*) "
        f"FROM {StatsMark._meta.db_table} "
        "WHERE key = 'rollup' AND open_at = %s AND days_through = %s "
        f"UNION ALL SELECT 'state', state, NULL, SUM(stays) FROM {OpenStayDay._meta.db_table} "
        "GROUP BY state "
        f"UNION ALL SELECT 'state', state, NULL, COUNT(*) FROM {STAY} "
        "WHERE entered_at >= %s AND left_at IS NULL GROUP BY state "
        f"UNION ALL SELECT 'state', state, NULL, -COUNT(*) FROM {STAY} "
        "WHERE left_at >= %s AND entered_at < %s GROUP BY state "
        # Per dimension and span a range of the ``breakdown_count_cover`` index.
        f"UNION ALL SELECT dimension, NULL, key, SUM(filed) FROM ("
        f"SELECT dimension, key, filed FROM {BREAKDOWN} "
        "WHERE dimension = 'topic' AND span = 'm' AND day < %s "
        f"UNION ALL SELECT dimension, key, filed FROM {BREAKDOWN} "
        "WHERE dimension = 'topic' AND span = 'd' AND day >= %s AND day <= %s "
        f"UNION ALL SELECT dimension, key, filed FROM {BREAKDOWN} "
        "WHERE dimension = 'region' AND span = 'm' AND day < %s "
        f"UNION ALL SELECT dimension, key, filed FROM {BREAKDOWN} "
        "WHERE dimension = 'region' AND span = 'd' AND day >= %s AND day <= %s"
        ") AS b GROUP BY dimension, key "
        f"UNION ALL SELECT 'topic', NULL, topic_id, COUNT(*) FROM {CHALLENGE} "
        "WHERE created_at >= %s AND topic_id IS NOT NULL GROUP BY topic_id "
        f"UNION ALL SELECT 'region', NULL, region_id, COUNT(*) FROM {CHALLENGE} "
        "WHERE created_at >= %s AND region_id IS NOT NULL GROUP BY region_id"
    )
    rolled = [months_end, months_end, through]
    params = [at, through, at, at, at, *rolled, *rolled, tail_from, tail_from]
    rows = fetch_planned(sql, params)  # planned for its mark
    out: Counts = {"state": defaultdict(int), "topic": defaultdict(int), "region": defaultdict(int)}
    mark_holds = False
    for dimension, state, key, n in rows:
        if dimension == "mark":
            mark_holds = int(n) == 1
        else:
            out[dimension][state if dimension == "state" else key] += int(n or 0)
    if not mark_holds:
        return None
    return {name: {k: n for k, n in values.items() if n} for name, values in out.items()}
