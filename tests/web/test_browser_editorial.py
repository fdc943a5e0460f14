"""The editorial flow of a good-practice record in a real browser: the coordinator finds the
draft on the work page, edits resources and transferability, previews, publishes after
confirming, withdraws with a reason, and reads the versions on the record's page."""

from __future__ import annotations

import pytest

from workflows.models import GoodPractice

from .test_browser import Session, browser  # noqa: F401  (the module-scoped fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_edit_preview_publish_and_withdraw(browser, live_server, network, evaluated):  # noqa: F811
    record = GoodPractice.objects.get()
    coordinator = Session(browser, live_server.url)
    page = coordinator.sign_in(network.coordinator.email)

    # The draft waits on the coordinator's work page.
    page.click(f'#h-drafts ~ ul a[href="/good-practices/{record.slug}/"]')
    assert page.locator("tr.trial-row").count() == 1

    # Edit fields the admin alone could change before.
    page.click(f'a[href="/good-practices/{record.slug}/edit/"]')
    page.fill("#id_resources_cost", "2.000 € im Jahr für Schulungen")
    page.fill("#id_transferability", "Übertragbar auf jede Kammer mit Anerkennungsberatung.")
    coordinator.shot("good-practice-edit")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    assert page.locator("text=Übertragbar auf jede Kammer").count() == 1

    # Preview: the public page without the editor's buttons.
    page.click(f'a[href="/good-practices/{record.slug}/preview/"]')
    assert page.locator(".notice", has_text="Vorschau").count() == 1
    assert page.locator(f'a[href="/good-practices/{record.slug}/edit/"]').count() == 0

    # Publish asks for confirmation first.
    coordinator.go(f"/good-practices/{record.slug}/")
    page.click(f'a[href="/good-practices/{record.slug}/publish/"]')
    coordinator.shot("good-practice-publish-confirm")
    page.click("main form button[type=submit]")  # the box is not ticked yet
    assert page.locator(".field-invalid #id_confirmed").count() == 1
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.DRAFT
    page.check("#id_confirmed")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.PUBLISHED

    # Withdraw with a reason; the reason and every version show on the page.
    page.click(f'a[href="/good-practices/{record.slug}/unpublish/"]')
    page.fill("#id_reason", "Die Zahlen sind veraltet.")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.DRAFT
    assert page.locator(".notice", has_text="Die Zahlen sind veraltet.").count() == 1
    assert page.locator("ol.versions li").count() == 4  # created, edited, published, withdrawn
    coordinator.shot("good-practice-versions")
    coordinator.close()
