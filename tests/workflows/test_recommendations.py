"""Written recommendations per target group: coordinators write, edit, publish and withdraw
them; every save is a version; a published one cites only published records."""

import pytest

from core.exceptions import (
    ConcurrentChange,
    MissingInput,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from tests.builders import advance, file_challenge
from tests.factories import target_group
from workflows import recommendations as service
from workflows import services
from workflows.models import GoodPractice, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    return advance(challenge, State.EVALUATED, actor=network.group_member, group=network.group)


@pytest.fixture
def draft(network, evaluated):
    return service.recommendation_create(
        actor=network.coordinator, title="Früh mit den Kammern sprechen",
        text="Arbeitgeber sollten …\n\nZweiter Absatz.", target_group=target_group(),
        good_practices=[GoodPractice.objects.get()],
    )


def test_only_coordinators_write(network, evaluated):
    for person in (network.partner, network.group_member, network.stakeholder):
        with pytest.raises(PermissionDenied):
            service.recommendation_create(
                actor=person, title="x", text="y", target_group=target_group()
            )


def test_input_is_checked_all_at_once(network):
    with pytest.raises(MissingInput) as missing:
        service.recommendation_create(
            actor=network.coordinator, title=" ", text="", target_group=None,
            good_practices=[999999],
        )
    assert set(missing.value.fields) == {"title", "text", "target_group", "good_practices"}


def test_publish_needs_published_support_and_is_versioned(network, draft):
    record = GoodPractice.objects.get()
    with pytest.raises(TransitionNotAllowed):
        service.recommendation_publish(actor=network.coordinator, recommendation=draft)
    services.good_practice_publish(actor=network.coordinator, good_practice=record)
    published = service.recommendation_publish(actor=network.coordinator, recommendation=draft)
    assert published.status == "published" and published.published_by == network.coordinator
    # Everyone sees it now; drafts only coordinators.
    assert service.recommendation_detail_for(network.partner, draft.slug) == draft
    with pytest.raises(MissingInput):
        service.recommendation_unpublish(
            actor=network.coordinator, recommendation=draft, reason=""
        )
    service.recommendation_unpublish(
        actor=network.coordinator, recommendation=draft, reason="Überarbeitung"
    )
    with pytest.raises(NotFound):
        service.recommendation_detail_for(network.partner, draft.slug)
    kinds = [v.kind for v in service.recommendation_versions(draft)]
    assert kinds == ["unpublished", "published", "created"]
    assert service.recommendation_versions(draft)[0].note == "Überarbeitung"


def test_a_recommendation_without_support_is_not_published(network):
    bare = service.recommendation_create(
        actor=network.coordinator, title="Ohne Beleg", text="Text", target_group=target_group()
    )
    with pytest.raises(TransitionNotAllowed):
        service.recommendation_publish(actor=network.coordinator, recommendation=bare)


def test_edit_is_versioned_and_refuses_stale_saves(network, draft):
    base = service.recommendation_current_version(draft)
    service.recommendation_edit(
        actor=network.coordinator, recommendation=draft, base_version=base,
        data={"text": "Neuer Text", "good_practices": []},
    )
    draft.refresh_from_db()
    assert draft.text == "Neuer Text" and draft.good_practices.count() == 0
    latest = service.recommendation_versions(draft)[0]
    assert latest.kind == "edited" and latest.changes["text"][1] == "Neuer Text"
    with pytest.raises(ConcurrentChange):
        service.recommendation_edit(
            actor=network.coordinator, recommendation=draft, base_version=base,
            data={"text": "Alt"},
        )
    with pytest.raises(NotFound):
        service.recommendation_edit(
            actor=network.partner, recommendation=draft, data={"text": "x"}
        )
