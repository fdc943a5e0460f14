"""The work pages stay bounded by index at a million challenges (issue 14): the glance counts
each state's overdue challenges without the other states' branches of the reminder rule, the
waiting and stale lists can walk the open challenges' index in order, and a list whose count
is estimated (beyond 10,000 rows) still answers when no page, or a word, is asked for."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from core.pagination import ScalablePaginator
from tests.builders import advance, file_challenge
from workflows import hooks, selectors
from workflows.models import OPEN_STATES, Challenge, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(network):
    """Two challenges reported 40 days ago (stale), one analysed 40 days ago (stale), one
    reported today (in time)."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40), tick=False):
        old = [file_challenge(actor=network.partner, organisation=network.org, title=f"Alt {n}")
               for n in range(3)]
        advance(old[2], State.ANALYSED, actor=network.group_member, group=network.group)
    file_challenge(actor=network.partner, organisation=network.org, title="Neu")
    return old


def test_in_state_keeps_only_that_states_branch_and_the_same_rows(network, cases):
    stale = hooks.stale_q()
    for state in OPEN_STATES:
        narrowed = selectors.in_state(stale, state)
        sql = str(Challenge.objects.filter(narrowed).query)
        others = [s for s in OPEN_STATES if s != state]
        assert f"= {state}" in sql and not any(f"= {o}" in sql for o in others), sql
        expected = set(Challenge.objects.filter(stale, state=state).values_list("pk", flat=True))
        assert set(Challenge.objects.filter(narrowed).values_list("pk", flat=True)) == expected
    assert Challenge.objects.filter(selectors.in_state(stale, State.REPORTED)).count() == 2
    assert Challenge.objects.filter(selectors.in_state(stale, State.ANALYSED)).count() == 1


def test_in_state_keeps_a_filter_it_does_not_recognise():
    odd = Q(title__startswith="A") | Q(state=State.ANALYSED, title__startswith="B")
    narrowed = selectors.in_state(odd, State.REPORTED)
    # the first branch asks for no state: kept; the second asks for another one: dropped
    sql = str(Challenge.objects.filter(narrowed).query)
    assert "A%" in sql and "B%" not in sql and "= reported" in sql and "analysed" not in sql
    negated = str(Challenge.objects.filter(selectors.in_state(~odd, State.REPORTED)).query)
    assert "B%" in negated and "= analysed" in negated  # a NOT is left whole


def test_glance_counts_overdue_per_state(network, cases):
    glance = selectors.glance_of(selectors.challenges_visible_to(network.coordinator))
    counts = {c.state: (c.count, c.overdue) for c in glance.states}
    assert counts[State.REPORTED] == (3, 2)
    assert counts[State.ANALYSED] == (1, 1)
    assert counts[State.TRIALLED] == (0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_the_stale_list_can_walk_the_open_challenges_index(network, cases):
    """The planner proves each branch of the reminder rule within the partial index of open
    challenges, so the stale list is one ordered walk with LIMIT (not a sort of every stale
    challenge): sequential scans are switched off to ask whether the index can serve at all."""
    stale = Challenge.objects.filter(hooks.stale_q()).order_by("state_entered_at", "id")[:15]
    sql, params = stale.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "challenge_open_waiting" in plan, plan


def test_a_list_with_an_estimated_count_answers_without_a_page_number(
    network, cases, sign_in, monkeypatch
):
    """Beyond 10,000 rows the count is the planner's estimate; the first page of the list (no
    ``page``) and a page "abc" were a 500 (``int(None)``) at a million challenges."""
    monkeypatch.setattr(ScalablePaginator, "_counted", property(lambda self: (20_000, False)))
    client = sign_in(network.coordinator)
    for query in ("", "?page=abc", "?page=1", "?page=0"):
        response = client.get("/challenges/" + query)
        assert response.status_code == 200, query
        assert "Alt 0" in response.content.decode()
