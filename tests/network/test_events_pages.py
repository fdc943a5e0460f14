"""The event pages and feeds: who sees what (invisible is 404), the calendar's filters and
month view, registering and cancelling by page, the attendee list, and the ICS feeds parsed
back with icalendar."""

import datetime
import re

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from network import services_events
from network.models_events import Event, Registration
from tests.factories import region, topic

from .events_support import make_event, register


@pytest.fixture
def sign_in():
    def _sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return _sign_in


@pytest.mark.django_db
def test_who_sees_which_event(network, sign_in):
    public = make_event(network, title="Offen")
    internal = make_event(network, title="Intern", audience=Event.Audience.NETWORK)
    draft = make_event(network, title="Entwurf", publish=False)
    anonymous = Client()
    assert anonymous.get(f"/events/{public.pk}/").status_code == 200
    assert anonymous.get(f"/events/{internal.pk}/").status_code == 404
    assert anonymous.get(f"/events/{draft.pk}/").status_code == 404
    assert sign_in(network.stakeholder).get(f"/events/{internal.pk}/").status_code == 200
    assert sign_in(network.stakeholder).get(f"/events/{draft.pk}/").status_code == 404
    assert sign_in(network.other_partner).get(f"/events/{draft.pk}/").status_code == 404
    assert sign_in(network.partner).get(f"/events/{draft.pk}/").status_code == 200  # organiser
    assert sign_in(network.coordinator).get(f"/events/{draft.pk}/").status_code == 200
    listing = anonymous.get("/events/").content.decode()
    assert "Offen" in listing and "Intern" not in listing and "Entwurf" not in listing
    assert "Intern" in sign_in(network.stakeholder).get("/events/").content.decode()


@pytest.mark.django_db
def test_filters_and_month_view(network):
    halle = make_event(network, title="In Halle", region=region("halle-saale"), topics=[topic()])
    make_event(network, title="In Magdeburg", region=region("magdeburg"))
    page = Client().get("/events/", {"region": region("halle-saale").pk}).content.decode()
    assert "In Halle" in page and "In Magdeburg" not in page
    page = Client().get("/events/", {"topic": topic().pk}).content.decode()
    assert "In Halle" in page and "In Magdeburg" not in page
    month = timezone.localtime(halle.starts_at).strftime("%Y-%m")
    page = Client().get("/events/", {"view": "month", "month": month}).content.decode()
    assert "In Halle" in page and 'class="month-grid"' in page
    assert Client().get("/events/", {"month": "2027-13"}).status_code == 400
    assert Client().get("/events/", {"region": "nope"}).status_code == 400


@pytest.mark.django_db
def test_calendar_list_runs_a_fixed_number_of_queries(network, django_assert_num_queries):
    def count_for(n: int) -> None:
        Event.objects.all().delete()
        for i in range(n):
            make_event(network, title=f"Event {i}", topics=[topic()])
        # session-less visitor: events (with organiser, region) + topics + target groups,
        # and the three filter selects (regions, topics, target groups)
        with django_assert_num_queries(6):
            assert Client().get("/events/").status_code == 200

    count_for(3)
    count_for(30)


@pytest.mark.django_db
def test_register_by_page_then_duplicate_then_cancel_by_link(network):
    event = make_event(network, capacity=1)
    client = Client()
    form = {"name": "Anna", "email": "anna@example.org", "consent": "on"}
    response = client.post(f"/events/{event.pk}/register/", form, follow=True)
    assert response.status_code == 200
    assert Registration.objects.filter(event=event, status="confirmed").count() == 1

    again = client.post(f"/events/{event.pk}/register/", form)
    assert again.status_code == 409
    assert "bereits angemeldet" in again.content.decode()
    assert Registration.objects.filter(event=event).count() == 1

    no_consent = client.post(f"/events/{event.pk}/register/", {**form, "consent": ""})
    assert no_consent.status_code == 400

    register(event, email="warte@example.org")
    token = services_events.cancel_token(Registration.objects.get(email="anna@example.org"))
    assert client.get(f"/events/cancel/{token}/").status_code == 200  # asks, cancels nothing
    assert Registration.objects.get(email="anna@example.org").status == "confirmed"
    client.post(f"/events/cancel/{token}/")
    assert Registration.objects.get(email="anna@example.org").status == "cancelled"
    assert Registration.objects.get(email="warte@example.org").status == "confirmed"
    assert client.get("/events/cancel/forged/").status_code == 404


