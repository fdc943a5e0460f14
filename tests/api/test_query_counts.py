"""Lists cost the same number of queries for 10 rows as for 100 (no query per row)."""

from __future__ import annotations

import hashlib

import pytest

from tests.builders import advance, file_challenge
from workflows import services
from workflows.models import GoodPractice, State
from workflows.search import index as search_index

from .conftest import client_for

# Token authentication: 1 query (token joined with its user). Roles of the caller: 2 queries
# (memberships of admitted organisations, working groups).
AUTH = 1
ROLES = 1  # admitted memberships and working-group seats, one UNION ALL (core.permissions)


def _file(network, n):
    for i in range(n):
        file_challenge(actor=network.partner, organisation=network.org, title=f"Fall {i}")
    search_index.fold_vocabulary()  # the beat job's minute: the vocabulary knows "Fall"


@pytest.mark.parametrize("rows", [10, 100])
def test_challenge_list(network, django_assert_num_queries, rows):
    _file(network, rows)
    client = client_for(network.partner)

    # + count, + the page (topic, region, organisation, group, reporter joined), + target groups
    with django_assert_num_queries(AUTH + ROLES + 3):
        response = client.get(f"/api/v1/challenges/?page_size={rows}")

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_challenge_list_with_every_filter(network, django_assert_num_queries, rows):
    _file(network, rows)
    client = client_for(network.coordinator)
    query = (
        f"state=reported&organisation={network.org.pk}&topic=1&region=14&followed=false"
        f"&stale=false&visibility=network&search=Fall&ordering=-title&page_size={rows}"
    )

    # + organisation, topic and region looked up by their filters (3), + reminder policy (stale)
    # + count, + page, + target groups; coordinators see everything, so their role queries are
    # the same one. Search: + the synonym groups, + the vocabulary (term weights).
    with django_assert_num_queries(AUTH + ROLES + 3 + 1 + 3 + 2):
        response = client.get(f"/api/v1/challenges/?{query}")

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_comment_list(network, django_assert_num_queries, rows):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    for i in range(rows):
        services.comment_add(actor=network.partner, challenge=challenge, body=f"Kommentar {i}")
    client = client_for(network.partner)

    # + the challenge (visibility), + count, + the page with authors
    with django_assert_num_queries(AUTH + ROLES + 3):
        response = client.get(f"/api/v1/challenges/{challenge.pk}/comments/?page_size={rows}")

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_history(network, django_assert_num_queries, rows):
    challenge = advance(
        file_challenge(actor=network.partner, organisation=network.org),
        State.EVALUATED,
        actor=network.coordinator,
        group=network.group,
    )
    for i in range(rows // 2):  # each round adds two rows: reopen and ...
        services.challenge_reopen(actor=network.coordinator, challenge=challenge, reason=f"{i}")
        services.challenge_close(actor=network.coordinator, challenge=challenge, reason="out_of_scope")
    client = client_for(network.partner)

    # + the challenge (visibility), + the log with its actors, + the field changes with theirs
    with django_assert_num_queries(AUTH + ROLES + 3):
        response = client.get(f"/api/v1/challenges/{challenge.pk}/history/")

    assert len(response.json()) == 5 + 2 * (rows // 2)


@pytest.mark.parametrize("rows", [10, 40])  # a lifecycle per record: 40 keeps it cheap
def test_good_practice_list(network, django_assert_num_queries, rows):
    for i in range(rows):
        advance(
            file_challenge(actor=network.partner, organisation=network.org, title=f"Fall {i}"),
            State.EVALUATED,
            actor=network.coordinator,
            group=network.group,
            approach=hashlib.sha1(str(i).encode()).hexdigest()[:16],
        )
    assert GoodPractice.objects.count() == rows  # different approaches: a record each
    for record in GoodPractice.objects.all():
        services.good_practice_publish(actor=network.coordinator, good_practice=record)
    anonymous = client_for(None)
    coordinator = client_for(network.coordinator)

    # + count, + the page with working groups, + regions, target groups, topics and partners
    with django_assert_num_queries(2 + 4):
        response = anonymous.get(f"/api/v1/good-practices/?page_size={rows}")
    assert len(response.json()["results"]) == rows
    with django_assert_num_queries(AUTH + ROLES + 2 + 4):
        response = coordinator.get(f"/api/v1/good-practices/?page_size={rows}")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_stats(network, django_assert_num_queries, rows):
    _file(network, rows)
    client = client_for(network.partner)

    # + counts per state, topic and region (3), + the median stays, + topics, + regions;
    # the default window: flow, cycle time, waiting time, throughput, 3 taxonomies, and filed
    # and finished per topic, region, target group and organisation in one query of the
    # breakdown rollup (workflows.stats_breakdowns)
    with django_assert_num_queries(AUTH + ROLES + 6 + 8):
        response = client.get("/api/v1/stats/")

    assert response.json()["total"] == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_challenge_detail(network, django_assert_num_queries, rows):
    """A detail with 10 or 100 comments and 1 or 10 approaches costs the same."""
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    for i in range(rows):
        services.comment_add(actor=network.partner, challenge=challenge, body=f"{i}")
    challenge = advance(challenge, State.ANALYSED, actor=network.coordinator, group=network.group)
    challenge = services.challenge_propose_approach(
        actor=network.group_member,
        challenge=challenge,
        approaches=[services.ApproachInput(f"Ansatz {i}", "So") for i in range(rows // 10)],
    )
    challenge = advance(challenge, State.TRIALLED, actor=network.coordinator, group=network.group)
    client = client_for(network.group_member)

    # + the challenge with its analysis (joined), + target groups, approaches, trials, trial
    # partners (the prefetches of challenge_detail_for without the history, which is its own
    # endpoint: 4)
    with django_assert_num_queries(AUTH + ROLES + 1 + 4):
        response = client.get(f"/api/v1/challenges/{challenge.pk}/")

    assert len(response.json()["approaches"]) == rows // 10
