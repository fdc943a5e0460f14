"""Issue 15: the chosen language persists for the person (every session and device, their
mail), visitors keep a cookie; the time zone likewise is the person's on every request and in
their mail."""

from __future__ import annotations

import datetime

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from core.middleware import UserLanguageMiddleware
from notifications import mail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory(display_name="Petra", preferred_language="de")


def test_the_switch_stores_the_language_of_a_signed_in_person(person):
    laptop = Client()
    laptop.force_login(person)
    response = laptop.post("/i18n/setlang/", {"language": "en", "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    person.refresh_from_db()
    assert person.preferred_language == "en"
    # Another device, with a stale German cookie of its own: the person's language wins.
    phone = Client()
    phone.cookies["django_language"] = "de"
    phone.force_login(person)
    assert '<html lang="en">' in phone.get("/account/").content.decode()


def test_a_visitor_keeps_the_language_in_a_cookie_only(person):
    visitor = Client()
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in visitor.get("/privacy/").content.decode()
    person.refresh_from_db()
    assert person.preferred_language == "de"


def test_an_unknown_language_changes_nothing(person):
    client = Client()
    client.force_login(person)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    person.refresh_from_db()
    assert person.preferred_language == "de"


def test_the_preferences_page_stores_the_time_zone(person):
    client = Client()
    client.force_login(person)
    form = {"display_name": "Petra", "preferred_language": "de", "digest": "off"}
    assert client.post("/preferences/", {**form, "time_zone": "America/New_York"}).status_code == 302
    person.refresh_from_db()
    assert person.time_zone == "America/New_York"
    refused = client.post("/preferences/", {**form, "time_zone": "Mars/Olympus_Mons"})
    assert refused.status_code == 400
    person.refresh_from_db()
    assert person.time_zone == "America/New_York"


def test_each_request_runs_in_the_persons_language_and_zone(person):
    person.preferred_language = "en"
    person.time_zone = "Asia/Tokyo"
    seen = {}

    def view(request):
        seen["language"] = translation.get_language()
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = person
    UserLanguageMiddleware(view)(request)
    assert seen == {"language": "en", "zone": "Asia/Tokyo"}
    # ... and only that request: the next one starts from the site's zone again
    assert timezone.get_current_timezone_name() == "Europe/Berlin"


def test_mail_is_rendered_in_the_persons_language_and_zone(person):
    person.preferred_language = "en"
    person.time_zone = "America/New_York"
    moment = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.timezone.utc)

    def build():
        local = timezone.localtime(moment)
        return "subject", {"paragraphs": [f"at {local:%H:%M} {timezone.get_current_timezone_name()}"]}

    rendered = mail.render(person, "notice", build)
    assert "at 07:00 America/New_York" in rendered.body_text
    assert "Hello Petra" in rendered.body_text
