"""The rest of issue 11 in a real browser: similar good-practice records offered while an
approach is typed and linked in place; a written recommendation drafted, reviewed from the work
page, published after confirming, printed (masthead with network, date and address) and
downloaded as a PDF; the sheet import's preview with per-row errors that imports nothing, then
a clean sheet imported; a case's history with an edit, an assignment, a referral and a
reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from core.models import Organisation
from tests.builders import advance, file_challenge
from tests.factories import referral_body
from workflows.models import Challenge, Event, State
from workflows.models_editorial import Recommendation

from .test_browser import Session, browser  # noqa: F401  (the module-scoped browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_similar_records_offered_and_linked_while_proposing(browser, live_server, network, published):  # noqa: F811
    challenge = file_challenge(actor=network.partner, organisation=network.org,
                               title="Kammern beraten zu spät")
    challenge = advance(challenge, State.ANALYSED, actor=network.group_member, group=network.group)
    session = Session(browser, live_server.url)
    page = session.sign_in(network.group_member.email)
    session.go(f"/challenges/{challenge.pk}/")
    page.click('a[href$="/step/propose_approach/"]')
    page.wait_for_selector('#step-panel form[action$="/step/propose_approach/"]')

    page.fill("#id_approach_0_title", "Mentoring im Betrieb")
    page.fill("#id_approach_0_description", "Kolleginnen begleiten neue Fachkräfte.")

    # Typing the second title asks for similar records (htmx); the focus stays in that field.
    page.type("#id_approach_1_title", "Lotsen-Programm der Kammern", delay=20)
    link = page.locator(f'#similar-approach-1 button[name=link_approach_1][value="{published.pk}"]')
    link.wait_for()
    assert page.evaluate("document.activeElement.id") == "id_approach_1_title"
    assert published.title in page.locator("#similar-approach-1").inner_text()

    # Linking sets the approach's good-practice field in place, without leaving the page.
    link.click()
    assert page.locator("#id_approach_1_good_practice").input_value() == str(published.pk)
    assert page.locator(f'#similar-approach-1 [data-linked="{published.pk}"]').is_visible()
    assert not link.is_visible()
    assert Challenge.objects.get(pk=challenge.pk).state == State.ANALYSED
    session.shot("propose-similar-records")

    page.fill("#id_approach_1_description", "Lotsen begleiten die Anerkennung in den Kammern.")
    page.check("input[name=selected_approach][value='1']")
    # Enter submits the step: the link buttons are not the form's default button.
    assert page.locator("#step-panel form [data-without-js]").count() == 0
    page.press("#id_approach_1_title", "Enter")
    page.wait_for_selector(".message-success")
    approaches = Challenge.objects.get(pk=challenge.pk).approaches.order_by("pk")
    assert [(a.selected, a.good_practice_id) for a in approaches] == [
        (False, None), (True, published.pk)
    ]
    session.close()


def test_write_review_publish_print_and_pdf_a_recommendation(browser, live_server, network, published):  # noqa: F811
    target_group = published.target_groups.get()
    session = Session(browser, live_server.url)
    page = session.sign_in(network.coordinator.email)

    # Written from the target group's page, saved as a draft.
    session.go(f"/recommendations/{target_group.slug}/")
    page.click(f'a[href="/recommendations/new/?target_group={target_group.slug}"]')
    assert page.locator("#id_target_group").input_value() == str(target_group.pk)
    page.fill("#id_title", "Anerkennung früh begleiten")
    page.fill("#id_text", "Arbeitgeber sollten Lotsen früh einbinden.\n\nDas halbiert die Wartezeit.")
    page.check(f'input[name=good_practices][value="{published.pk}"]')
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    recommendation = Recommendation.objects.get()
    assert recommendation.status == Recommendation.Status.DRAFT

    # Reviewed from the coordinator's work page; publishing asks for the box first.
    session.go("/")
    page.click(f'#h-recommendation-drafts ~ ul a[href="/recommendation/{recommendation.slug}/"]')
    page.click(f'a[href="/recommendation/{recommendation.slug}/publish/"]')
    assert page.locator(".notice", has_text="Vorschau").count() == 1
    page.click("main form button[type=submit]")
    assert page.locator(".field-invalid #id_confirmed").count() == 1
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.DRAFT
    page.check("#id_confirmed")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.PUBLISHED
    session.shot("recommendation-published")

    # Printed: the network's name, the date and the page's address; no buttons or forms.
    page.emulate_media(media="print")
    masthead = page.locator(".print-masthead")
    assert masthead.is_visible()
    text = masthead.inner_text()
    assert settings.NETWORK_NAME in text and f"/recommendation/{recommendation.slug}/" in text
    day = timezone.localdate(recommendation.published_at).isoformat()
    assert masthead.locator("time").get_attribute("datetime") == day
    assert not page.locator(".head-actions").is_visible()
    assert not page.locator(".site-header").is_visible()
    page.emulate_media(media="screen")

    # The PDF link answers a PDF that carries the title.
    href = page.locator(f'a[href="/recommendation/{recommendation.slug}/pdf/"]').get_attribute("href")
    pdf = page.request.get(live_server.url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    session.close()

    # A visitor reads it on the target group's page.
    visitor = Session(browser, live_server.url)
    visitor_page = visitor.go(f"/recommendations/{target_group.slug}/")
    assert visitor_page.locator(".written-recommendations", has_text="Anerkennung früh begleiten").count() == 1
    visitor.close()


HEADER = "title;description;organisation;topic;target_groups;region\n"


def test_import_preview_errors_import_nothing_then_a_clean_sheet_imports(browser, live_server, network, tmp_path: Path):  # noqa: F811
    Organisation.objects.filter(pk=network.org.pk).update(status="admitted")
    good_row = f"Wartezeiten;Verfahren dauern lange;{network.org.name};recognition;employers;magdeburg\n"
    bad = tmp_path / "liste-mit-fehlern.csv"
    bad.write_text(HEADER + good_row + "Ohne Beschreibung;;Niemand;x;y;z\n", encoding="utf-8")
    good = tmp_path / "liste.csv"
    good.write_text(HEADER + good_row, encoding="utf-8")
    session = Session(browser, live_server.url)
    page = session.sign_in(network.coordinator.email)

    # A sheet with one bad row: the preview names its errors and offers no import.
    session.go("/import/")
    page.check("input[name=kind][value=challenges]")
    page.set_input_files("#id_file", str(bad))
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("table.import-preview")
    assert page.locator("tr.row-invalid").count() == 1 and page.locator("tr.row-ok").count() == 1
    assert page.locator("tr.row-invalid .error").count() >= 1
    assert page.locator("input[name=payload]").count() == 0
    assert Challenge.objects.count() == 0
    session.shot("import-preview-errors")

    # The corrected sheet: preview, then everything is imported.
    page.check("input[name=kind][value=challenges]")
    page.set_input_files("#id_file", str(good))
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("input[name=payload]", state="attached")
    assert page.locator("tr.row-ok").count() == 1 and page.locator("tr.row-invalid").count() == 0
    assert Challenge.objects.count() == 0  # the preview stores nothing
    page.click("main section form button[type=submit]")
    page.wait_for_selector(".message-success")
    assert list(Challenge.objects.values_list("title", flat=True)) == ["Wartezeiten"]
    session.close()


def test_a_case_history_with_an_edit_an_assignment_a_referral_and_a_reopen(browser, live_server, network):  # noqa: F811
    body = referral_body()
    challenge = file_challenge(actor=network.partner, organisation=network.org,
                               title="Anerkennung dauert zu lange")
    session = Session(browser, live_server.url)
    page = session.sign_in(network.coordinator.email)

    # An edit of the title.
    session.go(f"/challenges/{challenge.pk}/edit/")
    page.fill("#id_title", "Anerkennung dauert viel zu lange")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")

    # An assignment from the facts beside the history.
    page.select_option(".assign-form select[name=working_group]", str(network.group.pk))
    page.click(".assign-form button[type=submit]")
    page.wait_for_selector(".message-success")

    # Closed as a referral: the body is picked from the records the coordinators keep.
    page.click('a[href$="/step/close/"]')
    page.wait_for_selector('#step-panel form[action$="/step/close/"]')
    page.check("input[name=reason][value=referred]")
    page.select_option("#id_referral_body", str(body.pk))
    page.click('#step-panel form button[type=submit]')
    page.wait_for_selector(".message-success")
    referral = page.locator("dd.referral").inner_text()
    assert body.name in referral and timezone.localdate().strftime("%d.%m.%Y") in referral
    assert Event.objects.filter(challenge=challenge, kind=Event.Kind.CHALLENGE_REFERRED).count() == 1

    # Reopened: it had no analysis, so it is "reported" again; the referral stays in the history.
    page.click('a[href$="/step/reopen/"]')
    page.wait_for_selector('#step-panel form[action$="/step/reopen/"]')
    page.fill("#id_reason", "Die Stelle ist nicht zuständig.")
    page.click('#step-panel form button[type=submit]')
    page.wait_for_selector(".message-success")
    assert Challenge.objects.get(pk=challenge.pk).state == State.REPORTED
    assert page.locator("dd.referral").count() == 0

    timeline = page.locator("ol.timeline")
    edit = timeline.locator(".timeline-change", has_text="Bearbeitet")
    assert edit.locator("ins").first.inner_text().strip() == "viel"
    assignment = timeline.locator(".timeline-change", has_text="Arbeitsgruppe zugewiesen")
    assert network.group.name in assignment.locator("ins").inner_text()
    assert timeline.locator(".closure", has_text=body.name).count() == 1
    assert timeline.locator(".timeline-step", has_text="Die Stelle ist nicht zuständig.").count() == 1
    session.shot("challenge-history")
    session.close()
