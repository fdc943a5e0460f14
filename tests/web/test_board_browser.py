"""The board in a real browser: a card dragged to the next column opens that step's form and,
submitted, moves the challenge; a move the step refuses says why; the card's "Next step" menu
does the same by keyboard; six columns fit a 1280 px screen (only the board scrolls)."""

from __future__ import annotations

import pytest

from tests.builders import file_challenge
from workflows.models import Challenge, State

from .test_browser import Session, browser  # noqa: F401  (the module-scoped browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drag_a_card_to_the_next_column_runs_the_step(browser, live_server, network):  # noqa: F811
    challenge = file_challenge(actor=network.partner, organisation=network.org,
                               title="Wohnungssuche scheitert an der Schufa")
    session = Session(browser, live_server.url)
    page = session.sign_in(network.coordinator.email)
    page = session.go("/challenges/board/")

    # Six columns in a 1280 px window: the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.evaluate(
        "document.querySelector('.board').scrollWidth <= document.querySelector('.board').clientWidth"
    )

    # A move no step allows is refused with the reason.
    page.drag_and_drop(f"#card-{challenge.pk}", "section[data-state=evaluated]")
    page.wait_for_selector(".message-error")
    assert "Kein Schritt führt" in page.locator(".message-error").inner_text()
    assert Challenge.objects.get(pk=challenge.pk).state == State.REPORTED

    # Dragged to "analysed": the analyse form opens; submitted, the card is in the new column.
    page.drag_and_drop(f"#card-{challenge.pk}", "section[data-state=analysed]")
    page.wait_for_selector('form[action$="/step/analyse/"]')
    assert page.locator("input[name=expected_state]").input_value() == "reported"
    page.select_option("#id_working_group", str(network.group.pk))
    page.fill("#id_root_causes", "Keine Schufa-Historie nach dem Zuzug.")
    page.fill("#id_affected", "Neu zugezogene Fachkräfte.")
    page.click('form[action$="/step/analyse/"] button[type=submit]')
    page.wait_for_selector(".message-success")
    assert page.url.endswith("/challenges/board/")
    assert "{#" not in page.locator("main").inner_text()
    assert page.locator(f'section[data-state=analysed] #card-{challenge.pk}').count() == 1
    assert Challenge.objects.get(pk=challenge.pk).state == State.ANALYSED
    session.shot("board-after-move", full_page=False)
    session.close()


def test_the_next_step_menu_moves_a_card_by_keyboard(browser, live_server, network):  # noqa: F811
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    session = Session(browser, live_server.url)
    page = session.sign_in(network.coordinator.email)
    page = session.go("/challenges/board/")

    summary = page.locator(f"#card-{challenge.pk} details.card-steps summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.locator(f'#card-{challenge.pk} a[data-step="close"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_selector('form[action$="/step/close/"]')
    page.check('input[name=reason][value="out_of_scope"]')
    page.keyboard.press("Tab")
    page.click('form[action$="/step/close/"] button[type=submit]')
    page.wait_for_selector(".message-success")

    assert page.url.endswith("/challenges/board/")
    assert Challenge.objects.get(pk=challenge.pk).state == State.CLOSED
    session.close()
