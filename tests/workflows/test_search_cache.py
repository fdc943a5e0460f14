"""What every search reads but rarely changes is held per process (the synonym groups, the
vocabulary's counts and typo neighbours) under a version in Django's cache, and a capped list
counts itself: repeated searches read none of it, and every change is seen by the next search."""

import pytest
from django.db.models import Value
from django.test import Client
from django.urls import reverse

from core import services as core_services
from tests.builders import file_challenge
from workflows.models import Challenge, State
from workflows.search import index, query
from workflows.search.capped import with_known_count
from workflows.search.models import Synonym

pytestmark = pytest.mark.django_db


def found(text, qs=None):
    qs = Challenge.objects.all() if qs is None else qs
    return list(
        query.prepare(text).apply(qs).order_by("-search_rank", "-created_at", "-id")
        .values_list("title", flat=True)
    )


@pytest.fixture
def corpus(network):
    def make(title, description="Beschreibung folgt."):
        return file_challenge(
            actor=network.partner, organisation=network.org, title=title, description=description
        )

    return make


def test_a_synonym_edited_in_the_admin_counts_at_once_elsewhere_too(
    network, corpus, django_assert_num_queries
):
    corpus("Probleme mit dem Jobticket")
    assert found("Deutschlandticket") == []
    with django_assert_num_queries(0):  # the groups and the counts are this process's copy
        query.prepare("Deutschlandticket")
    client = Client()
    client.force_login(core_services.coordinator_grant(actor=None, user=network.coordinator))
    response = client.post(reverse("admin:workflows_synonym_add"), {
        "kind": "synonym", "words": "Jobticket\nDeutschlandticket", "note": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    # The process still holds its copy of the old groups: the admin's change set a new version.
    assert found("Deutschlandticket") == ["Probleme mit dem Jobticket"]
    synonym = Synonym.objects.get(words__startswith="Jobticket")
    response = client.post(
        reverse("admin:workflows_synonym_delete", args=[synonym.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert found("Deutschlandticket") == []


def test_a_new_document_moves_the_counts_a_search_weighs_by(network, corpus):
    corpus("Schufa verlangt", "Ohne Schufa keine Wohnung.")
    index.fold_vocabulary()
    before = query.prepare("Schufa").df
    corpus("Wieder Schufa", "Schufa.")
    assert query.prepare("Schufa").df["schufa"] == before["schufa"]  # pending until the fold
    index.fold_vocabulary()  # the beat job's work: it sets the new version
    assert query.prepare("Schufa").df["schufa"] == before["schufa"] + 1


def test_a_repeated_search_reads_no_synonyms_or_vocabulary(
    network, corpus, django_assert_num_queries
):
    corpus("Anerkennung dauert zu lange")
    index.fold_vocabulary()  # the vocabulary knows "Anerkennung" once the deltas are folded
    query.prepare("Anerkenung Wohnung IHK")  # a typo: its neighbours are looked up once
    with django_assert_num_queries(0):
        prepared = query.prepare("Anerkenung Wohnung IHK")
    assert "anerkenn" in prepared.terms()


def test_a_capped_list_counts_itself_until_its_rows_change(network, corpus,
                                                          django_assert_num_queries):
    rows = [corpus(f"Anerkennung {n}") for n in range(3)]
    ids = [c.pk for c in rows]
    capped = with_known_count(Challenge.objects.filter(pk__in=ids), len(ids))
    with django_assert_num_queries(0):
        assert capped.count() == 3
        assert capped.order_by("-id")[:2].count() == 2  # the paginator's bounded count
        assert capped.order_by()[2:10].count() == 1
        assert capped.annotate(n=Value(1)).count() == 3
        assert capped.none().count() == 0
    with django_assert_num_queries(1):  # another filter: the database counts
        assert capped.filter(state=State.CLOSED).count() == 0
    with django_assert_num_queries(1):
        assert capped.exclude(pk=ids[0]).count() == 2
    assert list(capped.order_by("id").values_list("pk", flat=True)) == ids


def test_a_list_by_relevance_counts_without_a_count_query(network, corpus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("SQLite ranks every match, without a cap")
    for n in range(3):
        corpus(f"Anerkennung {n}")
    best = query.prepare("Anerkennung").apply_best(Challenge.objects.all()).order_by(
        "-search_rank", "-id"
    )
    with CaptureQueriesContext(connection) as captured:
        assert best.count() == 3
    assert captured.captured_queries == []
