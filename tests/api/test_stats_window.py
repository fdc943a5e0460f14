"""``GET /api/v1/stats/?from=…&to=…``: cumulative flow, cycle and waiting time, throughput and
breakdowns over a time window, computed by the database."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from tests.builders import file_challenge
from tests.factories import region, target_group, topic
from workflows import services

from .conftest import client_for
from .test_stats_and_me import DAY0, _analyse, _propose, at

WINDOW = {"from": "2026-02-01", "to": "2026-02-28"}


@pytest.fixture
def history(network):
    """From Monday 2 February 2026, 09:00 UTC (day 0):
    a: reported 2 days, analysed 3 days, approach_proposed since day 5.
    b: reported 4 days, analysed since day 4 (Halle, housing, target group families).
    c: restricted, reported 10 days, closed on day 10."""
    with at(0):
        a = file_challenge(actor=network.partner, organisation=network.org, title="A")
        b = file_challenge(
            actor=network.other_partner, organisation=network.other_org, title="B",
            region=region("halle-saale"), topic=topic("housing"),
            target_groups=[target_group("families")],
        )
        c = file_challenge(
            actor=network.partner, organisation=network.org, title="C", visibility="restricted"
        )
    with at(2):
        a = _analyse(network, a)
    with at(4):
        b = _analyse(network, b)
    with at(5):
        a = _propose(network, a)
    with at(10):
        services.challenge_close(actor=network.coordinator, challenge=c, reason="out_of_scope")
    return a, b, c


def _get(user, params):
    with at(26):  # Saturday 28 February 2026, 09:00 UTC
        return client_for(user).get("/api/v1/stats/", params)


def _by(rows, key="state"):
    return {row[key]: row for row in rows}


def test_window_figures_for_a_coordinator(network, history):
    response = _get(network.coordinator, WINDOW)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["window"] == WINDOW

    flow = body["cumulative_flow"]
    assert [w["week_ending"] for w in flow] == ["2026-02-07", "2026-02-14", "2026-02-21", "2026-02-28"]
    first = {s: n for s, n in flow[0]["counts"].items() if n}
    assert first == {"reported": 1, "analysed": 1, "approach_proposed": 1}
    second = {s: n for s, n in flow[1]["counts"].items() if n}
    assert second == {"analysed": 1, "approach_proposed": 1, "closed": 1}

    cycle = _by(body["cycle_time"])
    assert cycle["reported"]["count"] == 3
    assert cycle["reported"]["median_days"] == 4.0  # stays of 2, 4 and 10 days
    assert cycle["reported"]["p80_days"] == 7.6  # 4 + 0.6 × (10 − 4)
    assert cycle["analysed"]["median_days"] == 3.0 and cycle["analysed"]["count"] == 1
    assert cycle["trialled"]["median_days"] is None and cycle["trialled"]["count"] == 0

    waiting = _by(body["waiting_time"])
    assert waiting["analysed"]["count"] == 1 and waiting["analysed"]["median_days"] == 22.0
    assert waiting["approach_proposed"]["median_days"] == 21.0
    assert waiting["reported"]["count"] == 0

    throughput = body["throughput"]
    assert (throughput["filed"], throughput["finished"]) == (3, 1)
    assert [(w["filed"], w["finished"]) for w in throughput["per_week"]] == [
        (3, 0), (0, 1), (0, 0), (0, 0),
    ]

    breakdowns = body["breakdowns"]
    topics = _by(breakdowns["topic"], "slug")
    assert (topics["recognition"]["filed"], topics["recognition"]["finished"]) == (2, 1)
    assert (topics["housing"]["filed"], topics["housing"]["finished"]) == (1, 0)
    assert _by(breakdowns["region"], "slug")["halle-saale"]["filed"] == 1
    orgs = _by(breakdowns["organisation"], "name")
    assert orgs["IHK Magdeburg"]["filed"] == 2 and orgs["Stadt Halle"]["filed"] == 1
    groups = _by(breakdowns["target_group"], "slug")
    assert groups["employers"]["filed"] == 2 and groups["families"]["filed"] == 1
    # The current counts are still there.
    assert body["total"] == 3


def test_window_counts_only_what_the_caller_may_see(network, history):
    body = _get(network.stakeholder, WINDOW).json()
    assert {s: n for s, n in body["cumulative_flow"][1]["counts"].items() if n} == {
        "analysed": 1, "approach_proposed": 1,
    }
    assert body["throughput"]["finished"] == 0
    assert _by(body["cycle_time"])["reported"]["count"] == 2


def test_a_window_before_anything_happened_is_empty(network, history):
    body = _get(network.coordinator, {"from": "2026-01-01", "to": "2026-01-31"}).json()
    assert all(not any(w["counts"].values()) for w in body["cumulative_flow"])
    assert body["throughput"]["filed"] == 0
    assert all(d["count"] == 0 for d in body["cycle_time"])


def test_a_window_that_cuts_stays_counts_the_ones_that_ended_inside(network, history):
    # 3–10 February: b's and a's reported stays ended inside (days 2 and 4), c's too (day 10).
    body = _get(network.coordinator, {"from": "2026-02-05", "to": "2026-02-12"}).json()
    assert _by(body["cycle_time"])["reported"]["count"] == 2  # b (day 4) and c (day 10)
    assert body["throughput"]["filed"] == 0 and body["throughput"]["finished"] == 1


def test_without_dates_the_last_twelve_weeks(network, history):
    body = _get(network.coordinator, {}).json()
    assert body["window"] == {"from": "2025-12-07", "to": "2026-02-28"}
    assert len(body["cumulative_flow"]) == 12


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from"),
        ({"to": ""}, "to"),  # found by schemathesis: an empty date is not "no date"
    ],
)
def test_bad_windows_are_400(network, params, field):
    response = client_for(network.coordinator).get("/api/v1/stats/", params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_input" and field in body


def test_query_count_does_not_grow_with_the_history(network, history, django_assert_num_queries):
    """Queries: token and user (1), the caller's memberships and groups (1); current counts:
    per state, topic and region (3), the median stays from the rollup (mark, length classes,
    ranks: 3), topics and regions (2); the window: the rollup's mark (1), flow (1),
    throughput (1), cycle-time classes and ranks (2), waiting time (1: nothing rolled up yet,
    the running stays are sorted), the three taxonomies (3) and filed/finished per topic,
    region, target group and organisation in one query of the breakdown rollup (1)."""
    client = client_for(network.coordinator)
    with at(26):
        client.get("/api/v1/stats/", WINDOW)  # warm caches (session, content types)
        with django_assert_num_queries(EXPECTED_QUERIES) as first:
            client.get("/api/v1/stats/", WINDOW)
    with at(1):
        for i in range(10):
            file_challenge(actor=network.partner, organisation=network.org, title=f"Mehr {i}")
    with at(26), django_assert_num_queries(len(first.captured_queries)):
        client.get("/api/v1/stats/", WINDOW)


EXPECTED_QUERIES = 20


def test_breakdown_rows_are_what_their_fields_give(network, history):
    """The breakdowns' list is built without a field object per row: the same rows, keys in
    the same order, as the fields of ``BreakdownSerializer`` give one by one."""
    from api.serializers_stats import BreakdownSerializer
    from workflows import stats_window

    with at(30):
        figures = stats_window.window_stats_for(
            network.coordinator,
            stats_window.Window(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        )
    for name, rows in figures.breakdowns.items():
        assert rows, name
        fast = BreakdownSerializer(rows, many=True).data
        one_by_one = [dict(BreakdownSerializer(row).data) for row in rows]
        assert [list(row.items()) for row in fast] == [list(row.items()) for row in one_by_one]
