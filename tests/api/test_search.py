"""``search=`` on the API lists: the German search, by relevance, with every filter."""

import pytest

from tests.builders import file_challenge
from workflows import services
from workflows.search.index import fold_vocabulary

from .conftest import client_for

pytestmark = pytest.mark.django_db


def titles(response):
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_challenge_search_by_relevance_and_by_date(network):
    older = file_challenge(actor=network.partner, organisation=network.org,
                           title="Anerkennung für Pflegefachkräfte", description="Lange Verfahren.")
    file_challenge(actor=network.partner, organisation=network.org,
                   title="Busverbindung", description="Auch die Pflege leidet.")
    client = client_for(network.partner)
    assert titles(client.get("/api/v1/challenges/?search=Pflegekraefte")) == [
        older.title, "Busverbindung"
    ]
    by_date = titles(client.get("/api/v1/challenges/?search=Pflegekraefte&ordering=-created_at"))
    assert by_date == ["Busverbindung", older.title]


def test_challenge_search_combines_with_filters_and_visibility(network):
    file_challenge(actor=network.partner, organisation=network.org, title="Anerkennung A")
    file_challenge(actor=network.other_partner, organisation=network.other_org,
                   title="Anerkennung B")
    file_challenge(actor=network.other_partner, organisation=network.other_org,
                   title="Anerkennung geheim", visibility="restricted")
    client = client_for(network.partner)
    assert titles(client.get(
        f"/api/v1/challenges/?search=Anerkennung&organisation={network.other_org.pk}"
    )) == ["Anerkennung B"]


def test_too_long_search_is_a_400(network):
    response = client_for(network.partner).get("/api/v1/challenges/?search=" + "a" * 201)
    assert response.status_code == 400
    assert "search" in response.json()


def test_good_practice_search(network):
    from tests.builders import advance
    from workflows.models import State

    challenge = file_challenge(actor=network.partner, organisation=network.org)
    advance(challenge, State.EVALUATED, actor=network.coordinator, group=network.group)
    record = challenge.approaches.get().good_practice
    services.good_practice_publish(actor=network.coordinator, good_practice=record)
    client = client_for(None)
    assert titles(client.get("/api/v1/good-practices/?search=Lotsen")) == [record.title]
    assert titles(client.get("/api/v1/good-practices/?search=Wohnung")) == []


def test_similar_challenges_and_good_practices(network):
    from tests.builders import advance
    from workflows.models import State

    housing = file_challenge(actor=network.other_partner, organisation=network.other_org,
                             title="Wohnungssuche scheitert an der Schufa",
                             description="Vermieter verlangen Gehaltsnachweise.")
    secret = file_challenge(actor=network.other_partner, organisation=network.other_org,
                            title="Wohnungssuche geheim", visibility="restricted")
    evaluated = advance(file_challenge(actor=network.partner, organisation=network.org,
                                       title="Wohnung über Lotsen"),
                        State.EVALUATED, actor=network.coordinator, group=network.group)
    record = evaluated.approaches.get().good_practice
    services.good_practice_publish(actor=network.coordinator, good_practice=record)
    fold_vocabulary()  # the term weights come from the vocabulary (the beat job's fold)

    response = client_for(network.partner).get(
        "/api/v1/challenges/similar/", {"text": "Keine Wohnung ohne Schufa, Lotsen helfen?"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    ids = [c["id"] for c in body["challenges"]]
    assert ids[0] == housing.pk and secret.pk not in ids
    assert body["challenges"][0]["state"] == "reported"
    assert [g["id"] for g in body["good_practices"]] == [record.pk]


@pytest.mark.parametrize("query", ["", "?text=", "?text=" + "x" * 5001])
def test_similar_needs_a_text(network, query):
    response = client_for(network.partner).get("/api/v1/challenges/similar/" + query)
    assert response.status_code == 400


def test_similar_is_for_signed_in_people(db):
    assert client_for(None).get("/api/v1/challenges/similar/?text=Wohnung").status_code in (401, 403)


@pytest.mark.parametrize("matches", [3, 12])
def test_a_repeated_search_with_filters_costs_the_same_queries_whatever_the_matches(
    network, matches, django_assert_num_queries
):
    """Synonyms, vocabulary and typo neighbours are this process's copy after the first search,
    and a list by relevance counts its capped candidates without asking the database
    (PostgreSQL; SQLite ranks every match and counts them)."""
    from django.db import connection

    filed = [
        file_challenge(actor=network.partner, organisation=network.org,
                       title=f"Anerkennung {n}", description="Wohnung gesucht.")
        for n in range(matches)
    ]
    client = client_for(network.partner)
    topic = filed[0].topic_id
    url = f"/api/v1/challenges/?search=Anerkenung%20Wohnung&state=reported&topic={topic}"
    first = titles(client.get(url))
    # the token, memberships and working groups (visibility: one query), the topic (filter),
    # then on PostgreSQL the capped scan and the page (SQLite: the count and the page), the
    # page's target groups; no synonyms, vocabulary or typo lookups
    with django_assert_num_queries(6):
        assert titles(client.get(url)) == first
    assert len(first) == matches
    assert connection.vendor != "postgresql" or client.get(url).json()["count"] == matches
