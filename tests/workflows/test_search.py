"""Search finds what people mean: compounds, umlauts, typos, synonyms, abbreviations; ranked by
relevance; kept current by the services."""

import pytest

from tests.builders import advance, file_challenge
from workflows import services
from workflows.models import Challenge, State
from workflows.search import index, query, synonyms
from workflows.search.models import ChallengeSearch, SearchTerm, Synonym

pytestmark = pytest.mark.django_db


def found(text, qs=None):
    qs = Challenge.objects.all() if qs is None else qs
    prepared = query.prepare(text)
    return list(
        prepared.apply(qs).order_by("-search_rank", "-created_at", "-id").values_list(
            "title", flat=True
        )
    )


@pytest.fixture
def corpus(network):
    def make(title, description="Beschreibung folgt."):
        return file_challenge(
            actor=network.partner, organisation=network.org, title=title, description=description
        )

    return make


def test_compound_query_finds_its_parts_and_parts_find_the_compound(corpus):
    corpus("Fachkräfte in der Pflege fehlen")
    corpus("Pflegefachkräfte aus Vietnam einarbeiten")
    corpus("Busverbindung zum Gewerbegebiet")
    assert set(found("Pflegefachkräfte")) == {
        "Fachkräfte in der Pflege fehlen", "Pflegefachkräfte aus Vietnam einarbeiten"
    }
    assert found("Pflege") == found("Pflege")  # stable
    assert "Pflegefachkräfte aus Vietnam einarbeiten" in found("Pflege")


def test_umlaut_and_sharp_s_written_either_way(corpus):
    corpus("Ärzte aus Syrien warten auf Approbation")
    corpus("Wohnung in der Hauptstraße zu teuer")
    assert found("Aerzte") == ["Ärzte aus Syrien warten auf Approbation"]
    assert found("Hauptstrasse") == ["Wohnung in der Hauptstraße zu teuer"]


def test_typo_finds_the_word_meant(corpus):
    corpus("Anerkennung dauert zu lange")
    corpus("Kita-Plätze fehlen")
    index.fold_vocabulary()  # typos are corrected against the vocabulary (the beat job's fold)
    assert found("Anerkenung") == ["Anerkennung dauert zu lange"]


def test_synonym_finds_the_other_word(corpus):
    corpus("Unterkunft für Saisonkräfte fehlt")
    corpus("Anerkennung dauert zu lange")
    assert found("Wohnung") == ["Unterkunft für Saisonkräfte fehlt"]


def test_abbreviation_finds_what_it_stands_for_and_back(corpus):
    corpus("Beratung bei der Industrie- und Handelskammer überlastet")
    corpus("Anerkennung dauert zu lange")
    assert found("IHK") == ["Beratung bei der Industrie- und Handelskammer überlastet"]
    corpus("HWK prüft Meisterbriefe langsam")
    # "Kammer" alone also matches the other chamber, further down.
    assert found("Handwerkskammer")[0] == "HWK prüft Meisterbriefe langsam"


def test_a_synonym_added_by_a_coordinator_counts_at_once(network, corpus):
    corpus("Probleme mit dem Jobticket")
    assert found("Deutschlandticket") == []  # this process now holds the groups
    synonyms.synonym_save(
        actor=network.coordinator, synonym=Synonym(words="Jobticket\nDeutschlandticket")
    )
    assert found("Deutschlandticket") == ["Probleme mit dem Jobticket"]
    synonyms.synonym_delete(actor=network.coordinator, synonyms=Synonym.objects.filter(
        words__startswith="Jobticket"))
    assert found("Deutschlandticket") == []


def test_title_matches_rank_above_description_matches(corpus):
    corpus("Busverbindung fehlt", "Auch die Anerkennung ist schwierig.")
    corpus("Anerkennung dauert zu lange", "Neun Monate Wartezeit.")
    assert found("Anerkennung") == ["Anerkennung dauert zu lange", "Busverbindung fehlt"]


def test_rare_terms_weigh_more_than_common_ones(corpus):
    for n in range(4):
        corpus(f"Fachkräfte gesucht {n}")
    corpus("Fachkräfte für Schweißtechnik")
    assert found("Fachkräfte Schweißtechnik")[0] == "Fachkräfte für Schweißtechnik"


