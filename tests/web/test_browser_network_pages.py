"""The network's public pages at a phone's and a desktop's width: start page, calendar (list
and month), an event with its programme and registration form, material and news. Each is
screenshotted into artifacts/screenshots/ (not committed) and must not scroll sideways or
violate the Content-Security-Policy."""

from __future__ import annotations

import datetime

import pytest

from network import services_events, services_public
from network.models_public import Material
from tests.factories import region, target_group, topic
from tests.network import files
from tests.network.events_support import make_event
from tests.web.test_browser import Session, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (375, 1280)


def _world(network):
    event = make_event(
        network, title="Jahrestagung Willkommensnetz Sachsen-Anhalt 2027", organiser=None,
        capacity=120, days=5, region=region(), topics=[topic("language"), topic("recognition")],
        target_groups=[target_group()],
        description="Partner aus dem ganzen Land zeigen, was Fachkräften das Ankommen erleichtert.",
        place="Festung Mark, Hohepfortewall 1, 39104 Magdeburg",
    )
    for hours, title, room in ((0, "Begrüßung und Bilanz des Netzwerkjahres", "Großer Saal"),
                               (1, "Podium: Was Fachkräfte bei uns hält", "Großer Saal"),
                               (2, "Werkstätten: Anerkennung, Wohnen, Einarbeitung", "Seminarräume 1–3")):
        services_events.programme_session_add(
            actor=network.coordinator, event=event, title=title, room=room,
            starts_at=event.starts_at + datetime.timedelta(hours=hours),
            speakers="Katrin Vogel, Dr. Maria Schulze",
        )
    make_event(network, title="Workshop: Anerkennung ausländischer Berufsabschlüsse für Arbeitgeber",
               days=8, topics=[topic("recognition")])
    material = services_public.material_upload(
        actor=network.coordinator, title="Leitfaden: Anerkennung im Betrieb begleiten",
        kind=Material.Kind.GUIDE, licence=Material.Licence.CC_BY, organisation=network.org,
        description="Schritt für Schritt durch das Anerkennungsverfahren, mit Ansprechstellen im Land.",
        file=files.upload("leitfaden.pdf", files.PDF), topic=topic("recognition"),
    )
    services_public.material_publish(actor=network.coordinator, material=material)
    services_public.news_create(
        actor=network.coordinator, title="Anmeldung zur Jahrestagung 2027 ist offen",
        text="Programm und Anmeldung finden Sie im Veranstaltungskalender.",
    )
    return event


def test_the_public_network_pages_fit_a_phone_and_a_desktop(browser, live_server, network):
    event = _world(network)
    pages = {
        "start": "/",
        "events-list": "/events/",
        "events-month": f"/events/?view=month&month={event.starts_at:%Y-%m}",
        "event-detail": f"/events/{event.pk}/",
        "material": "/material/",
        "news": "/news/",
    }
    for width in WIDTHS:
        visitor = Session(browser, live_server.url, width=width, height=800)
        for name, path in pages.items():
            page = visitor.go(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, width, overflow)
            visitor.shot(f"network-{name}-{width}")
        # The registration form with its error summary (submitted empty).
        visitor.go(f"/events/{event.pk}/")
        page.click("#register button[type=submit]")
        page.wait_for_selector("#register .error-summary")
        page.locator("#register").scroll_into_view_if_needed()
        visitor.shot(f"network-registration-{width}", full_page=False)
        visitor.close()
