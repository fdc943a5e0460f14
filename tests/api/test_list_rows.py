"""The challenge list renders its rows from plain values (``api.serializers_list``); its JSON
must stay exactly ``ChallengeListSerializer``'s, the schema's declaration of a row."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone, translation

from api import serializers as s
from core import pagination
from api.serializers_list import list_values, render_rows
from core.models import TargetGroup
from tests.builders import advance, file_challenge
from workflows import selectors
from workflows.models import State

from .conftest import client_for


@pytest.fixture
def varied(network):
    """Challenges with one and several target groups, with and without a working group, in
    several states and both visibilities."""
    groups = list(TargetGroup.objects.order_by("-name_de")[:3])
    assert len(groups) == 3
    first = file_challenge(actor=network.partner, organisation=network.org, title="Eins",
                           target_groups=groups)
    second = file_challenge(actor=network.partner, organisation=network.org, title="Zwei",
                            visibility="restricted", target_groups=groups[1:2])
    advance(second, State.TRIALLED, actor=network.coordinator, group=network.group)
    third = file_challenge(actor=network.other_partner, organisation=network.other_org,
                           title="Drei <&> \"zitiert\"", target_groups=groups[::2])
    advance(third, State.CLOSED, actor=network.coordinator, group=network.group)
    return [first, second, third]


def _declared(user, queryset=None) -> list[dict]:
    """What the nested serializer renders for the same rows, as JSON text and back."""
    rows = list(queryset if queryset is not None else selectors.challenges_visible_to(user))
    return json.loads(json.dumps(s.ChallengeListSerializer(rows, many=True).data))


@pytest.mark.parametrize("language, zone", [("de", None), ("en", "UTC")])
def test_rendered_rows_equal_the_serializer(network, varied, language, zone):
    with translation.override(language), timezone.override(zone or timezone.get_default_timezone()):
        queryset = selectors.challenges_visible_to(network.coordinator)
        rendered = render_rows(list_values(queryset))
        declared = _declared(network.coordinator)

    assert len(rendered) == 3
    assert json.loads(json.dumps(rendered)) == declared
    # Same keys in the same order, down to the nested objects.
    assert json.dumps(rendered) == json.dumps(declared)
    several = next(row for row in rendered if row["title"] == "Eins")
    assert len(several["target_groups"]) == 3
    assert several["topic"]["name"] == several["topic"][f"name_{language}"]


@pytest.mark.parametrize("role", ["partner", "other_partner", "group_member", "coordinator"])
def test_the_api_list_answers_what_the_serializer_declares(network, varied, role):
    user = getattr(network, role)

    response = client_for(user).get("/api/v1/challenges/?page_size=50")

    assert response.status_code == 200
    with translation.override(user.preferred_language or "de"):
        declared = _declared(user)
    assert response.json()["results"] == declared
    assert response.json()["count"] == len(declared)


def test_search_ordering_and_deep_pages_keep_the_rows(network, varied, monkeypatch):
    client = client_for(network.coordinator)
    by_title = client.get("/api/v1/challenges/?ordering=title").json()["results"]
    assert [row["title"] for row in by_title] == sorted(row["title"] for row in by_title)

    found = client.get("/api/v1/challenges/?search=Zwei").json()["results"]
    assert [row["title"] for row in found] == ["Zwei"]

    # Past DEFERRED_JOIN_FROM a page selects its ids first, and a page nearer the end is read
    # backwards from it: the same rows, in the same order, with the same links either way.
    monkeypatch.setattr("core.pagination.DEFERRED_JOIN_FROM", 1)
    for ordering in ("", "&ordering=title", "&ordering=-updated_at"):
        everything = client.get(f"/api/v1/challenges/?page_size=50{ordering}").json()["results"]
        assert len(everything) == 3
        for size in (1, 2):
            pages = [
                client.get(f"/api/v1/challenges/?page_size={size}&page={n}{ordering}").json()
                for n in range(1, 4 if size == 1 else 3)
            ]
            assert [row for page in pages for row in page["results"]] == everything
            assert [page["next"] is None for page in pages] == [False] * (len(pages) - 1) + [True]


def test_a_page_read_from_the_end_costs_one_query(network, varied, monkeypatch,
                                                  django_assert_num_queries):
    monkeypatch.setattr("core.pagination.DEFERRED_JOIN_FROM", 1)
    client = client_for(network.coordinator)
    everything = client.get("/api/v1/challenges/").json()["results"]

    # token, roles (1: memberships and group seats), count, the page's rows (ids from the end
    # as a subquery), target groups
    with django_assert_num_queries(1 + 1 + 3) as queries:
        last = client.get("/api/v1/challenges/?page_size=1&page=3").json()["results"]

    assert last == everything[2:]
    page_sql = queries.captured_queries[-2]["sql"]
    assert "ASC" in page_sql and "DESC" in page_sql  # the reversed subquery inside the page


@pytest.mark.parametrize("estimate", [2, 4])
def test_a_deep_page_of_an_estimated_count_is_read_from_the_exact_end(
    network, varied, monkeypatch, estimate
):
    """Above the exact bound the count is an estimate (short or long of the truth): a page
    past its middle learns the exact count and reads from the end, the same rows as the start
    gives; a page past the true end is a 404."""
    monkeypatch.setattr("core.pagination.DEFERRED_JOIN_FROM", 1)
    client = client_for(network.coordinator)
    everything = client.get("/api/v1/challenges/").json()["results"]
    monkeypatch.setattr("core.pagination.bounded_count", lambda queryset: (estimate, False))

    totals = []
    exact_total = pagination.exact_total
    monkeypatch.setattr(
        "core.pagination.exact_total", lambda qs: totals.append(exact_total(qs)) or totals[-1]
    )
    tails = []
    tail = pagination.ScalablePaginator._tail
    monkeypatch.setattr(
        pagination.ScalablePaginator, "_tail", lambda *args: tails.append(1) or tail(*args)
    )

    last = client.get("/api/v1/challenges/?page_size=1&page=3")
    past = client.get("/api/v1/challenges/?page_size=1&page=4")

    # Past the estimate's middle (estimate 2: pages 3 and 4): the exact count (3), then the ids
    # from the end; before it (estimate 4, page 3) the offset walks from the start.
    assert totals == ([3, 3] if estimate == 2 else [3])
    assert len(tails) == (2 if estimate == 2 else 1)
    assert last.status_code == 200
    assert last.json()["results"] == everything[2:]
    assert last.json()["count"] == estimate  # the count stays what the schema says it is
    assert past.status_code == 404