def test_filters_combine_with_search(network, corpus):
    corpus("Anerkennung dauert zu lange")
    file_challenge(actor=network.other_partner, organisation=network.other_org,
                   title="Anerkennung in Halle")
    qs = Challenge.objects.filter(organisation=network.other_org)
    assert found("Anerkennung", qs) == ["Anerkennung in Halle"]


def test_edit_and_lifecycle_steps_keep_the_terms_current(network, corpus):
    challenge = corpus("Busverbindung fehlt")
    services.challenge_update(actor=network.partner, challenge=challenge, title="Nachtbus fehlt")
    assert found("Nachtbus") == ["Nachtbus fehlt"]
    assert found("Busverbindung") == []
    # The analysis, approaches and lessons learned are searched too.
    advance(challenge, State.EVALUATED, actor=network.coordinator, group=network.group)
    assert found("Lotsenprogramm") == ["Nachtbus fehlt"]  # the approach's title
    assert found("Unterlagen") == ["Nachtbus fehlt"]  # the analysis' root causes


def test_rebuild_gives_the_same_terms_and_counts(corpus):
    corpus("Fachkräfte in der Pflege fehlen")
    corpus("Pflegefachkräfte aus Vietnam einarbeiten")
    index.fold_vocabulary()
    before_entries = set(ChallengeSearch.objects.values_list("challenge_id", "terms"))
    before_terms = set(SearchTerm.objects.values_list("scope", "term", "documents"))
    index.rebuild()
    assert set(ChallengeSearch.objects.values_list("challenge_id", "terms")) == before_entries
    assert set(SearchTerm.objects.values_list("scope", "term", "documents")) == before_terms
    assert SearchTerm.objects.get(scope="challenge", term="").documents == 2


def test_empty_or_stop_word_query_finds_nothing(corpus):
    corpus("Anerkennung dauert zu lange")
    assert found("und die der") == []


def test_search_reindex_command_fills_missing_entries(corpus):
    from django.core.management import call_command

    challenge = corpus("Anerkennung dauert zu lange")
    ChallengeSearch.objects.all().delete()
    index._clear_challenge_vectors()  # PostgreSQL's vector on the challenge row
    assert found("Anerkennung") == []
    call_command("search_reindex", stdout=__import__("io").StringIO())
    assert found("Anerkennung") == [challenge.title]


def test_the_stored_vector_weighs_title_description_and_the_rest(network, corpus):
    challenge = corpus("Anerkennung dauert", "Die Wohnung fehlt.")
    advance(challenge, State.ANALYSED, actor=network.coordinator, group=network.group)
    literal = index.vector_literal(*index.challenge_texts(challenge))
    assert "'anerkenn':1A" in literal
    assert "'wohnung':" in literal and literal.split("'wohnung':")[1].split()[0].endswith("B")
    # the analysis' root causes come after, with weight C
    assert any(p.endswith("C") for p in literal.split("'unterlag':")[1].split()[0].split(","))


def test_postgresql_keeps_the_weighted_vector_current(network, corpus):
    from django.db import connection

    from workflows.search.analysis import stem

    if connection.vendor != "postgresql":
        pytest.skip("the vector is PostgreSQL's; SQLite matches the term columns")
    challenge = corpus("Busverbindung fehlt", "Nachts fährt nichts.")
    services.challenge_update(actor=network.partner, challenge=challenge, title="Nachtbus fehlt")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector @@ %s::tsquery, search_vector @@ %s::tsquery, "
            "search_vector @@ %s::tsquery FROM workflows_challenge WHERE id = %s",
            [f"'{stem('Nachtbus')}':A", f"'{stem('Busverbindung')}'", f"'{stem('nachts')}':B",
             challenge.pk],
        )
        assert cursor.fetchone() == (True, False, True)


