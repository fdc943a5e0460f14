"""Data rights end to end in a real browser: a person downloads their data and asks for
erasure, a coordinator confirms, and afterwards the person is signed out and their
contributions show "ehemaliges Mitglied". The footer leads to the privacy notice."""

from __future__ import annotations

import json
import re

import pytest

from core.models import User
from tests.builders import file_challenge
from tests.factories import UserFactory, member_of
from workflows import services

from .test_browser import Session, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Henrike Oststrand"


def test_export_and_erasure_end_to_end(browser, live_server, network):  # noqa: F811
    person = member_of(UserFactory(display_name=NAME, email="henrike@beispiel.de"), network.org)
    challenge = file_challenge(actor=person, organisation=network.org, title="Kita-Plätze fehlen")
    services.comment_add(actor=person, challenge=challenge, body="Betrifft drei Betriebe.")

    # The person finds the privacy notice in the footer and their data in the user menu.
    own = Session(browser, live_server.url)
    page = own.sign_in(person.email)
    page.click('footer a[href="/privacy/"]')
    page.wait_for_selector("article h1")
    assert page.locator("article h1").inner_text() == "Datenschutzerklärung"
    page.click("details.user-menu summary")
    page.click('details.user-menu a[href="/my-data/"]')
    page.wait_for_selector("#download-my-data")
    with page.expect_download() as download_info:
        page.click("#download-my-data")
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert data["profile"]["email"] == "henrike@beispiel.de"
    assert [c["title"] for c in data["challenges_filed"]] == ["Kita-Plätze fehlen"]
    assert [c["body"] for c in data["comments"]] == ["Betrifft drei Betriebe."]
    own.shot("my-data")

    # They ask for erasure: the box must be ticked first.
    page.check("#id_confirm")
    page.click('form[action="/my-data/erasure/"] button[type=submit]')
    page.wait_for_selector("#erasure-pending")

    # A coordinator confirms on the data-protection page.
    coordinator = Session(browser, live_server.url)
    page_c = coordinator.sign_in(network.coordinator.email)
    coordinator.go("/data-protection/")
    assert NAME in page_c.locator("#erasure-requests").inner_text()
    coordinator.shot("data-protection")
    page_c.click('#erasure-requests form[action$="/confirm/"] button[type=submit]')
    page_c.wait_for_selector(".message-success")
    assert User.objects.get(pk=person.pk).erased_at is not None

    # The contributions stay, by a former member.
    coordinator.go(f"/challenges/{challenge.pk}/")
    body = page_c.locator("main").inner_text()
    assert "ehemaliges Mitglied" in body and NAME not in body
    assert "Betrifft drei Betriebe." in body
    coordinator.close()

    # The person is signed out everywhere.
    page.goto(live_server.url + "/my-data/")
    assert re.search(r"/sign-in/", page.url)
    own.close()
