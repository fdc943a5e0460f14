"""Editorial work on good-practice records: every trial joins the record, similar approaches
join it by themselves, editors change every field through a service, every save is a version."""

import pytest

from core.exceptions import ConcurrentChange, MissingInput, NotFound, PermissionDenied
from tests.builders import advance, file_challenge
from tests.factories import region, topic
from workflows import editorial, services, similarity
from workflows.models import GoodPractice, State
from workflows.models_editorial import GoodPracticeVersion

pytestmark = pytest.mark.django_db


def _evaluated(network, **extra):
    outcome = extra.pop("outcome", "successful")
    challenge = file_challenge(actor=network.partner, organisation=network.org, **extra)
    return advance(
        challenge, State.EVALUATED, actor=network.group_member, group=network.group,
        outcome=outcome,
    )


def test_later_trials_join_the_evidence_and_lessons_of_the_record(network):
    _evaluated(network)
    record = GoodPractice.objects.get()
    first = (record.evidence, record.lessons_learnt)
    assert first == ("Verfahrensdauer halbiert", "Früh beginnen")
    # A coordinator edits the text; a second trial of the same approach succeeds later.
    editorial.good_practice_edit(
        actor=network.coordinator, good_practice=record,
        data={"evidence": "Dauer von 9 auf 4 Monate gesenkt"},
    )
    second = file_challenge(
        actor=network.partner, organisation=network.org, title="Zweiter Fall", region=region("halle-saale")
    )
    second = advance(second, State.TRIALLED, actor=network.group_member, group=network.group)
    services.challenge_evaluate(
        actor=network.group_member, challenge=second, outcome="partly",
        evidence="Zwei von drei Fällen schneller", lessons_learned="Dolmetschende einplanen",
    )
    record.refresh_from_db()
    assert GoodPractice.objects.count() == 1
    assert record.trial_count == 2 and record.partial_count == 1
    assert record.evidence == "Dauer von 9 auf 4 Monate gesenkt\n\nZwei von drei Fällen schneller"
    assert record.lessons_learnt == "Früh beginnen\n\nDolmetschende einplanen"
    assert len(editorial.good_practice_trials(record)) == 2
    # Recomputing again (a retry, rebuild) joins nothing twice and writes no version.
    versions = record.versions.count()
    from workflows.good_practices import good_practices_rebuild

    good_practices_rebuild()
    record.refresh_from_db()
    assert record.evidence.count("Zwei von drei") == 1
    assert record.versions.count() == versions
    kinds = list(record.versions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["created", "edited", "aggregated"]


def test_an_approach_with_a_near_identical_title_joins_the_existing_record(network):
    _evaluated(network)
    record = GoodPractice.objects.get()
    other = file_challenge(actor=network.partner, organisation=network.org, title="Anderer Fall")
    other = services.challenge_analyse(
        actor=network.group_member, challenge=other, working_group=network.group,
        root_causes="x", affected="y",
    )
    other = services.challenge_propose_approach(
        actor=network.group_member, challenge=other,
        approaches=[services.ApproachInput("Das Lotsen-Programm", "Lotsen begleiten")], selected=0,
    )
    advance(other, State.EVALUATED, actor=network.group_member, group=network.group)
    assert GoodPractice.objects.count() == 1
    assert record.approaches.count() == 2


def test_an_approach_that_only_resembles_a_record_starts_its_own(network):
    _evaluated(network)
    other = file_challenge(actor=network.partner, organisation=network.org, title="Wohnen")
    other = services.challenge_analyse(
        actor=network.group_member, challenge=other, working_group=network.group,
        root_causes="x", affected="y",
    )
    other = services.challenge_propose_approach(
        actor=network.group_member, challenge=other,
        approaches=[services.ApproachInput("Wohnungsbörse für Fachkräfte", "Börse")], selected=0,
    )
    advance(other, State.EVALUATED, actor=network.group_member, group=network.group)
    assert GoodPractice.objects.count() == 2


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("Lotsenprogramm", "Lotsen-Programm", 0.8, 1.0),
        ("Lotsenprogramm", "LOTSENPROGRAMM!", 1.0, 1.0),
        ("Anerkennungsberatung für Pflegekräfte", "Anerkennungsberatung fuer Pflegekraefte", 1.0, 1.0),
        ("Lotsenprogramm", "Lotsenprogramm für Pflegekräfte", 0.5, 0.8),
        ("Lotsenprogramm", "Wohnungsbörse", 0.0, 0.4),
        ("", "Lotsenprogramm", 0.0, 0.0),
    ],
)
def test_similarity_of_titles(a, b, low, high):
    assert low <= similarity.similarity(a, b) <= high


