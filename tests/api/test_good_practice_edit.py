"""Editing a good-practice record through the API: the page's rules (coordinators every
record, the authoring group its drafts), the page's input limits, versioned like a save on
the page, and a save over a newer one refused (409)."""

from __future__ import annotations

import pytest

from tests.factories import region
from workflows import editorial
from workflows.models_editorial import GoodPracticeVersion

from .conftest import client_for
from .test_good_practices_and_reference import records  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def url(record) -> str:
    return f"/api/v1/good-practices/{record.pk}/"


def test_a_coordinator_edits_a_record_and_it_is_a_new_version(network, records):  # noqa: F811
    published, _draft = records
    client = client_for(network.coordinator)
    read = client.get(url(published)).json()
    other_region = region("halle-saale")

    response = client.patch(url(published), {
        "base_version": read["version"],
        "transferability": "  Übertragbar auf jeden Landkreis mit Ausländerbehörde. ",
        "regions": [other_region.pk],
    }, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["transferability"] == "Übertragbar auf jeden Landkreis mit Ausländerbehörde."
    assert [r["slug"] for r in body["regions"]] == ["halle-saale"]
    assert body["version"] == read["version"] + 1
    version = published.versions.order_by("-number").first()
    assert version.kind == GoodPracticeVersion.Kind.EDITED and version.actor == network.coordinator
    assert set(version.changes) == {"transferability", "regions"}


def test_the_authoring_group_edits_its_draft_but_not_its_published_record(network, records):  # noqa: F811
    published, draft = records
    client = client_for(network.group_member)
    version = editorial.good_practice_current_version(draft)

    assert client.patch(url(draft), {"base_version": version, "contact": "ag@example.org"},
                        format="json").status_code == 200
    refused = client.patch(url(published), {
        "base_version": editorial.good_practice_current_version(published), "contact": "x",
    }, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.contact == "ag@example.org" and published.contact != "x"


@pytest.mark.parametrize("role, status", [
    ("anonymous", 401), ("partner", 403), ("stakeholder", 403), ("outsider_member", 404),
])
def test_others_may_not_edit(network, records, role, status):  # noqa: F811
    published, draft = records
    client = client_for(None if role == "anonymous" else getattr(network, role))
    # the draft is invisible to all of them; the published record visible to the signed-in
    target = draft if status == 404 else published
    response = client.patch(url(target), {"base_version": 0, "title": "Gekapert"}, format="json")
    assert response.status_code == status
    target.refresh_from_db()
    assert target.title != "Gekapert"


def test_bad_input_is_a_field_error_and_changes_nothing(network, records):  # noqa: F811
    published, _draft = records
    client = client_for(network.coordinator)
    version = editorial.good_practice_current_version(published)
    cases = [
        ({"base_version": version, "title": ""}, "title"),
        ({"base_version": version, "title": "x" * 201}, "title"),  # the page's limit
        ({"base_version": version, "contact": "x" * 201}, "contact"),
        ({"base_version": version, "regions": ["magdeburg"]}, "regions"),
        ({"base_version": version, "regions": [999999]}, "regions"),
        ({"base_version": version, "evidence": 12}, "evidence"),
        ({"title": "Ohne Version"}, "base_version"),
    ]
    for body, field in cases:
        response = client.patch(url(published), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), body
    assert editorial.good_practice_current_version(published) == version


def test_a_save_over_a_newer_one_is_refused(network, records):  # noqa: F811
    published, _draft = records
    client = client_for(network.coordinator)
    read = client.get(url(published)).json()["version"]
    editorial.good_practice_edit(actor=network.coordinator, good_practice=published, data={"contact": "neu"})

    response = client.patch(url(published), {"base_version": read, "contact": "alt"}, format="json")

    assert response.status_code == 409
    published.refresh_from_db()
    assert published.contact == "neu"
