"""The public good-practice catalogue, record pages, publishing and recommendations."""

import pytest
from django.test import Client

from tests.factories import topic
from workflows.models import GoodPractice

pytestmark = pytest.mark.django_db


def test_catalogue_is_public(network, published):
    body = Client().get("/good-practices/").content.decode()
    assert published.title in body
    # The public start page (issue 13) shows the latest published records too.
    home = Client().get("/")
    assert home.status_code == 200 and published.title in home.content.decode()


def test_drafts_are_hidden_from_the_public_and_shown_to_coordinators(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    assert record.title not in Client().get("/good-practices/").content.decode()
    assert Client().get(f"/good-practices/{record.slug}/").status_code == 404
    assert sign_in(network.partner).get(f"/good-practices/{record.slug}/").status_code == 404
    coordinator = sign_in(network.coordinator)
    assert record.title in coordinator.get("/good-practices/").content.decode()
    page = coordinator.get(f"/good-practices/{record.slug}/").content.decode()
    assert "Veröffentlichen" in page
    # The working group sees its own draft, without the button.
    group_page = sign_in(network.group_member).get(f"/good-practices/{record.slug}/")
    assert group_page.status_code == 200 and "Veröffentlichen" not in group_page.content.decode()


def test_a_coordinator_publishes_a_draft_after_confirming(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    coordinator = sign_in(network.coordinator)
    confirm = coordinator.get(f"/good-practices/{record.slug}/publish/").content.decode()
    assert "Jetzt veröffentlichen" in confirm and record.title in confirm
    # Without the box ticked nothing is published.
    assert coordinator.post(f"/good-practices/{record.slug}/publish/").status_code == 400
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.DRAFT
    response = coordinator.post(f"/good-practices/{record.slug}/publish/", {"confirmed": "on"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.PUBLISHED
    assert record.title in Client().get("/good-practices/").content.decode()


def test_a_coordinator_withdraws_a_record_with_a_reason(network, sign_in, published):
    coordinator = sign_in(network.coordinator)
    url = f"/good-practices/{published.slug}/unpublish/"
    assert coordinator.post(url, {"reason": " "}).status_code == 400
    published.refresh_from_db()
    assert published.status == GoodPractice.Status.PUBLISHED
    coordinator.post(url, {"reason": "Zahlen veraltet"})
    published.refresh_from_db()
    assert published.status == GoodPractice.Status.DRAFT
    page = coordinator.get(f"/good-practices/{published.slug}/").content.decode()
    assert "Zahlen veraltet" in page


def test_a_group_member_may_not_publish(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    response = sign_in(network.group_member).post(
        f"/good-practices/{record.slug}/publish/", {"confirmed": "on"}, follow=True
    )
    assert "Nur die Koordination veröffentlicht" in response.content.decode()
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.DRAFT


def test_a_partner_publishing_a_draft_gets_404(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    assert sign_in(network.partner).post(f"/good-practices/{record.slug}/publish/").status_code == 404
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.DRAFT


def test_anonymous_publishing_is_sent_to_sign_in(evaluated):
    record = GoodPractice.objects.get()
    response = Client().post(f"/good-practices/{record.slug}/publish/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_record_page_shows_the_record_and_hides_invisible_sources(network, published):
    body = Client().get(f"/good-practices/{published.slug}/").content.decode()
    for text in ("Lotsenprogramm", "Lotsen begleiten das Verfahren", "Verfahrensdauer halbiert",
                 "Magdeburg", "IHK Magdeburg", "Arbeitgeber"):
        assert text in body, text
    assert "/challenges/" not in body  # the public sees no link into the challenges


def test_catalogue_filters(network, published):
    def listed(query):
        return published.title in Client().get("/good-practices/?" + query).content.decode()

    assert listed("target_group=employers")
    assert not listed("target_group=families")
    assert listed("region=magdeburg")
    assert not listed("region=harz")
    assert listed(f"topic={topic().pk}")
    assert not listed(f"topic={topic('housing').pk}")


def test_recommendations_gather_the_published_records_of_a_target_group(network, published):
    page = Client().get("/recommendations/employers/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Handlungsempfehlungen für Arbeitgeber" in body and published.title in body
    assert 'media="print"' in body  # the print stylesheet
    other = Client().get("/recommendations/families/").content.decode()
    assert published.title not in other


def test_recommendations_leave_out_drafts(network, evaluated):
    assert GoodPractice.objects.get().title not in Client().get(
        "/recommendations/employers/"
    ).content.decode()


def test_unknown_target_group_is_404(db):
    assert Client().get("/recommendations/nobody/").status_code == 404


def test_recommendations_in_english(network, published):
    client = Client()
    client.cookies["django_language"] = "en"
    body = client.get("/recommendations/employers/").content.decode()
    assert "Recommendations for Employers" in body