def test_similar_good_practices_ranks_best_first(network):
    _evaluated(network)
    matches = similarity.similar_good_practices("Lotsenprogramm für Pflegekräfte")
    assert [m.title for m in matches] == ["Lotsenprogramm"]
    assert similarity.similar_good_practices("Wohnungsbörse") == []


def test_coordinator_edits_every_field_and_each_save_is_a_version(network):
    _evaluated(network)
    record = GoodPractice.objects.get()
    other_topic = topic("housing")
    base = editorial.good_practice_current_version(record)
    editorial.good_practice_edit(
        actor=network.coordinator, good_practice=record, base_version=base,
        data={
            "title": "Lotsenprogramm Anerkennung", "resources_cost": "2.000 € im Jahr",
            "transferability": "Gut übertragbar", "topics": [other_topic],
        },
    )
    record.refresh_from_db()
    assert record.title == "Lotsenprogramm Anerkennung"
    assert record.resources_cost == "2.000 € im Jahr"
    assert list(record.topics.all()) == [other_topic]
    version = record.versions.order_by("-number").first()
    assert version.kind == GoodPracticeVersion.Kind.EDITED and version.actor == network.coordinator
    assert version.changes["transferability"] == ["", "Gut übertragbar"]
    assert version.snapshot["title"] == "Lotsenprogramm Anerkennung"
    # Saving from an older version is refused, and nothing changes.
    with pytest.raises(ConcurrentChange):
        editorial.good_practice_edit(
            actor=network.coordinator, good_practice=record, base_version=base,
            data={"title": "Überschrieben"},
        )
    # Saving without a change writes no version.
    count = record.versions.count()
    editorial.good_practice_edit(
        actor=network.coordinator, good_practice=record, data={"title": record.title}
    )
    assert record.versions.count() == count
    record.refresh_from_db()
    assert record.title == "Lotsenprogramm Anerkennung"


def test_the_group_edits_its_drafts_only(network):
    _evaluated(network)
    record = GoodPractice.objects.get()
    editorial.good_practice_edit(
        actor=network.group_member, good_practice=record, data={"timescale": "6 Monate"}
    )
    with pytest.raises(NotFound):
        editorial.good_practice_edit(
            actor=network.partner, good_practice=record, data={"timescale": "x"}
        )
    with pytest.raises(NotFound):
        editorial.good_practice_edit(
            actor=network.outsider_member, good_practice=record, data={"timescale": "x"}
        )
    services.good_practice_publish(actor=network.coordinator, good_practice=record)
    with pytest.raises(PermissionDenied):
        editorial.good_practice_edit(
            actor=network.group_member, good_practice=record, data={"timescale": "x"}
        )
    with pytest.raises(PermissionDenied):
        editorial.good_practice_edit(
            actor=network.partner, good_practice=record, data={"timescale": "x"}
        )
    record.refresh_from_db()
    assert record.timescale == "6 Monate"


def test_edit_refuses_bad_input(network):
    _evaluated(network)
    record = GoodPractice.objects.get()
    with pytest.raises(MissingInput) as missing:
        editorial.good_practice_edit(
            actor=network.coordinator, good_practice=record, data={"title": "  "}
        )
    assert "title" in missing.value.fields
    with pytest.raises(MissingInput):
        editorial.good_practice_edit(
            actor=network.coordinator, good_practice=record, data={"status": "published"}
        )
    record.refresh_from_db()
    assert record.title == "Lotsenprogramm" and record.status == "draft"


def test_publish_and_unpublish_are_versions_and_unpublish_needs_a_reason(network):
    _evaluated(network)
    record = GoodPractice.objects.get()
    services.good_practice_publish(actor=network.coordinator, good_practice=record)
    with pytest.raises(MissingInput):
        services.good_practice_unpublish(actor=network.coordinator, good_practice=record, reason="")
    record.refresh_from_db()
    assert record.status == "published"
    services.good_practice_unpublish(
        actor=network.coordinator, good_practice=record, reason="Zahlen veraltet"
    )
    latest = record.versions.order_by("-number")[:2]
    assert [v.kind for v in latest] == ["unpublished", "published"]
    assert latest[0].note == "Zahlen veraltet"
    assert latest[0].changes["status"] == ["published", "draft"]


def test_drafts_to_review(network):
    _evaluated(network)
    record = GoodPractice.objects.get()
    assert editorial.good_practice_drafts_for(network.coordinator) == [record]
    assert editorial.good_practice_drafts_for(network.group_member) == [record]
    assert editorial.good_practice_drafts_for(network.outsider_member) == []
    assert editorial.good_practice_drafts_for(network.partner) == []
    services.good_practice_publish(actor=network.coordinator, good_practice=record)
    assert editorial.good_practice_drafts_for(network.coordinator) == []
