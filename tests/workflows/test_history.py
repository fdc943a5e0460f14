"""Who changed what, when: edits and (re)assignments recorded with before and after, in the
same transaction as the change, announced by an event, and shown in the API and on the page."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import Region, TargetGroup, Topic
from tests.api.conftest import challenge_in, client_for
from tests.builders import file_challenge
from workflows import history, services
from workflows.models import ChallengeChange, Event, State

pytestmark = pytest.mark.django_db


def _other(model, current):
    return model.objects.exclude(pk=current.pk).order_by("pk").first()


def test_every_edited_field_is_recorded_with_before_and_after(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    old_topic, old_region = challenge.topic, challenge.region
    new_topic, new_region = _other(Topic, old_topic), _other(Region, old_region)
    new_groups = list(TargetGroup.objects.order_by("pk")[:2])

    services.challenge_update(
        actor=network.partner,
        challenge=challenge,
        title="Wohnungssuche dauert zu lange",
        description="Verfahren dauern im Schnitt neun Monate und länger.",
        topic=new_topic,
        target_groups=new_groups,
        region=new_region,
        visibility="restricted",
    )

    rows = {c.field: c for c in ChallengeChange.objects.filter(challenge=challenge)}
    assert set(rows) == {"title", "description", "topic", "target_groups", "region", "visibility"}
    assert (rows["title"].before, rows["title"].after) == (
        "Anerkennung dauert zu lange", "Wohnungssuche dauert zu lange"
    )
    assert rows["topic"].before == {"id": old_topic.pk, "name": str(old_topic)}
    assert rows["topic"].after == {"id": new_topic.pk, "name": str(new_topic)}
    assert [g["id"] for g in rows["target_groups"].after] == sorted(
        [g.pk for g in new_groups], key=lambda pk: str(TargetGroup.objects.get(pk=pk))
    )
    assert (rows["visibility"].before, rows["visibility"].after) == ("network", "restricted")
    assert {c.actor_id for c in rows.values()} == {network.partner.pk}
    event = Event.objects.get(challenge=challenge, kind=Event.Kind.CHALLENGE_EDITED)
    assert {c.event_id for c in rows.values()} == {event.pk}  # mail and digests find them


def test_an_edit_that_changes_nothing_records_nothing(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)

    services.challenge_update(actor=network.partner, challenge=challenge, title=challenge.title)

    assert not ChallengeChange.objects.filter(challenge=challenge).exists()


def test_assignment_and_reassignment_are_recorded(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)

    services.challenge_assign_working_group(
        actor=network.coordinator, challenge=challenge, working_group=network.group
    )
    services.challenge_assign_working_group(
        actor=network.coordinator, challenge=challenge, working_group=network.other_group
    )

    rows = list(ChallengeChange.objects.filter(challenge=challenge, field="working_group"))
    assert [(r.before and r.before["id"], r.after["id"]) for r in rows] == [
        (None, network.group.pk),
        (network.group.pk, network.other_group.pk),
    ]
    assert Event.objects.filter(challenge=challenge, kind=Event.Kind.CHALLENGE_ASSIGNED).count() == 2


def test_the_text_diff_marks_removed_and_added_words():
    diff = history.text_diff("Anerkennung dauert zu lange", "Anerkennung dauert viel zu lange")

    assert {"op": "insert", "text": "viel "} in diff or any(
        p["op"] == "insert" and "viel" in p["text"] for p in diff
    )
    assert "".join(p["text"] for p in diff if p["op"] != "delete") == (
        "Anerkennung dauert viel zu lange"
    )


def test_the_history_api_answers_who_changed_what_when(network):
    challenge = challenge_in(network, State.REPORTED)
    services.challenge_update(actor=network.partner, challenge=challenge, title="Neuer Titel")
    coordinator = client_for(network.coordinator)

    assigned = coordinator.post(
        f"/api/v1/challenges/{challenge.pk}/assignment/",
        {"working_group": network.group.pk},
        format="json",
    )
    history_rows = coordinator.get(f"/api/v1/challenges/{challenge.pk}/history/").json()

    assert assigned.status_code == 200
    assert assigned.json()["working_group"]["id"] == network.group.pk
    assert [(h["kind"], h["transition"]) for h in history_rows] == [
        ("transition", "file"), ("change", ""), ("change", "")
    ]
    edit, assignment = history_rows[1], history_rows[2]
    assert edit["actor"]["id"] == network.partner.pk
    assert edit["changes"][0]["field"] == "title"
    assert edit["changes"][0]["before_text"] == "Anerkennung dauert zu lange"
    assert edit["changes"][0]["after_text"] == "Neuer Titel"
    diff = edit["changes"][0]["diff"]
    assert "".join(p["text"] for p in diff if p["op"] != "delete") == "Neuer Titel"
    assert "".join(p["text"] for p in diff if p["op"] != "insert") == "Anerkennung dauert zu lange"
    assert assignment["changes"][0]["field"] == "working_group"
    assert assignment["changes"][0]["after"]["id"] == network.group.pk


@pytest.mark.parametrize(
    "role, body, status",
    [
        ("partner", {"working_group": None}, 403),
        ("group_member", {"working_group": None}, 403),
        ("coordinator", {"working_group": "1"}, 400),
        ("coordinator", {"working_group": 2**40}, 400),
        ("coordinator", {}, 400),
    ],
)
def test_assignment_refusals_change_nothing(network, role, body, status):
    challenge = challenge_in(network, State.ANALYSED)

    response = client_for(getattr(network, role)).post(
        f"/api/v1/challenges/{challenge.pk}/assignment/", body, format="json"
    )

    assert response.status_code == status, response.content
    assert not ChallengeChange.objects.filter(challenge=challenge).exists()


def test_a_restricted_challenge_cannot_be_assigned_by_someone_who_cannot_see_it(network):
    challenge = challenge_in(network, State.ANALYSED, visibility="restricted")

    response = client_for(network.stakeholder).post(
        f"/api/v1/challenges/{challenge.pk}/assignment/", {"working_group": None}, format="json"
    )

    assert response.status_code == 404


def test_the_page_shows_edits_and_assignments_as_a_readable_diff(network):
    challenge = challenge_in(network, State.REPORTED)
    services.challenge_update(
        actor=network.partner, challenge=challenge, title="Anerkennung dauert viel zu lange"
    )
    services.challenge_assign_working_group(
        actor=network.coordinator, challenge=challenge, working_group=network.group
    )
    client = Client()
    client.force_login(network.coordinator)

    body = client.get(f"/challenges/{challenge.pk}/").content.decode()

    assert "Bearbeitet" in body
    assert "<ins>viel </ins>" in body
    assert "Arbeitsgruppe zugewiesen" in body
    assert f"<ins>{network.group.name}</ins>" in body


def test_the_admin_runs_a_step_through_the_same_form_and_service(network):
    from django.core.management import call_command

    call_command("grant_coordinator", network.coordinator.email)
    challenge = challenge_in(network, State.ANALYSED)
    client = Client()
    client.force_login(network.coordinator)
    url = f"/admin/workflows/challenge/{challenge.pk}/step/close/"

    page = client.get(f"/admin/workflows/challenge/{challenge.pk}/change/").content.decode()
    stale = client.post(url, {"expected_state": "reported", "reason": "out_of_scope"})
    missing = client.post(url, {"expected_state": "analysed", "reason": "referred"})
    done = client.post(url, {"expected_state": "analysed", "reason": "out_of_scope"})

    assert url in page
    assert stale.status_code == 409
    assert missing.status_code == 400 and "Wählen Sie die Stelle" in missing.content.decode()
    assert done.status_code == 302
    challenge.refresh_from_db()
    assert challenge.state == State.CLOSED
