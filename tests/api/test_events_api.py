"""Events in the API: the pages' visibility (invisible is 404), filters with clear 400s, the
attendee list for organisers only, registering through the page's service (waiting list,
duplicates, closed events) and cancelling by the mailed token; a fixed number of queries per
list."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from network import services_events
from network.models_events import Event, Registration
from tests.factories import region, target_group, topic
from tests.network.events_support import make_event, register

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_the_list_shows_what_the_pages_show(network):
    make_event(network, title="Offen", days=3)
    make_event(network, title="Intern", audience=Event.Audience.NETWORK, days=4)
    make_event(network, title="Entwurf", publish=False, days=5)

    assert _titles(client_for().get("/api/v1/events/")) == ["Offen"]
    assert _titles(client_for(network.stakeholder).get("/api/v1/events/")) == ["Offen", "Intern"]
    assert _titles(client_for(network.other_partner).get("/api/v1/events/")) == ["Offen", "Intern"]
    # the organiser's members see their draft; the coordinators everything
    assert _titles(client_for(network.partner).get("/api/v1/events/")) == ["Offen", "Intern", "Entwurf"]
    assert _titles(client_for(network.coordinator).get("/api/v1/events/")) == ["Offen", "Intern", "Entwurf"]


def test_detail_is_404_for_what_the_caller_may_not_see(network):
    internal = make_event(network, title="Intern", audience=Event.Audience.NETWORK)
    draft = make_event(network, title="Entwurf", publish=False)

    for path in (f"/api/v1/events/{internal.pk}/", f"/api/v1/events/{draft.pk}/", "/api/v1/events/x/"):
        response = client_for().get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client_for(network.stakeholder).get(f"/api/v1/events/{internal.pk}/").status_code == 200
    assert client_for(network.stakeholder).get(f"/api/v1/events/{draft.pk}/").status_code == 404


def test_detail_has_programme_co_organisers_and_seats(network):
    event = make_event(network, title="Jahrestagung", organiser=None, capacity=2,
                       topics=[topic("language")], region=region())
    services_events.programme_session_add(
        actor=network.coordinator, event=event, starts_at=event.starts_at, title="Begrüßung",
        speakers="Dr. Beispiel", room="Saal A",
    )
    register(event, email="a@example.org")

    body = client_for().get(f"/api/v1/events/{event.pk}/").json()

    assert body["organiser"] is None and body["kind"] == "annual"
    assert [s["title"] for s in body["sessions"]] == ["Begrüßung"]
    assert body["sessions"][0]["room"] == "Saal A"
    assert body["seats_left"] == 1 and body["waiting"] == 0 and body["registration_open"] is True
    assert body["topics"][0]["slug"] == "language"
    assert body["page_url"] == f"/events/{event.pk}/"
    assert body["consent_text"]


def test_filters_by_region_topic_target_group_and_day(network):
    halle, language, employers = region(), topic("language"), target_group()
    soon = make_event(network, title="Bald", days=2, region=halle, topics=[language],
                      target_groups=[employers])
    make_event(network, title="Später", days=40)
    client = client_for()
    day = timezone.localtime(soon.starts_at).date()

    assert _titles(client.get(f"/api/v1/events/?region={halle.pk}")) == ["Bald"]
    assert _titles(client.get(f"/api/v1/events/?topic={language.pk}")) == ["Bald"]
    assert _titles(client.get(f"/api/v1/events/?target_group={employers.pk}")) == ["Bald"]
    assert _titles(client.get(f"/api/v1/events/?starts_from={day + datetime.timedelta(days=1)}")) == ["Später"]
    assert _titles(client.get(f"/api/v1/events/?starts_before={day + datetime.timedelta(days=1)}")) == ["Bald"]
    assert _titles(client.get("/api/v1/events/?upcoming=true")) == ["Bald", "Später"]


@pytest.mark.parametrize("query", ["region=", "region=1&region=2", "starts_from=morgen",
                                   "upcoming=vielleicht", "topic=999999"])
def test_bad_filters_are_a_clear_400(network, query):
    response = client_for().get(f"/api/v1/events/?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_the_list_runs_a_fixed_number_of_queries(network, django_assert_num_queries):
    client = client_for()
    for i in range(3):
        make_event(network, title=f"Termin {i}", days=i + 1, topics=[topic("language")],
                   target_groups=[target_group()])
    # count, page, topics, target groups (organiser and region are joined)
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/events/").json()["results"]) == 3
    for i in range(9):
        make_event(network, title=f"Weiterer {i}", days=i + 5, topics=[topic("language")])
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/events/").json()["results"]) == 12


def _register(event, client=None, **body):
    payload = {"name": "Anna Beispiel", "email": "anna@example.org", "consent": True, **body}
    return (client or client_for()).post(
        f"/api/v1/events/{event.pk}/registrations/", payload, format="json"
    )


def test_register_confirms_then_waits_and_mails(network, django_capture_on_commit_callbacks):
    event = make_event(network, capacity=1)

    first = _register(event, language="en")
    second = _register(event, email="ben@example.org", name="Ben")

    assert first.status_code == 201, first.content
    assert first.json()["status"] == "confirmed"
    assert second.status_code == 201 and second.json()["status"] == "waiting"
    registration = Registration.objects.get(email="anna@example.org")
    assert registration.language == "en"
    assert "token" not in first.json()  # the cancel link goes by mail only


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"consent": False}, 400, "consent"),
        ({"consent": "yes"}, 400, "consent"),
        ({"email": "not an address"}, 400, "email"),
        ({"language": "fr"}, 400, "language"),
        ({"name": ""}, 400, "name"),
    ],
)
def test_bad_registrations_are_clear_400s(network, body, status, field):
    event = make_event(network)

    response = _register(event, **body)

    assert response.status_code == status
    assert field in response.json()
    assert not Registration.objects.filter(event=event).exists()


def test_the_same_address_twice_and_closed_events_are_409(network):
    event = make_event(network)
    assert _register(event).status_code == 201

    again = _register(event, email="ANNA@example.org")
    past = make_event(network, days=-2, title="Vorbei")
    closed = _register(past)

    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert closed.status_code == 409 and closed.json()["code"] == "transition_not_allowed"


def test_network_only_events_take_no_anonymous_registrations(network):
    internal = make_event(network, audience=Event.Audience.NETWORK)

    assert _register(internal).status_code == 404
    assert _register(internal, client=client_for(network.stakeholder)).status_code == 201


def test_cancel_by_token_moves_the_waiting_list_up(network, django_capture_on_commit_callbacks):
    event = make_event(network, capacity=1)
    anna = register(event, email="anna@example.org")
    ben = register(event, email="ben@example.org", name="Ben")
    token = services_events.cancel_token(anna)
    mail.outbox.clear()

    response = client_for().post("/api/v1/registrations/cancel/", {"token": token}, format="json")
    twice = client_for().post("/api/v1/registrations/cancel/", {"token": token}, format="json")

    assert response.status_code == 200
    assert response.json() == {"event": event.pk, "status": "cancelled"}
    assert twice.status_code == 200
    ben.refresh_from_db()
    assert ben.status == Registration.Status.CONFIRMED
    assert Registration.objects.filter(event=event, status="confirmed").count() == 1


@pytest.mark.parametrize("token", ["nonsense", "", 5])
def test_a_bad_cancel_token_is_404_or_400(network, token):
    response = client_for().post("/api/v1/registrations/cancel/", {"token": token}, format="json")

    assert response.status_code == (404 if token == "nonsense" else 400)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("partner", 200), ("other_partner", 404), ("stakeholder", 404),
     ("coordinator", 200)],
)
def test_the_attendee_list_is_for_organisers_and_coordinators(api, network, role, status):
    event = make_event(network)
    register(event, email="anna@example.org", organisation_name="Pflegedienst")

    response = api(role).get(f"/api/v1/events/{event.pk}/registrations/")

    assert response.status_code == status
    if status == 200:
        (row,) = response.json()["results"]
        assert row["email"] == "anna@example.org" and row["organisation_name"] == "Pflegedienst"
        assert row["status"] == "confirmed" and row["registered_at"]


def test_an_accepted_co_organiser_sees_the_attendee_list(api, network):
    event = make_event(network)
    register(event)
    offer = services_events.co_organiser_offer(
        actor=network.other_partner, event=event, organisation=network.other_org
    )
    assert api("other_partner").get(f"/api/v1/events/{event.pk}/registrations/").status_code == 404

    services_events.co_organiser_decide(actor=network.partner, co_organiser=offer, accept=True)

    response = api("other_partner").get(f"/api/v1/events/{event.pk}/registrations/")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    detail = api("anonymous").get(f"/api/v1/events/{event.pk}/").json()
    assert [o["name"] for o in detail["co_organisers"]] == ["Stadt Halle"]