@pytest.mark.django_db
def test_attendee_list_and_csv_for_organiser_and_coordinators_only(network, sign_in):
    event = make_event(network)
    register(event, name="=HYPERLINK(evil)", email="a@example.org")
    for user in (network.partner, network.coordinator):
        assert sign_in(user).get(f"/events/{event.pk}/attendees/").status_code == 200
        csv = sign_in(user).get(f"/events/{event.pk}/attendees.csv")
        assert csv.status_code == 200 and "a@example.org" in csv.content.decode()
        assert "'=HYPERLINK" in csv.content.decode()
    for user in (network.other_partner, network.stakeholder):
        assert sign_in(user).get(f"/events/{event.pk}/attendees/").status_code == 404
        assert sign_in(user).get(f"/events/{event.pk}/attendees.csv").status_code == 404
    assert Client().get(f"/events/{event.pk}/attendees/").status_code == 302  # sign in first


@pytest.mark.django_db
def test_co_organiser_offer_and_accept(network, sign_in):
    event = make_event(network)
    sign_in(network.other_partner).post(f"/events/{event.pk}/co-organise/",
                                        {"organisation": network.other_org.pk})
    offer = event.co_organisers.get()
    assert offer.status == "offered"
    # the organiser's member is told
    from notifications.models import OutgoingMail

    assert OutgoingMail.objects.filter(recipient=network.partner, key=f"co-organiser:{offer.pk}").exists()
    # a stranger cannot decide; the organiser can
    sign_in(network.other_partner).post(f"/events/{event.pk}/co-organise/{offer.pk}/", {"decision": "accept"})
    offer.refresh_from_db()
    assert offer.status == "offered"
    sign_in(network.partner).post(f"/events/{event.pk}/co-organise/{offer.pk}/", {"decision": "accept"})
    offer.refresh_from_db()
    assert offer.status == "accepted"
    # accepted co-organisers see the attendees
    assert sign_in(network.other_partner).get(f"/events/{event.pk}/attendees/").status_code == 200


def _parse(body: bytes):
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


@pytest.mark.django_db
def test_public_feed_parses_and_leaves_out_restricted_events(network):
    public = make_event(network, title="Offen")
    make_event(network, title="Intern", audience=Event.Audience.NETWORK)
    make_event(network, title="Entwurf", publish=False)
    response = Client().get("/events.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = _parse(response.content)
    assert set(events) == {"Offen"}
    entry = events["Offen"]
    assert str(entry["UID"]).startswith(f"event-{public.pk}@")
    assert entry["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert entry["DTSTART"].dt == public.starts_at  # the same instant
    assert entry["DTSTART"].dt.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert str(entry["URL"]).endswith(f"/events/{public.pk}/")
    assert b"BEGIN:VTIMEZONE" in response.content


@pytest.mark.django_db
def test_personal_feed_by_secret_token_regenerate_and_revoke(network, sign_in):
    make_event(network, title="Offen")
    make_event(network, title="Intern", audience=Event.Audience.NETWORK)
    client = sign_in(network.stakeholder)
    page = client.post("/events/calendar-feed/", {"action": "create"}).content.decode()
    url = re.search(r"http://[^<\s]+/events/feed/[^<\s]+\.ics", page).group(0)
    path = url.split("testserver", 1)[-1]
    events = _parse(Client().get(path).content)
    assert set(events) == {"Offen", "Intern"}
    # only the hash is stored
    from network.models_events import CalendarFeedToken

    secret = path.rsplit("/", 1)[-1][:-4]
    assert secret not in CalendarFeedToken.objects.get().digest
    # regenerating invalidates the old address
    client.post("/events/calendar-feed/", {"action": "create"})
    assert Client().get(path).status_code == 404
    client.post("/events/calendar-feed/", {"action": "revoke"})
    assert not CalendarFeedToken.objects.exists()
    assert Client().get("/events/feed/nothing.ics").status_code == 404


@pytest.mark.django_db
def test_public_upcoming_events_for_the_start_page(network):
    soon = make_event(network, title="Bald", days=2)
    make_event(network, title="Später", days=20)
    make_event(network, title="Vorbei", days=-3)
    make_event(network, title="Intern", audience=Event.Audience.NETWORK)
    make_event(network, title="Entwurf", publish=False)
    from network.selectors_events import public_upcoming_events

    events = list(public_upcoming_events(limit=1))
    assert events == [soon]
    assert [e.title for e in public_upcoming_events(limit=5)] == ["Bald", "Später"]
