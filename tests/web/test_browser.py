"""The whole loop in a real browser (Debian's Chromium driven by Playwright): file a challenge,
take it through every state to evaluated, see it on the board, publish its good practice, find
it in the public catalogue and in its target group's recommendations, switch the language.

Screenshots of the main pages go to artifacts/screenshots/ (kept by CI, not committed). Every
page is also checked for Content-Security-Policy violations reported by the browser.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest

from core.models import TargetGroup
from workflows.models import Challenge, GoodPractice, State

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "pass-word-123"  # tests/factories.py

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Session:
    """One person's browser tab; collects CSP violations and takes screenshots."""

    def __init__(self, browser, base_url: str, *, width: int = 1280, height: int = 900):
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, locale="de-DE"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.base = base_url
        self.violations: list[str] = []
        self.page.on(
            "console",
            lambda msg: self.violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None,
        )

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        return self.page

    def sign_in(self, email: str):
        page = self.go("/sign-in/")
        page.fill("#id_username", email)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r".*/$"))
        return page

    def shot(self, name: str, full_page: bool = True):
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    def close(self):
        assert self.violations == [], self.violations
        self.context.close()


def _step(page, name: str):
    """Open a step's form through its button (htmx loads it into the page)."""
    page.click(f'a[href$="/step/{name}/"]')
    page.wait_for_selector(f'#step-panel form[action$="/step/{name}/"]')


def _submit_step(page, name: str):
    page.click(f'#step-panel form[action$="/step/{name}/"] button[type=submit]')
    page.wait_for_selector(".message-success")


def test_file_a_challenge_and_take_it_to_the_public_catalogue(browser, live_server, network):
    employers = TargetGroup.objects.get(slug="employers")

    # A partner files a challenge.
    partner = Session(browser, live_server.url)
    page = partner.sign_in(network.partner.email)
    partner.shot("my-work-partner")
    partner.go("/challenges/new/")
    assert page.locator(".notice").is_visible()  # no personal data, please
    page.fill("#id_title", "Lange Wartezeiten bei der Anerkennung von Pflegeabschlüssen")
    page.fill("#id_description", "Anerkennungsverfahren für Pflegefachkräfte dauern im Schnitt neun Monate.")
    page.select_option("#id_topic", label="Anerkennung ausländischer Berufsabschlüsse")
    page.check(f'input[name=target_groups][value="{employers.pk}"]')
    page.select_option("#id_region", label="Magdeburg")
    partner.shot("challenge-new")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    challenge = Challenge.objects.get(title__startswith="Lange Wartezeiten")
    assert page.url.endswith(f"/challenges/{challenge.pk}/")
    assert challenge.state == State.REPORTED
    partner.close()

    # The working group takes it through every step to evaluated.
    group = Session(browser, live_server.url)
    page = group.sign_in(network.group_member.email)
    group.go(f"/challenges/{challenge.pk}/")
    _step(page, "analyse")
    page.select_option("#id_working_group", str(network.group.pk))
    page.fill("#id_root_causes", "Unterlagen werden einzeln nachgefordert.")
    page.fill("#id_affected", "Pflegeheime und ambulante Dienste.")
    group.shot("challenge-step-form")
    _submit_step(page, "analyse")
    _step(page, "propose_approach")
    page.fill("#id_approach_0_title", "Anerkennungslotsen in den Kammern")
    page.fill("#id_approach_0_description", "Lotsen prüfen die Unterlagen vorab auf Vollständigkeit.")
    _submit_step(page, "propose_approach")
    _step(page, "start_trial")
    today = datetime.date.today()
    page.fill("#id_start", (today - datetime.timedelta(days=90)).isoformat())
    page.fill("#id_planned_end", (today - datetime.timedelta(days=5)).isoformat())
    page.check(f'input[name=partners][value="{network.org.pk}"]')
    _submit_step(page, "start_trial")
    _step(page, "evaluate")
    page.check('input[name=outcome][value="successful"]')
    page.fill("#id_evidence", "Die Verfahrensdauer sank von neun auf vier Monate.")
    page.fill("#id_lessons_learned", "Früh mit den Kammern sprechen.")
    _submit_step(page, "evaluate")
    challenge.refresh_from_db()
    assert challenge.state == State.EVALUATED
    assert page.locator(".timeline-item").count() == 5  # filed + four steps
    group.shot("challenge-detail")

    # It is on the board, in the evaluated column.
    group.go("/challenges/board/")
    assert page.locator(f'#col-evaluated ~ ul a[href="/challenges/{challenge.pk}/"]').count() == 1
    group.shot("challenge-board")
    group.go("/challenges/")
    group.shot("challenge-list")
    group.go("/statistics/")
    assert page.locator("svg.flow-chart polygon").count() == 6
    group.shot("statistics")
    group.close()

    # The coordinator publishes the good practice the evaluation fed.
    record = GoodPractice.objects.get()
    assert record.status == GoodPractice.Status.DRAFT
    coordinator = Session(browser, live_server.url)
    page = coordinator.sign_in(network.coordinator.email)
    coordinator.shot("my-work-coordinator")
    coordinator.go(f"/good-practices/{record.slug}/")
    page.click(f'a[href="/good-practices/{record.slug}/publish/"]')
    page.check("#id_confirmed")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.PUBLISHED
    coordinator.go("/preferences/")
    coordinator.shot("preferences")
    coordinator.close()

    # Anyone finds it in the public catalogue and in the recommendations for employers.
    visitor = Session(browser, live_server.url)
    page = visitor.go("/")  # the public start page lists the latest published records
    assert page.locator(f'a[href="/good-practices/{record.slug}/"]').count() == 1
    page = visitor.go("/good-practices/")
    assert page.locator(f'a[href="/good-practices/{record.slug}/"]').count() == 1
    visitor.shot("good-practice-catalogue")
    visitor.go(f"/good-practices/{record.slug}/")
    visitor.shot("good-practice-detail")
    visitor.go(f"/recommendations/{employers.slug}/")
    assert page.locator("h2", has_text="Anerkennungslotsen in den Kammern").count() == 1
    visitor.shot("recommendations")
    page.emulate_media(media="print")
    visitor.shot("recommendations-print")
    page.emulate_media(media="screen")

    # German by default; the switch turns the page English and back.
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text().startswith("Handlungsempfehlungen")
    page.click('.lang-switch button[value="en"]')
    page.wait_for_selector('html[lang="en"]')
    assert page.locator("h1").inner_text().startswith("Recommendations")
    visitor.shot("recommendations-english")
    visitor.go("/sign-in/")
    visitor.shot("sign-in-english")
    page.click('.lang-switch button[value="de"]')
    page.wait_for_selector('html[lang="de"]')
    visitor.go("/apply/")
    visitor.shot("apply")
    visitor.close()


def test_pages_fit_a_phone(browser, live_server, network, evaluated):
    """The main pages keep within a phone's width (no horizontal scrolling of the page)."""
    phone = Session(browser, live_server.url, width=375, height=740)
    page = phone.sign_in(network.group_member.email)
    for name, path in (
        ("phone-my-work", "/"),
        ("phone-challenge-list", "/challenges/"),
        ("phone-challenge-detail", f"/challenges/{evaluated.pk}/"),
        ("phone-statistics", "/statistics/"),
    ):
        phone.go(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
        phone.shot(name)
    phone.close()
