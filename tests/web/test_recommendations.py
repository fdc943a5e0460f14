"""Pages of written recommendations: per target group, write, publish with confirmation,
print and PDF."""

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import target_group
from workflows import recommendations as service
from workflows import services
from workflows.models import GoodPractice, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(network, published):
    return service.recommendation_create(
        actor=network.coordinator, title="Früh mit den Kammern sprechen",
        text="Arbeitgeber sollten früh mit den Kammern sprechen.\n\nZweiter Absatz.",
        target_group=target_group(), good_practices=[published],
    )


def test_a_coordinator_writes_and_publishes_after_confirming(network, sign_in, published):
    coordinator = sign_in(network.coordinator)
    employers = target_group()
    page = coordinator.get(f"/recommendations/{employers.slug}/").content.decode()
    assert f"/recommendations/new/?target_group={employers.slug}" in page
    form = coordinator.get(f"/recommendations/new/?target_group={employers.slug}")
    assert form.status_code == 200
    response = coordinator.post("/recommendations/new/", {
        "title": "Lotsen einsetzen", "target_group": employers.pk,
        "text": "Setzen Sie Lotsen ein.", "good_practices": [published.pk],
    })
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert recommendation.status == "draft"
    # Not public yet.
    assert Client().get(f"/recommendation/{recommendation.slug}/").status_code == 404
    url = f"/recommendation/{recommendation.slug}/publish/"
    assert "Jetzt veröffentlichen" in coordinator.get(url).content.decode()
    assert coordinator.post(url).status_code == 400
    assert coordinator.post(url, {"confirmed": "on"}).status_code == 302
    public = Client().get(f"/recommendations/{employers.slug}/").content.decode()
    assert "Lotsen einsetzen" in public


def test_bad_input_is_a_clear_400(network, sign_in):
    response = sign_in(network.coordinator).post("/recommendations/new/", {"title": "x"})
    assert response.status_code == 400
    assert Recommendation.objects.count() == 0


def test_others_may_not_write(network, sign_in):
    assert sign_in(network.partner).get("/recommendations/new/").status_code == 404
    assert sign_in(network.group_member).get("/recommendations/new/").status_code == 404


def test_printable_page_names_network_date_and_address(network, sign_in, written):
    written = service.recommendation_publish(actor=network.coordinator, recommendation=written)
    response = Client().get(f"/recommendation/{written.slug}/")
    body = response.content.decode()
    assert "Willkommensnetz Sachsen-Anhalt" in body
    assert f"http://testserver/recommendation/{written.slug}/" in body
    assert timezone.localdate(written.published_at).strftime("%d.%m.%Y") in body
    assert 'class="print-masthead' in body
    css = open("static/css/print.css").read()
    assert ".print-masthead" in css


def test_pdf(network, written):
    service.recommendation_publish(actor=network.coordinator, recommendation=written)
    response = Client().get(f"/recommendation/{written.slug}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Client().get("/recommendation/nothing-here/pdf/").status_code == 404


def test_published_recommendations_hide_draft_records_from_the_public(network, sign_in, written):
    service.recommendation_publish(actor=network.coordinator, recommendation=written)
    record = GoodPractice.objects.get()
    services.good_practice_unpublish(actor=network.coordinator, good_practice=record, reason="alt")
    body = Client().get(f"/recommendation/{written.slug}/").content.decode()
    assert record.title not in body
