"""The good-practice catalogue and the reference data."""

from __future__ import annotations

import pytest

from core.models import Organisation
from tests.builders import advance, file_challenge
from tests.factories import OrganisationFactory
from workflows import services
from workflows.models import GoodPractice, State

from .conftest import client_for


@pytest.fixture
def records(network):
    """One published record and one draft, both of ``network.group``."""
    for title in ("Lotsenprogramm", "Sprachcafé"):
        challenge = advance(
            file_challenge(actor=network.partner, organisation=network.org),
            State.ANALYSED,
            actor=network.coordinator,
            group=network.group,
        )
        challenge = services.challenge_propose_approach(
            actor=network.group_member,
            challenge=challenge,
            approaches=[services.ApproachInput(title, "So geht es")],
        )
        advance(challenge, State.EVALUATED, actor=network.coordinator, group=network.group)
    published = GoodPractice.objects.get(title="Lotsenprogramm")
    services.good_practice_publish(actor=network.coordinator, good_practice=published)
    return published, GoodPractice.objects.get(title="Sprachcafé")


@pytest.mark.parametrize(
    "role, sees_draft",
    [
        ("anonymous", False),
        ("partner", False),
        ("stakeholder", False),
        ("outsider_member", False),  # another working group's draft
        ("group_member", True),  # their own group's draft
        ("coordinator", True),
    ],
)
def test_drafts_only_for_coordinators_and_their_group(network, records, role, sees_draft):
    published, draft = records
    client = client_for(None if role == "anonymous" else getattr(network, role))

    listed = {row["id"] for row in client.get("/api/v1/good-practices/").json()["results"]}
    draft_response = client.get(f"/api/v1/good-practices/{draft.pk}/")

    assert listed == ({published.pk, draft.pk} if sees_draft else {published.pk})
    assert client.get(f"/api/v1/good-practices/{published.pk}/").status_code == 200
    assert draft_response.status_code == (200 if sees_draft else 404)


def test_a_published_record_shows_the_european_fields(network, records):
    published, _draft = records

    body = client_for(None).get(f"/api/v1/good-practices/{published.pk}/").json()

    assert body["title"] == "Lotsenprogramm"
    assert body["status"] == "published"
    assert body["trial_count"] == 1 and body["success_count"] == 1
    assert [r["slug"] for r in body["regions"]] == ["magdeburg"]
    assert {"problem", "approach", "transferability", "lessons_learnt", "evidence"} <= set(body)


def test_good_practices_are_not_created_and_their_status_is_not_edited_here(network, records):
    published, _draft = records
    client = client_for(network.coordinator)

    assert client.post("/api/v1/good-practices/", {"title": "x"}, format="json").status_code == 405
    # an edit names the version it read; status is no editorial field (publish/withdraw are
    # their own steps), so it is never taken from a PATCH
    assert client.patch(
        f"/api/v1/good-practices/{published.pk}/", {"status": "draft"}, format="json"
    ).status_code == 400
    version = client.get(f"/api/v1/good-practices/{published.pk}/").json()["version"]
    assert client.patch(
        f"/api/v1/good-practices/{published.pk}/", {"status": "draft", "base_version": version},
        format="json",
    ).status_code == 200
    published.refresh_from_db()
    assert published.status == "published"
    assert published.versions.count() == version  # nothing changed: no new version


def test_organisations_lists_admitted_ones_and_coordinators_also_see_applications(network):
    pending = OrganisationFactory(name="Neuer Verein", status=Organisation.Status.PENDING)

    as_partner = client_for(network.partner).get("/api/v1/organisations/").json()
    as_coordinator = client_for(network.coordinator).get("/api/v1/organisations/").json()

    assert pending.pk not in {o["id"] for o in as_partner}
    assert {o["status"] for o in as_partner} == {"admitted"}
    assert pending.pk in {o["id"] for o in as_coordinator}


def test_working_groups_topics_regions_and_target_groups(network):
    client = client_for(network.partner)

    groups = client.get("/api/v1/working-groups/").json()
    regions = client.get("/api/v1/regions/").json()
    topics = client_for(None).get("/api/v1/topics/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert {g["name"] for g in groups} == {"AG Anerkennung", "AG Wohnen"}
    assert len(regions) == 15  # 11 districts, 3 independent cities, the whole state
    recognition = next(t for t in topics if t["slug"] == "recognition")
    assert recognition["name"] == recognition["name_en"]
    assert client_for(None).get("/api/v1/target-groups/").status_code == 200
