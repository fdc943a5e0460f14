"""The reminder scan reads by index (issue 14: "reminder scan ≤ 200 ms, index scan shown by
EXPLAIN"): each aged state's stale range from ``challenge_state_since_id`` alone (an index-only
scan: ids, no challenge row), the overdue trials from the partial ``trial_running_planned_end``
index, whose challenges are read by primary key; no branch filters every challenge of a state
or every trial."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.db.models.lookups import Lookup
from django.utils import timezone

from notifications.selectors import (
    LEVEL_ESCALATE,
    LEVEL_REMIND,
    challenges_due_for_reminder,
    stale_q,
)
from tests.builders import file_challenge
from workflows.models import AGED_STATES, Challenge

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
        # and bitmap scans, which a few rows' statistics may favour and which always visit
        # the rows: what is left shows whether the index alone can answer.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # and plain index scans, which visit the rows too: on a table of a row or none the
        # primary key with a filter costs the same as the range and was chosen now and then.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # ``benchmarks/scale_run.py`` shows the plan at 100k and 1M; here: each aged state is an
    # index-only range, the overdue trials come from their partial index, once, as a list of
    # keys, and nothing is read in full.
    for state in AGED_STATES:
        assert f"Index Cond: ((state = '{state}'::text) AND (state_entered_at <= " in plan, plan
    assert plan.count("Index Only Scan using challenge_state_since_id on workflows_challenge") >= len(AGED_STATES), plan
    assert "trial_running_planned_end" in plan, plan
    assert "InitPlan" in plan and "id = ANY ($0)" in plan, plan
    for table in ("workflows_challenge", "workflows_trial", "notifications_reminder"):
        assert f"Seq Scan on {table}" not in plan, plan


@pytest.mark.parametrize("level", [LEVEL_REMIND, LEVEL_ESCALATE])
def test_the_scan_lists_the_ids_of_the_due_challenges_only(network, level):
    """Only ids: deciding loads its batches itself, and the scan reads no row."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=61)):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert list(challenges_due_for_reminder(now=timezone.now(), level=level)) == [challenge.pk]


@pytest.mark.parametrize("level", [LEVEL_REMIND, LEVEL_ESCALATE])
def test_each_aged_state_of_the_scan_can_be_read_from_its_own_index(level):
    """Each aged state's branch asks for ``state_since(state)``, the very expression of that
    state's index (whose statistics give the planner the state's own ages): had the query's
    expression drifted from the index's, PostgreSQL could not use the index at all."""
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN's plan is PostgreSQL's; SQLite plans differently")
    expressions = [
        child
        for branch in stale_q(now=timezone.now(), level=level).children
        if isinstance(branch, Q)
        for child in branch.children
        if isinstance(child, Lookup)
    ]
    assert len(expressions) == len(AGED_STATES)
    plans = []
    for expression in expressions:
        sql, params = Challenge.objects.filter(expression).order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            # Only a bitmap scan is left, which needs an index whose expression the condition
            # names: none but the state's own.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    for short, plan in zip(AGED_STATES.values(), plans):
        assert f"challenge_{short}_since" in plan, plan
