"""Search and suggestions in a real browser: a partner starts to file what another
organisation already filed and is shown it while typing; the list search finds it with a
typo and marks the words; a coordinator closes a copy as a duplicate in one click.
Checks the pages for Content-Security-Policy violations like tests/web/test_browser.py."""

from __future__ import annotations

import pytest

from tests.builders import file_challenge
from workflows.models import Challenge, State
from workflows.search import index as search_index

from .test_browser import Session, browser  # noqa: F401  (the module's Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestions_while_filing_list_search_and_close_as_duplicate(browser, live_server, network):  # noqa: F811
    original = file_challenge(
        actor=network.other_partner, organisation=network.other_org,
        title="Wohnungssuche für neue Fachkräfte scheitert an der Schufa",
        description="Vermieter verlangen eine Schufa-Auskunft und Gehaltsnachweise.",
    )
    search_index.fold_vocabulary()  # the beat job's minute: the vocabulary counts its words

    partner = Session(browser, live_server.url)
    page = partner.sign_in(network.partner.email)
    partner.go("/challenges/new/")
    page.fill("#id_title", "Keine Wohnung für Pflegefachkraefte")
    page.wait_for_selector("#suggestions .suggestions")
    suggestion = page.locator("#suggestions").inner_text()
    assert original.title in suggestion
    assert "gemeldet" in suggestion  # its state, in German
    partner.shot("challenge-new-suggestions")

    partner.go("/challenges/?q=Wohnungsuche")  # typo
    assert page.locator("#results").inner_text().count(original.title) == 1
    assert page.locator("#results mark").count() >= 1
    partner.close()

    copy = file_challenge(actor=network.partner, organisation=network.org,
                          title="Mietwohnung für Fachkräfte ohne Schufa unmöglich")
    search_index.fold_vocabulary()  # the beat job's minute: the vocabulary counts their words
    coordinator = Session(browser, live_server.url)
    page = coordinator.sign_in(network.coordinator.email)
    coordinator.go(f"/challenges/{copy.pk}/")
    page.click(f'form[action$="/challenges/{copy.pk}/close-as-duplicate/"] button')
    page.wait_for_selector(".message-success")
    copy = Challenge.objects.get(pk=copy.pk)
    assert copy.state == State.CLOSED and copy.duplicate_of_id == original.pk
    coordinator.go(f"/challenges/{original.pk}/")
    assert page.locator(f'#related a[href="/challenges/{copy.pk}/"]').count() == 1
    coordinator.close()
