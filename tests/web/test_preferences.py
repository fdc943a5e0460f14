"""Preferences: immediate mail, digest frequency, language, display name."""

import re

import pytest
from django.test import Client

from notifications.services import preference_for

pytestmark = pytest.mark.django_db


def test_preferences_need_sign_in(db):
    response = Client().get("/preferences/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_preferences_show_the_current_choice(network, sign_in):
    response = sign_in(network.partner).get("/preferences/")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<input type="radio" name="digest" value="weekly"[^>]*checked', body)
    assert re.search(r'<input type="checkbox" name="immediate"[^>]*checked', body)


def test_preferences_are_saved_through_the_services(network, sign_in):
    client = sign_in(network.partner)
    response = client.post(
        "/preferences/",
        {"display_name": "Petra P.", "preferred_language": "en", "digest": "daily"},
    )
    assert response.status_code == 302
    network.partner.refresh_from_db()
    assert network.partner.preferred_language == "en"
    assert network.partner.display_name == "Petra P."
    preference = preference_for(network.partner)
    assert preference.digest == "daily"
    assert preference.immediate is False  # unchecked box
    # The page now answers in English.
    assert "Preferences" in client.get("/preferences/").content.decode()


def test_an_unknown_digest_frequency_is_refused(network, sign_in):
    response = sign_in(network.partner).post(
        "/preferences/",
        {"display_name": "Petra", "preferred_language": "de", "digest": "hourly"},
    )
    assert response.status_code == 400
    assert preference_for(network.partner).digest == "weekly"


def test_an_empty_display_name_is_refused(network, sign_in):
    response = sign_in(network.partner).post(
        "/preferences/", {"display_name": " ", "preferred_language": "de", "digest": "off"}
    )
    assert response.status_code == 400
    network.partner.refresh_from_db()
    assert network.partner.display_name == "Petra Partner"
