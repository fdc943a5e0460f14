"""Issue 15: the account page shows name, address, language, time zone, mail preferences,
two-factor sign-in, API tokens and the data export together, each with its way to change it."""

from __future__ import annotations

import pytest
from django.test import Client

from core import email_change
from notifications import services as notification_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_every_setting_together(django_assert_max_num_queries):
    person = UserFactory(display_name="Petra", email="petra@example.org", time_zone="Europe/London")
    notification_services.preference_update(actor=person, immediate=False, digest="daily")
    email_change.email_change_request(actor=person, new_email="neu@example.org",
                                      password="pass-word-123")
    client = Client()
    client.force_login(person)
    # session, user, pending change, mail preference, 2FA device, token count (+ savepoints)
    with django_assert_max_num_queries(10):
        body = client.get("/account/").content.decode()
    profile = body[body.index('id="account-profile"'):body.index('id="account-mail"')]
    for expected in ("Petra", "petra@example.org", "Deutsch", "Europe/London",
                     "Wartet auf Bestätigung: neu@example.org"):
        assert expected in profile
    mail_part = body[body.index('id="account-mail"'):]
    assert "Zusammenfassung</dt><dd>täglich" in mail_part
    assert "denen Sie folgen</dt><dd>aus" in mail_part
    for link in ("/preferences/", "/account/email/", "/account/password/",
                 "/account/two-factor/", "/account/api-tokens/", "/my-data/export/"):
        assert f'href="{link}"' in body
