"""The walk (issue 15): every page (``walk_pages.PAGES``) as every role, in German and English,
at 375, 768 and 1280 px, and the error states (a failed submit with its error summary, 404,
403, 500 and the CSRF failure page), each checked by ``walk_browser.Walker``: no axe violation
(WCAG 2.1 AA), no sideways page scroll, no untranslated text, no request to another origin.
Screenshots: ``artifacts/screenshots/<role>-<lang>-<width>-<page>.jpg``.

Slow (one test per role and language, a few minutes in all): marker ``walk``, left out of
``make test``, run by ``make walk`` (and by .ci/run). ``test_walk_subset.py`` keeps a cheap
part of it in ``make test``."""

from __future__ import annotations

import os
import time

import pytest

from .walk_browser import Walker, launch, session_cookie
from .walk_pages import (
    ADMIN,
    COORDINATOR,
    GROUP,
    LANGUAGES,
    PARTNER,
    ROLES,
    VISITOR,
    WIDTHS,
    build_walk_data,
    pages_for,
)


pytestmark = [
    pytest.mark.walk,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.web.walk_urls"),  # the site plus the error views and axe
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def _failed_submit(walker: Walker, label: str, path: str, form: str, fill: dict | None = None):
    """Submit ``form`` on ``path`` with the browser's own checks off (``novalidate``), as a
    person whose browser lets an empty field through: the server's error state is checked."""
    if not walker.open(label, path):
        return
    page = walker.page
    page.eval_on_selector(form, "f => f.setAttribute('novalidate', '')")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.click(f"{form} [type=submit] >> nth=0")
    if not page.locator("[data-error-summary]").count() and not page.locator(".errornote").count():
        walker.problem(label, None, "no error summary after a failed submit")
    elif page.locator("[data-error-summary]").count():
        focused = page.evaluate("document.activeElement && document.activeElement.hasAttribute('data-error-summary')")
        if not focused:
            walker.problem(label, None, "the error summary does not take the focus")
    walker.check(label)


def _csrf_failure(walker: Walker):
    """The language switch (on every page) posted with a tampered CSRF token."""
    label = "error-csrf"
    if not walker.open(label, "/privacy/"):
        return
    page = walker.page
    page.eval_on_selector_all(
        "input[name=csrfmiddlewaretoken]", "els => els.forEach(e => e.value = 'x'.repeat(64))"
    )
    with page.expect_navigation() as navigation:
        page.click(f'.lang-switch button[value="{walker.language}"]')
    if navigation.value.status != 403:
        walker.problem(label, None, f"a tampered form answered {navigation.value.status}")
    walker.check(label)


FAILED_SUBMITS = {
    VISITOR: [
        ("error-sign-in", "/sign-in/", "main form", {"#id_username": "nobody@example.org", "#id_password": "wrong-password"}),
        ("error-apply", "/apply/", "main form", None),
    ],
    PARTNER: [("error-file", "/challenges/new/", "main form", None)],
    GROUP: [("error-file", "/challenges/new/", "main form", None)],
    COORDINATOR: [("error-news", "/news/new/", "main form", None)],
    ADMIN: [("error-admin-organisation", "/admin/core/organisation/add/", "#organisation_form", None)],
}


# `WALK_ROLES=partner,coordinator make walk` walks some roles only (while fixing what it finds).
WALK_ROLES = [r for r in os.environ.get("WALK_ROLES", ",".join(ROLES)).split(",") if r]
# `WALK_PAGES=account,email-change make walk` walks some pages only (their labels in walk_pages).
WALK_PAGES = {p for p in os.environ.get("WALK_PAGES", "").split(",") if p}


def _walk_role(browser, live_server, data, role: str, language: str) -> Walker:
    cookies = []
    if role != VISITOR:
        user = data.users[role]
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        cookies.append(session_cookie(live_server.url, user))
    walker = Walker(browser, live_server.url, role=role, language=language, cookies=cookies)
    try:
        for page in pages_for(role):
            if WALK_PAGES and page.label not in WALK_PAGES:
                continue
            if walker.open(page.label, page.url(data)):
                walker.check(page.label, WIDTHS)
        for label, url, status in (
            ("error-404", "/walk-no-such-page/", 404),
            ("error-403", "/walk-errors/403/", 403),
            ("error-500", "/walk-errors/500/", 500),
        ):
            if walker.open(label, url, status=status):
                walker.check(label, WIDTHS)
        for label, url, form, fill in FAILED_SUBMITS[role]:
            _failed_submit(walker, label, url, form, fill)
        _csrf_failure(walker)
    finally:
        walker.close()
    return walker


@pytest.mark.parametrize("language", LANGUAGES)
def test_walk(browser, live_server, network, language):
    """One built network per language (building it is most of a test's fixed cost), one
    browser context per role."""
    data = build_walk_data(network)
    problems, views = [], 0
    for role in WALK_ROLES:
        started = time.perf_counter()
        walker = _walk_role(browser, live_server, data, role, language)
        problems += walker.problems
        views += walker.views
        print(f"walk {role}-{language}: {walker.views} views in {time.perf_counter() - started:.0f}s (",
              ", ".join(f"{k} {v:.0f}s" for k, v in walker.seconds.most_common()), ")")
    assert views > 0
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