def test_capped_candidates_come_from_the_rarest_concepts():
    first = query.Concept("schufa", 1.0, [query.Alternative(("schufa",))])
    second = query.Concept("vermiet", 1.0, [query.Alternative(("vermiet",))])
    common = query.Concept("wohnung", 1.0, [query.Alternative(("wohnung",)),
                                            query.Alternative(("unterkunft",))])
    prepared = query.PreparedQuery(
        scope="challenge", concepts=[common, second, first], idf={},
        df={"schufa": 10, "vermiet": 40, "wohnung": 900, "unterkunft": 300},
    )
    assert [c.key for c in prepared.candidate_concepts(100)] == ["schufa", "vermiet"]
    assert [c.key for c in prepared.candidate_concepts(5)] == ["schufa"]  # at least one
    assert len(prepared.candidate_concepts(10_000)) == 3


def test_suggestions_rank_only_candidates_of_the_rare_words(network, corpus, monkeypatch):
    from workflows.search import suggest

    rare = corpus("Vermieter verlangen Schufa", "Ohne Schufa keine Wohnung.")
    for n in range(3):
        corpus(f"Wohnung gesucht {n}", "Die Wohnung ist zu teuer.")
    index.fold_vocabulary()  # which words are rare: the vocabulary's counts
    found_all = suggest.similar_challenges(
        network.coordinator, title="Wohnung ohne Schufa", description="Wohnung"
    )
    assert found_all[0] == rare and len(found_all) == 4
    # With a budget of one document only the rare word's documents are candidates.
    monkeypatch.setattr(query, "CANDIDATE_BUDGET", 1)
    assert suggest.similar_challenges(
        network.coordinator, title="Wohnung ohne Schufa", description="Wohnung"
    ) == [rare]


def test_suggestions_widen_when_the_rare_words_match_nothing_visible(
    network, corpus, monkeypatch
):
    """Found at 100k and 1M: the rarest words of a text were candidates alone, and when no
    document the person may see held them (here: only another organisation's restricted
    challenge; at scale, a compound's parts no document holds together) nothing was
    suggested, though the text's other words match."""
    from workflows.search import suggest

    file_challenge(actor=network.other_partner, organisation=network.other_org,
                   visibility="restricted", title="Zollamt hält Werkzeug fest",
                   description="Das Zollamt gibt nichts frei.")
    housing = [corpus(f"Wohnung gesucht {n}", "Die Wohnung ist zu teuer.") for n in range(3)]
    index.fold_vocabulary()
    monkeypatch.setattr(query, "CANDIDATE_BUDGET", 1)  # the rarest word's documents only
    text = {"title": "Zollamt und Wohnung", "description": "Wohnung"}
    assert query.prepare(text["description"], title=text["title"]).candidate_concepts(1)[0].key \
        == "zollamt"
    assert set(suggest.similar_challenges(network.partner, **text)) == set(housing)
    # The other organisation's partner sees the restricted one: it is the rare word's match.
    assert suggest.similar_challenges(network.other_partner, **text)[0].title == (
        "Zollamt hält Werkzeug fest"
    )
    # A text whose only known word is in what the person may not see suggests nothing.
    assert suggest.similar_challenges(network.partner, title="Zollamt Quittung",
                                      description="Zollamt") == []


def test_an_edit_moves_the_challenge_between_filtered_searches(network, corpus):
    """The filters read the challenge's own columns, which the search reads beside its vector:
    an edit of the topic or the visibility counts in the next filtered search."""
    from core.models import Topic

    challenge = corpus("Anerkennung dauert zu lange")
    other = Topic.objects.exclude(pk=challenge.topic_id).first()
    assert found("Anerkennung", Challenge.objects.filter(topic=other)) == []
    services.challenge_update(
        actor=network.partner, challenge=challenge, topic=other, visibility="restricted"
    )
    assert found("Anerkennung", Challenge.objects.filter(topic=other)) == [challenge.title]
    assert found("Anerkennung", Challenge.objects.filter(visibility="network")) == []


