"""Editorial work through the API, with the pages' rules: coordinators write, edit (409 on a
stale ``base_version``), publish and withdraw recommendations (with a reason) and publish or
withdraw good-practice records; the public reads published recommendations per target group."""

import pytest

from tests.builders import advance, file_challenge
from tests.factories import target_group
from workflows import recommendations as service
from workflows.models import GoodPractice, State
from workflows.models_editorial import Recommendation

from .conftest import client_for

pytestmark = pytest.mark.django_db

LIST = "/api/v1/recommendations/"


@pytest.fixture
def record(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    advance(challenge, State.EVALUATED, actor=network.group_member, group=network.group)
    return GoodPractice.objects.get()


def _write(client, record, **extra):
    return client.post(LIST, {
        "title": "Früh mit den Kammern sprechen", "text": "Arbeitgeber sollten früh beginnen.",
        "target_group": target_group().pk, "good_practices": [record.pk], **extra,
    }, format="json")


def test_a_coordinator_writes_edits_publishes_and_withdraws(network, record):
    coordinator = client_for(network.coordinator)
    created = _write(coordinator, record)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["version"]) == ("draft", 1)
    assert [r["id"] for r in body["good_practices"]] == [record.pk]
    url = f"{LIST}{body['id']}/"

    # A draft record cannot support a published recommendation: 409, nothing changes.
    refused = coordinator.post(url + "publish/")
    assert refused.status_code == 409 and "Beispiele guter Praxis" in refused.json()["detail"]
    assert coordinator.post(f"/api/v1/good-practices/{record.pk}/publish/").json()["status"] == (
        "published"
    )
    published = coordinator.post(url + "publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"

    # Edits name the version they read.
    stale = coordinator.patch(url, {"base_version": 1, "title": "Neu"}, format="json")
    assert stale.status_code == 409
    edited = coordinator.patch(
        url, {"base_version": published.json()["version"], "title": "Früh beginnen"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["title"] == "Früh beginnen"
    assert edited.json()["version"] == published.json()["version"] + 1

    # Withdrawing needs a reason.
    assert coordinator.post(url + "unpublish/", {"reason": " "}, format="json").status_code == 400
    withdrawn = coordinator.post(url + "unpublish/", {"reason": "Veraltet"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "draft"
    assert service.recommendation_versions(Recommendation.objects.get())[0].note == "Veraltet"


def test_the_public_reads_published_ones_per_target_group(network, record):
    coordinator = client_for(network.coordinator)
    coordinator.post(f"/api/v1/good-practices/{record.pk}/publish/")
    draft = _write(coordinator, record).json()
    shown = _write(coordinator, record, title="Sprachkurse im Betrieb").json()
    coordinator.post(f"{LIST}{shown['id']}/publish/")

    public = client_for(None).get(LIST).json()
    assert [r["title"] for r in public["results"]] == ["Sprachkurse im Betrieb"]
    assert client_for(None).get(f"{LIST}{draft['id']}/").status_code == 404
    assert len(coordinator.get(LIST).json()["results"]) == 2
    slug = shown["target_group"]["slug"]
    assert len(client_for(None).get(LIST, {"target_group": slug}).json()["results"]) == 1
    assert client_for(None).get(LIST, {"target_group": "keine-gruppe"}).json()["results"] == []
    assert client_for(None).get(LIST, {"target_group": "ä\x00!"}).status_code == 400
    assert client_for(None).get(LIST + "?target_group=").status_code == 400


@pytest.mark.parametrize("role,status", [("partner", 403), ("group_member", 403), (None, 401)])
def test_only_coordinators_write_or_publish(network, record, role, status):
    client = client_for(getattr(network, role) if role else None)
    assert _write(client, record).status_code == status
    assert client.post(f"/api/v1/good-practices/{record.pk}/publish/").status_code in (status, 404)
    assert Recommendation.objects.count() == 0
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.DRAFT


def test_bad_input_is_a_field_error(network, record):
    response = _write(client_for(network.coordinator), record, title="", target_group=10**9)
    assert response.status_code == 400
    assert {"title", "target_group"} <= set(response.json())
    assert Recommendation.objects.count() == 0


def test_a_good_practice_is_withdrawn_with_a_reason(network, record):
    coordinator = client_for(network.coordinator)
    coordinator.post(f"/api/v1/good-practices/{record.pk}/publish/")
    url = f"/api/v1/good-practices/{record.pk}/unpublish/"
    assert coordinator.post(url, {}, format="json").status_code == 400
    withdrawn = coordinator.post(url, {"reason": "Die Zahlen sind veraltet."}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "draft"


def test_the_list_reads_in_the_same_queries_for_2_and_10(network, record, django_assert_num_queries):
    record.status = GoodPractice.Status.PUBLISHED
    record.save(update_fields=["status"])

    def publish(n):
        for i in range(n):
            rec = service.recommendation_create(
                actor=network.coordinator, title=f"Empfehlung {Recommendation.objects.count()}",
                text="Text", target_group=target_group(), good_practices=[record],
            )
            service.recommendation_publish(actor=network.coordinator, recommendation=rec)

    anonymous = client_for(None)
    publish(2)
    # count, the page of recommendations with their target group, their supporting records
    with django_assert_num_queries(3):
        assert len(anonymous.get(LIST).json()["results"]) == 2
    publish(8)
    with django_assert_num_queries(3):
        assert len(anonymous.get(LIST).json()["results"]) == 10
