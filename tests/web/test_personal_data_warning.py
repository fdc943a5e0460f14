"""The filing and edit forms warn before saving text that looks like it names a person; the
person corrects it or ticks the confirmation that then appears."""

import pytest

from tests.builders import file_challenge
from tests.factories import region, target_group, topic
from workflows.models import Challenge

pytestmark = pytest.mark.django_db


def _form(network, **overrides):
    return {
        "organisation": network.org.pk,
        "title": "Wohnung fehlt",
        "description": "Kontakt: Herr A., Tel. 0391 1234567, Hauptstraße 12.",
        "topic": topic("housing").pk,
        "target_groups": [target_group().pk],
        "region": region().pk,
        "visibility": "network",
        **overrides,
    }


def test_the_form_is_shown_again_with_the_warning_and_a_confirmation(network, sign_in):
    client = sign_in(network.partner)
    assert 'type="checkbox" name="confirm_personal_data"' not in client.get("/challenges/new/").content.decode()
    response = client.post("/challenges/new/", _form(network))
    body = response.content.decode()
    assert response.status_code == 400 and not Challenge.objects.exists()
    assert "Telefonnummer" in body and "0391 1234567" in body and "Hauptstraße 12" in body
    assert 'type="checkbox" name="confirm_personal_data"' in body
    # What was typed is kept, so the person can correct it.
    assert "Kontakt: Herr A., Tel. 0391 1234567" in body


def test_corrected_text_is_saved(network, sign_in):
    client = sign_in(network.partner)
    response = client.post("/challenges/new/", _form(network, description="Wohnungen fehlen."))
    assert response.status_code == 302 and Challenge.objects.get().description == "Wohnungen fehlen."


def test_confirmed_text_is_saved(network, sign_in):
    response = sign_in(network.partner).post(
        "/challenges/new/", _form(network, confirm_personal_data="on")
    )
    assert response.status_code == 302
    assert "0391 1234567" in Challenge.objects.get().description


def test_the_edit_form_warns_too(network, sign_in):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    data = _form(network, description="Rückruf an mia@example.org")
    data.pop("organisation")
    response = sign_in(network.partner).post(f"/challenges/{challenge.pk}/edit/", data)
    assert response.status_code == 400 and "mia@example.org" in response.content.decode()
    challenge.refresh_from_db()
    assert "mia@example.org" not in challenge.description
