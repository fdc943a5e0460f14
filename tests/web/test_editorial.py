"""The editorial pages of good-practice records: edit, preview, drafts to review, trials and
versions on the record's page, similar records offered."""

import pytest
from django.test import Client

from workflows.models import GoodPractice

pytestmark = pytest.mark.django_db


def test_the_record_page_lists_every_trial(network, sign_in, published):
    page = Client().get(f"/good-practices/{published.slug}/").content.decode()
    assert page.count('class="trial-row"') == 1
    assert "IHK Magdeburg" in page and "Verfahrensdauer halbiert" in page and "Früh beginnen" in page
    # Versions are for editors, not the public.
    assert "Versionen" not in page
    assert "Versionen" in sign_in(network.coordinator).get(
        f"/good-practices/{published.slug}/"
    ).content.decode()


def test_a_coordinator_edits_every_field_on_the_page(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    coordinator = sign_in(network.coordinator)
    form = coordinator.get(f"/good-practices/{record.slug}/edit/")
    assert form.status_code == 200
    body = form.content.decode()
    for name in ("resources_cost", "resources_staff", "resources_time", "transferability",
                 "timescale", "difficulties", "partners", "regions", "contact"):
        assert f'name="{name}"' in body
    data = {
        "base_version": form.context["form"].initial["base_version"],
        "title": "Lotsenprogramm Anerkennung",
        "problem": record.problem, "approach": record.approach,
        "resources_cost": "2.000 € im Jahr", "transferability": "Gut übertragbar",
        "target_groups": [t.pk for t in record.target_groups.all()],
    }
    response = coordinator.post(f"/good-practices/{record.slug}/edit/", data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.resources_cost == "2.000 € im Jahr"
    assert record.transferability == "Gut übertragbar"
    page = coordinator.get(f"/good-practices/{record.slug}/").content.decode()
    assert "Gut übertragbar" in page and "bearbeitet" in page
    # A second save from the same, now old, version is refused with 409 and changes nothing.
    data["title"] = "Überschrieben"
    stale = coordinator.post(f"/good-practices/{record.slug}/edit/", data)
    assert stale.status_code == 409
    record.refresh_from_db()
    assert record.title == "Lotsenprogramm Anerkennung"


def test_an_empty_title_is_a_clear_400(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    coordinator = sign_in(network.coordinator)
    response = coordinator.post(
        f"/good-practices/{record.slug}/edit/", {"base_version": 1, "title": ""}
    )
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


def test_who_may_open_the_editor(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    url = f"/good-practices/{record.slug}/edit/"
    assert sign_in(network.group_member).get(url).status_code == 200
    assert sign_in(network.partner).get(url).status_code == 404
    assert sign_in(network.outsider_member).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_preview_shows_the_public_page_without_editor_controls(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    page = sign_in(network.coordinator).get(f"/good-practices/{record.slug}/preview/")
    body = page.content.decode()
    assert page.status_code == 200 and "Vorschau" in body and record.title in body
    assert f"/good-practices/{record.slug}/edit/" not in body
    assert sign_in(network.partner).get(f"/good-practices/{record.slug}/preview/").status_code == 404


def test_drafts_to_review_on_the_coordinators_work_page(network, sign_in, evaluated):
    record = GoodPractice.objects.get()
    page = sign_in(network.coordinator).get("/").content.decode()
    assert "Zu prüfende Beispiele guter Praxis" in page and record.title in page
    assert "Zu prüfende" not in sign_in(network.partner).get("/").content.decode()


def test_similar_records_are_offered_for_a_title(network, sign_in, published):
    body = Client().get("/good-practices/similar/", {"title": "Lotsen-Programm"}).content.decode()
    assert published.title in body and f'data-good-practice="{published.pk}"' in body
    none = Client().get("/good-practices/similar/", {"title": "Wohnungsbörse"}).content.decode()
    assert "Kein vorhandenes Beispiel" in none
