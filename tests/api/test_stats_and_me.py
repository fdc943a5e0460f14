"""``/stats/`` and ``/me/``."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from notifications.models import Preference
from tests.builders import file_challenge
from tests.factories import region, topic
from workflows import services

from .conftest import client_for

DAY0 = datetime.datetime(2026, 2, 2, 9, 0, tzinfo=datetime.UTC)


def at(days: float):
    return time_machine.travel(DAY0 + datetime.timedelta(days=days), tick=False)


def _analyse(network, challenge):
    return services.challenge_analyse(
        actor=network.group_member,
        challenge=challenge,
        working_group=network.group,
        root_causes="Fristen",
        affected="Pflege",
    )


def _propose(network, challenge):
    return services.challenge_propose_approach(
        actor=network.group_member,
        challenge=challenge,
        approaches=[services.ApproachInput("Lotsen", "Begleitung")],
        selected=0,
    )


@pytest.fixture
def history(network):
    """a: reported 2 days, analysed 3 days, now approach_proposed.
    b: reported 4 days, now analysed (in Halle, topic housing).
    c: restricted, reported 10 days, then closed by the coordinator."""
    with at(0):
        a = file_challenge(actor=network.partner, organisation=network.org, title="A")
        b = file_challenge(
            actor=network.partner, organisation=network.org, title="B",
            region=region("halle-saale"), topic=topic("housing"),
        )
        c = file_challenge(
            actor=network.partner, organisation=network.org, title="C", visibility="restricted"
        )
    with at(2):
        a = _analyse(network, a)
    with at(4):
        b = _analyse(network, b)
    with at(5):
        a = _propose(network, a)
    with at(10):
        services.challenge_close(actor=network.coordinator, challenge=c, reason="out_of_scope")
    return a, b, c


def _by(rows, key="state"):
    return {row[key]: row for row in rows}


def test_stats_for_a_coordinator_count_everything(network, history):
    body = client_for(network.coordinator).get("/api/v1/stats/").json()

    assert body["total"] == 3
    states = _by(body["by_state"])
    assert {s: r["count"] for s, r in states.items() if r["count"]} == {
        "analysed": 1, "approach_proposed": 1, "closed": 1,
    }
    durations = _by(body["median_days_in_state"])
    assert durations["reported"]["median_days"] == 4.0  # stays of 2, 4 and 10 days
    assert durations["reported"]["stays"] == 3
    assert durations["analysed"]["median_days"] == 3.0
    assert durations["trialled"]["median_days"] is None
    topics = _by(body["by_topic"], "slug")
    assert topics["housing"]["count"] == 1 and topics["recognition"]["count"] == 2
    regions = _by(body["by_region"], "slug")
    assert regions["halle-saale"]["count"] == 1 and regions["magdeburg"]["count"] == 2


def test_stats_count_only_what_the_caller_may_see(network, history):
    body = client_for(network.other_partner).get("/api/v1/stats/").json()

    assert body["total"] == 2  # the restricted challenge c is not theirs
    assert _by(body["by_state"])["closed"]["count"] == 0
    durations = _by(body["median_days_in_state"])
    assert durations["reported"]["median_days"] == 3.0  # stays of 2 and 4 days
    assert durations["reported"]["stays"] == 2


def test_stats_need_a_signed_in_caller(network):
    assert client_for(None).get("/api/v1/stats/").status_code == 401


def test_me_shows_roles_memberships_groups_and_preferences(network):
    body = client_for(network.group_member).get("/api/v1/me/").json()

    assert body["id"] == network.group_member.pk
    assert body["email"] == network.group_member.email
    assert body["roles"] == ["partner", "working_group_member"]
    assert [m["organisation"]["id"] for m in body["memberships"]] == [network.group_org.pk]
    assert [g["id"] for g in body["working_groups"]] == [network.group.pk]
    assert [o["id"] for o in body["filable_organisations"]] == [network.group_org.pk]
    assert body["preferences"] == {"immediate": True, "digest": "weekly"}


def test_me_patch_changes_name_language_and_mail_preferences(network):
    client = client_for(network.partner)

    response = client.patch(
        "/api/v1/me/",
        {"display_name": "Petra P.", "preferred_language": "en",
         "preferences": {"digest": "daily", "immediate": False}},
        format="json",
    )

    assert response.status_code == 200, response.content
    network.partner.refresh_from_db()
    assert (network.partner.display_name, network.partner.preferred_language) == ("Petra P.", "en")
    preference = Preference.objects.get(user=network.partner)
    assert (preference.digest, preference.immediate) == ("daily", False)
    assert response.json()["preferences"] == {"immediate": False, "digest": "daily"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("is_coordinator", True),
        ("is_stakeholder", True),
        ("email", "boss@example.org"),
        ("roles", ["coordinator"]),
        ("working_groups", [1]),
        ("memberships", [{"organisation": {"id": 2}}]),
    ],
)
def test_me_patch_cannot_grant_rights(network, field, value):
    client = client_for(network.partner)

    response = client.patch("/api/v1/me/", {field: value}, format="json")

    assert response.status_code == 200
    network.partner.refresh_from_db()
    assert not network.partner.is_coordinator and not network.partner.is_stakeholder
    assert network.partner.email.startswith("person")
    assert response.json()["roles"] == ["partner"]
    assert not network.partner.working_groups.exists()
    assert list(network.partner.memberships.values_list("organisation", flat=True)) == [network.org.pk]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"preferred_language": "fr"}, "preferred_language"),
        ({"display_name": "   "}, "display_name"),
        ({"preferences": {"digest": "hourly"}}, "preferences"),
    ],
)
def test_me_patch_rejects_invalid_values_and_changes_nothing(network, payload, field):
    client = client_for(network.partner)

    response = client.patch("/api/v1/me/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    network.partner.refresh_from_db()
    assert (network.partner.display_name, network.partner.preferred_language) == ("Petra Partner", "de")
    assert not Preference.objects.filter(user=network.partner).exclude(digest="weekly").exists()


def test_me_needs_a_signed_in_caller(network):
    assert client_for(None).get("/api/v1/me/").status_code == 401
    assert client_for(None).patch("/api/v1/me/", {"display_name": "x"}, format="json").status_code == 401
