"""The reminder scan reads by index (issue 14: "reminder scan ≤ 200 ms, index scan shown by
EXPLAIN"): the stale states by ``(state, state_entered_at)``, the overdue trials by the
partial ``trial_running_planned_end`` index, whose challenges join the other branches' bitmap
scan on the primary key; no branch filters every challenge of a state or every trial."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from notifications.selectors import (
    LEVEL_ESCALATE,
    LEVEL_REMIND,
    challenges_due_for_reminder,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", [LEVEL_REMIND, LEVEL_ESCALATE])
def test_the_reminder_scan_is_an_index_scan(level):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN's plan is PostgreSQL's; SQLite plans differently")
    sql, params = challenges_due_for_reminder(now=timezone.now(), level=level).query.sql_with_params()
    with connection.cursor() as cursor:
        # On a test's few rows any plan is cheap: with sequential scans priced out, the plan
        # shows which indexes the query can use at all, which is what a large table needs.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Which of the challenge's indexes serves the states depends on the table's statistics
    # (``benchmarks/scale_run.py`` shows the plan at 100k and 1M); here: the overdue trials
    # come from their partial index, once, as a list of keys, and nothing is read in full.
    assert "trial_running_planned_end" in plan, plan
    assert "InitPlan" in plan and "id = ANY ($0)" in plan, plan
    for table in ("workflows_challenge", "workflows_trial", "notifications_reminder"):
        assert f"Seq Scan on {table}" not in plan, plan
