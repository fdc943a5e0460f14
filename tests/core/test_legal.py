"""Privacy notice and imprint: public pages with the operator's text (or the shipped template
with marked placeholders), linked in every page footer and in every mail."""

import datetime

import pytest
import time_machine
from django.test import Client

from core.models import LegalNotice
from notifications import services as notification_services
from notifications.models import OutgoingMail
from tests.builders import file_challenge
from tests.notifications.support import prefer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path,german,english",
    [
        ("/privacy/", "Datenschutzerklärung", "Privacy notice"),
        ("/imprint/", "Angaben nach § 5 Digitale-Dienste-Gesetz (DDG)", "Information under § 5"),
    ],
)
def test_the_shipped_templates_are_public_in_both_languages(path, german, english):
    german_page = Client().get(path)
    assert german_page.status_code == 200 and german in german_page.content.decode()
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    assert english in english_client.get(path).content.decode()
    # The operator's details are clearly marked placeholders.
    assert '<mark class="placeholder">[[' in german_page.content.decode()


def test_the_operators_text_replaces_the_template_and_is_escaped():
    LegalNotice.objects.create(
        privacy_de="# Datenschutz beim Verein X\n\nVerantwortlich: Verein X <script>alert(1)</script>",
        imprint_en="# Imprint of Verein X\n\n- Main street 1\n- 39104 Magdeburg",
    )
    body = Client().get("/privacy/").content.decode()
    assert "Datenschutz beim Verein X" in body and "<mark" not in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    english = Client()
    english.cookies["django_language"] = "en"
    assert "<li>Main street 1</li>" in english.get("/imprint/").content.decode()
    # Empty German imprint: the shipped template still fills the gap.
    assert "Impressum" in Client().get("/imprint/").content.decode()


@pytest.mark.parametrize("path", ["/good-practices/", "/sign-in/", "/privacy/"])
def test_every_page_footer_links_both(path):
    body = Client().get(path).content.decode()
    assert 'href="/privacy/"' in body and 'href="/imprint/"' in body


def test_every_mail_links_both(network, settings):
    settings.SITE_URL = "https://netz.example"
    prefer(network.stakeholder, digest="daily", immediate=True)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 4, 0, tzinfo=datetime.UTC), tick=False):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
        from workflows import services

        services.challenge_follow(actor=network.stakeholder, challenge=challenge)
        services.comment_add(actor=network.coordinator, challenge=challenge, body="Wir prüfen das.")
        for event in challenge.events.all():
            notification_services.event_fan_out(event_id=event.pk)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC), tick=False):
        notification_services.digests_send(period="daily")
    kinds = set(OutgoingMail.objects.values_list("kind", flat=True))
    assert {"event", "digest"} <= kinds
    for mail in OutgoingMail.objects.all():
        assert "https://netz.example/privacy/" in mail.body_text, mail.kind
        assert "https://netz.example/imprint/" in mail.body_text
        assert 'href="https://netz.example/privacy/"' in mail.body_html
