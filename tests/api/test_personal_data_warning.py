"""The API refuses challenge text that looks like it names a person with a 400 whose field
error names what was found, until the client sends ``confirm_personal_data: true``."""

import pytest

from tests.api.conftest import client_for
from tests.api.test_challenges import filing_input
from tests.builders import file_challenge
from workflows.models import Challenge

pytestmark = pytest.mark.django_db


def test_filing_with_an_email_address_is_a_400_naming_it(network):
    response = client_for(network.partner).post(
        "/api/v1/challenges/",
        filing_input(network, description="Ansprechpartnerin: jana.k@example.org"),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "jana.k@example.org" in body["confirm_personal_data"][0]
    assert not Challenge.objects.exists()


def test_confirmed_filing_is_saved(network):
    response = client_for(network.partner).post(
        "/api/v1/challenges/",
        filing_input(network, description="Ansprechpartnerin: jana.k@example.org",
                     confirm_personal_data=True),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert "confirm_personal_data" not in response.json()


def test_patch_with_a_phone_number_is_refused(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    client = client_for(network.partner)
    url = f"/api/v1/challenges/{challenge.pk}/"
    response = client.patch(url, {"title": "Rückruf 0171 2345678"}, format="json")
    assert response.status_code == 400 and "0171 2345678" in response.json()["confirm_personal_data"][0]
    challenge.refresh_from_db()
    assert challenge.title == "Anerkennung dauert zu lange"
    response = client.patch(url, {"title": "Rückruf 0171 2345678", "confirm_personal_data": True},
                            format="json")
    assert response.status_code == 200 and response.json()["title"] == "Rückruf 0171 2345678"
