"""A cheap part of the walk inside ``make test``, so a regression shows without ``make walk``:
eight key pages in German at 1280 px as a coordinator (and the start page as a visitor), with
axe (WCAG 2.1 AA), the sideways-scroll, translation and other-origin checks (and that the
other-origin check sees a request). No screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from .walk_browser import Walker, launch, session_cookie
from .walk_pages import COORDINATOR, PAGES, VISITOR, build_walk_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.web.walk_urls"),  # the site plus axe from its own origin
]

KEY_PAGES = (
    "start", "challenges", "board", "challenge-evaluated", "file", "good-practice",
    "statistics", "events",
)


def test_key_pages_pass_axe_at_1280_in_german(live_server, network):
    data = build_walk_data(network)
    pages = {page.label: page for page in PAGES}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            coordinator = Walker(
                browser, live_server.url, role=COORDINATOR, language="de",
                cookies=[session_cookie(live_server.url, data.users[COORDINATOR])],
            )
            for label in KEY_PAGES:
                if coordinator.open(label, pages[label].url(data)):
                    coordinator.check(label, (1280,), shoot=False, axe_widths=(1280,))
            coordinator.close()
            visitor = Walker(browser, live_server.url, role=VISITOR, language="de")
            if visitor.open("start", "/"):
                visitor.check("start", (1280,), shoot=False, axe_widths=(1280,))
            # The walk watches requests rather than routing them (routing turns the HTTP cache
            # off): a request to another origin is still seen, and fails without leaving.
            visitor.open("privacy", "/privacy/")
            failed = visitor.page.evaluate("""() => new Promise(done => {
                const img = new Image(); img.onerror = () => done(true); img.onload = () => done(false);
                img.src = 'https://cdn.example.com/tracker.png'; })""")
            visitor.check("privacy", (1280,), shoot=False, axe_widths=())
            visitor.close()
        finally:
            browser.close()
    assert coordinator.views == len(KEY_PAGES) and visitor.views == 2
    assert coordinator.problems == []
    assert failed is True
    assert visitor.problems == [
        "visitor-de privacy: requests to other origins: ['https://cdn.example.com/tracker.png']"
    ]