def test_postgresql_search_reads_the_challenge_row_alone(network, corpus):
    """PostgreSQL: the vector is on the challenge row, so search + filters is one table (the
    GIN and B-tree indexes meet in one bitmap AND) and no join to the search table."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite matches the term columns of the search table")
    corpus("Anerkennung dauert zu lange")
    prepared = query.prepare("Anerkennung Pflegekräfte")
    qs = prepared.apply(Challenge.objects.filter(state=State.REPORTED, topic_id=1))
    sql = str(qs.order_by("-search_rank").query)
    assert "workflows_challengesearch" not in sql
    assert '"workflows_challenge"."search_vector" @@' in sql
    capped = prepared.apply_capped(Challenge.objects.filter(state=State.REPORTED))
    assert "workflows_challengesearch" not in str(capped.query)


def test_a_list_by_relevance_ranks_capped_candidates_title_matches_first(
    network, corpus, monkeypatch
):
    """PostgreSQL reads at most SCAN matches of a list by relevance and ranks BEST_RESULTS of
    them, title matches first; a search within the cap gives ``apply``'s ranking (SQLite
    always does)."""
    from django.db import connection

    body = [corpus(f"Wartezeit {n}", "Die Anerkennung dauert.") for n in range(3)]
    title = corpus("Anerkennung dauert zu lange")
    everything = list(
        query.prepare("Anerkennung").apply(Challenge.objects.all())
        .order_by("-search_rank", "-created_at", "-id")
    )

    def best():
        return list(
            query.prepare("Anerkennung").apply_best(Challenge.objects.all())
            .order_by("-search_rank", "-created_at", "-id")
        )

    assert best() == everything and everything[0] == title
    monkeypatch.setattr(query, "BEST_RESULTS", 2)
    if connection.vendor == "postgresql":
        # the title match, then the newest of the others
        assert best() == [title, body[-1]]
    else:
        assert best() == everything


def test_a_broad_capped_search_reads_rows_instead_of_the_index(network, corpus):
    """By the vocabulary's counts, a search that may match a tenth of the documents or more
    is broad: PostgreSQL's capped scan then tests the vectors of the rows the filters pick (no
    GIN), with the same matches."""
    from django.db import connection

    rare = corpus("Anerkennung dauert zu lange")
    for n in range(12):  # the rare word: 1 of 13 documents
        corpus(f"Wohnung gesucht {n}")
    index.fold_vocabulary()
    broad = query.prepare("Wohnung")
    narrow = query.prepare("Anerkennung")
    assert broad.broad() and not narrow.broad()
    assert list(narrow.apply_best(Challenge.objects.all())) == [rare]
    assert len(broad.apply_best(Challenge.objects.all())) == 12
    if connection.vendor == "postgresql":
        match = broad.match_expression("search_entry__", indexed=False)
        sql = str(Challenge.objects.filter(match).query)
        assert "coalesce(\"workflows_challenge\".\"search_vector\", ''::tsvector) @@" in sql


def _stored():
    from django.db import connection

    entries = set(ChallengeSearch.objects.values_list("challenge_id", "title_terms", "terms"))
    if connection.vendor != "postgresql":
        return entries, None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {index.CHALLENGE_VECTOR_COLUMN}::text FROM workflows_challenge")
        return entries, set(cursor.fetchall())


def test_what_each_step_stores_is_what_a_rebuild_stores(network, corpus):
    # Issue 14: a step indexes the records it read under its lock (the evaluations with their
    # trials), in one statement with the row's vector on PostgreSQL; close and reopen index
    # nothing. Each must leave exactly what a rebuild writes.
    evaluated = advance(corpus("Nachtbus fehlt"), State.EVALUATED,
                        actor=network.coordinator, group=network.group)
    revised = advance(corpus("Wohnungen fehlen"), State.TRIALLED,
                      actor=network.coordinator, group=network.group)
    services.challenge_revise_approach(actor=network.coordinator, challenge=revised,
                                       reason="Vermieter springen ab")
    closed = advance(corpus("Sprachkurse voll"), State.ANALYSED,
                     actor=network.coordinator, group=network.group)
    services.challenge_close(actor=network.coordinator, challenge=closed, reason="out_of_scope")
    services.challenge_reopen(actor=network.coordinator, challenge=closed, reason="Doch")
    stored = _stored()

    index.rebuild()

    assert _stored() == stored
    assert found("Vermieter") == ["Wohnungen fehlen"]  # the abandoned trial's reason
    from workflows.search.analysis import terms

    halved = f" {terms('halbiert')[0]} "  # the evaluation's evidence: "Verfahrensdauer halbiert"
    assert halved in ChallengeSearch.objects.get(challenge=evaluated).terms
    assert halved not in ChallengeSearch.objects.get(challenge=revised).terms
