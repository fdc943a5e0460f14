"""What people do in a real browser (Chromium via Playwright, live server) produces the right
mail to the right people, read from a real SMTP server's inbox (aiosmtpd): a new challenge, an
application, an admission and a decline.

The worker's part (fan out the recorded events, send the outbox) is done in the test's own
thread by the same services the worker runs, so the test needs no broker."""

from __future__ import annotations

import pytest

from core.models import Organisation, TargetGroup
from notifications import services as notification_services
from notifications.models import OutgoingMail
from tests.notifications.conftest import smtp_server  # noqa: F401  (the fixture)
from tests.web.test_browser import Session, browser  # noqa: F401  (the fixture)
from workflows.models import Challenge, Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Sicher-Genug-2026"


def subject(message) -> str:
    """The subject as a person reads it (a long header arrives folded)."""
    return " ".join(str(message["Subject"]).split())


def deliver() -> None:
    """What the worker does after a person's action: fan out new events, send the outbox."""
    for event_id in Event.objects.filter(notified_at=None).values_list("pk", flat=True):
        notification_services.event_fan_out(event_id=event_id)
    notification_services.send_now(OutgoingMail.objects.filter(status="pending").order_by("pk"))


def test_a_new_challenge_filed_in_the_browser_reaches_the_coordinators(browser, live_server, network, smtp_server):
    employers = TargetGroup.objects.get(slug="employers")
    partner = Session(browser, live_server.url)
    page = partner.sign_in(network.partner.email)
    partner.go("/challenges/new/")
    page.fill("#id_title", "Anerkennung von Pflegeabschlüssen")
    page.fill("#id_description", "Verfahren dauern im Schnitt neun Monate.")
    page.select_option("#id_topic", label="Anerkennung ausländischer Berufsabschlüsse")
    page.check(f'input[name=target_groups][value="{employers.pk}"]')
    page.select_option("#id_region", label="Magdeburg")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    partner.close()
    challenge = Challenge.objects.get(title="Anerkennung von Pflegeabschlüssen")

    deliver()

    assert smtp_server.recipients() == [network.coordinator.email]
    (message,) = smtp_server.to(network.coordinator.email)
    assert subject(message) == "[Willkommensnetz] Anerkennung von Pflegeabschlüssen: neue Herausforderung"
    text = message.get_body(("plain",)).get_content()
    assert "Petra Partner (IHK Magdeburg) hat eine neue Herausforderung gemeldet." in text
    assert "Thema: Anerkennung ausländischer Berufsabschlüsse" in text and "Region: Magdeburg" in text
    assert f"/challenges/{challenge.pk}/#h-steps" in text
    assert message["References"].startswith(f"<challenge-{challenge.pk}@")


def _apply(browser, base_url) -> Organisation:
    applicant = Session(browser, base_url)
    page = applicant.go("/apply/")
    page.fill("#id_name", "Pflegedienst Sonnenschein")
    page.select_option("#id_kind", "employer")
    page.select_option("#id_region", label="Magdeburg")
    page.fill("#id_description", "Ambulante Pflege mit Fachkräften aus Vietnam.")
    page.fill("#id_person_display_name", "Paula Pflege")
    page.fill("#id_person_email", "paula@example.org")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/apply/thanks/")
    applicant.close()
    return Organisation.objects.get(name="Pflegedienst Sonnenschein")


def test_an_application_reaches_the_coordinators_and_the_admission_the_applicant(browser, live_server, network, smtp_server):
    organisation = _apply(browser, live_server.url)
    deliver()
    assert smtp_server.recipients() == [network.coordinator.email]
    (received,) = smtp_server.to(network.coordinator.email)
    assert subject(received) == "[Willkommensnetz] Pflegedienst Sonnenschein: neuer Aufnahmeantrag"
    assert "Kontakt: Paula Pflege <paula@example.org>" in received.get_body(("plain",)).get_content()

    # the pending applicant who tries to sign in is told the application is being reviewed
    early = Session(browser, live_server.url)
    page = early.go("/sign-in/")
    page.fill("#id_username", "paula@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Ihr Antrag wird von der Koordination geprüft.")
    early.close()

    coordinator = Session(browser, live_server.url)
    page = coordinator.sign_in(network.coordinator.email)
    coordinator.go("/applications/")
    page.click(f'form[action$="/applications/{organisation.pk}/admit/"] button[type=submit]')
    page.wait_for_selector(".message-success")
    coordinator.close()
    deliver()

    (welcome,) = smtp_server.to("paula@example.org")
    assert subject(welcome) == (
        "[Willkommensnetz] Willkommen: Pflegedienst Sonnenschein ist jetzt Partner des Netzwerks"
    )
    text = welcome.get_body(("plain",)).get_content()
    for path in ("/sign-in/", "/preferences/", "/challenges/new/"):
        assert f"{live_server.url}{path}" in text or path in text
    assert len(smtp_server.to(network.coordinator.email)) == 1  # nothing more for her


def test_a_decline_in_the_browser_tells_the_applicant_the_reason(browser, live_server, network, smtp_server):
    organisation = _apply(browser, live_server.url)
    deliver()
    coordinator = Session(browser, live_server.url)
    page = coordinator.sign_in(network.coordinator.email)
    coordinator.go("/applications/")
    page.fill(f"#reason-{organisation.pk}", "Ihr Sitz liegt außerhalb Sachsen-Anhalts.")
    page.click(f'form[action$="/applications/{organisation.pk}/decline/"] button[type=submit]')
    page.wait_for_selector(".message-success")
    coordinator.close()
    deliver()

    (declined,) = smtp_server.to("paula@example.org")
    assert subject(declined) == "[Willkommensnetz] Ihr Aufnahmeantrag für Pflegedienst Sonnenschein"
    text = declined.get_body(("plain",)).get_content()
    assert "Die Koordination hat den Aufnahmeantrag von Pflegedienst Sonnenschein abgelehnt." in text
    assert "Ihr Sitz liegt außerhalb Sachsen-Anhalts." in text
