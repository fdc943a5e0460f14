"""Issue 13's "done when", in a real browser (Chromium via Playwright, live server) with the
mail read from a real SMTP server's inbox (aiosmtpd): a visitor finds the next event on the
public start page, registers, receives the confirmation with a valid ``.ics``, cancels through
the mailed link, and the first person on the waiting list moves up and is told.

The worker's part (send the outbox) is done in the test's own thread by the service the worker
runs, as in ``test_mail_in_browser``; the page makes no request to another origin."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.utils import timezone

from network.models_events import Registration
from notifications import services as notification_services
from notifications.models import OutgoingMail
from tests.network.events_support import make_event, register
from tests.notifications.conftest import smtp_server  # noqa: F401  (the fixture)
from tests.web.test_browser import Session, browser  # noqa: F401  (the fixture)
from tests.web.test_mail_in_browser import subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VISITOR = "vera.besucherin@example.org"
WAITING = "ben.wartend@example.org"


def deliver() -> None:
    notification_services.send_now(OutgoingMail.objects.filter(status="pending").order_by("pk"))


def _calendar_of(message) -> icalendar.Calendar:
    (attachment,) = [part for part in message.iter_attachments()
                     if part.get_content_type() == "text/calendar"]
    assert attachment.get_filename() == "event.ics"
    content = attachment.get_content()
    return icalendar.Calendar.from_ical(content if isinstance(content, (bytes, str)) else str(content))


def test_register_from_the_start_page_cancel_by_mail_and_the_waiting_list_moves_up(
    browser, live_server, network, smtp_server, settings
):
    settings.SITE_URL = live_server.url  # the mailed links lead to this server
    event = make_event(network, title="Jobmesse Pflege in Dessau", capacity=1, days=6)
    visitor = Session(browser, live_server.url)
    requests: list[str] = []
    visitor.page.on("request", lambda request: requests.append(request.url))

    # The visitor finds the next event on the public start page and registers.
    page = visitor.go("/")
    page.click(f'section[aria-labelledby=h-events] a[href="/events/{event.pk}/"]')
    page.wait_for_url(f"**/events/{event.pk}/")
    page.fill("#id_name", "Vera Besucherin")
    page.fill("#id_email", VISITOR)
    page.check("#id_consent")
    page.click("#register button[type=submit]")
    page.wait_for_selector(".message-success")
    # Someone else comes too late: the waiting list.
    waiting = register(event, email=WAITING, name="Ben Wartend")
    assert waiting.status == Registration.Status.WAITING
    deliver()

    (confirmation,) = smtp_server.to(VISITOR)
    assert subject(confirmation) == "Anmeldung bestätigt: Jobmesse Pflege in Dessau"
    calendar = _calendar_of(confirmation)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Jobmesse Pflege in Dessau"
    assert entry.decoded("DTSTART") == timezone.localtime(event.starts_at)
    assert entry.decoded("DTEND") == timezone.localtime(event.ends_at)
    assert calendar.walk("VTIMEZONE"), "the local time zone travels with the file"
    text = confirmation.get_body(("plain",)).get_content()
    (cancel_url,) = re.findall(r"https?://\S+/events/cancel/\S+/", text)

    # The visitor cancels through the mailed link (GET asks, the button cancels).
    visitor.go(urlsplit(cancel_url).path)
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    visitor.close()
    deliver()

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED and waiting.moved_up_at
    (cancelled,) = [m for m in smtp_server.to(VISITOR) if m is not confirmation]
    assert subject(cancelled) == "Anmeldung storniert: Jobmesse Pflege in Dessau"
    subjects = [subject(m) for m in smtp_server.to(WAITING)]
    assert subjects == [
        "Auf der Warteliste: Jobmesse Pflege in Dessau",
        "Ein Platz ist für Sie frei: Jobmesse Pflege in Dessau",
    ]
    moved_up = smtp_server.to(WAITING)[-1]
    (entry,) = _calendar_of(moved_up).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Jobmesse Pflege in Dessau"
    # No request left this server (no CDN, no map tiles, no fonts).
    origin = live_server.url.rstrip("/")
    assert requests and all(url.startswith(origin) for url in requests), requests
