"""Each step's typed input through its own endpoint: field errors per field (400), the state
the caller expects (409 when the challenge moved on, close included), referrals to a referral
body and where a reopened challenge resumes."""

from __future__ import annotations

import pytest

from workflows.models import Analysis, Event, ReferralBody, State

from tests.factories import referral_body

from .conftest import challenge_in, client_for, snapshot

pytestmark = pytest.mark.django_db

SOURCE = {
    "analyse": State.REPORTED,
    "propose_approach": State.ANALYSED,
    "start_trial": State.APPROACH_PROPOSED,
    "evaluate": State.TRIALLED,
    "revise_approach": State.TRIALLED,
    "close": State.ANALYSED,
    "reopen": State.CLOSED,
}


def valid(name, network):
    return {
        "analyse": {"working_group": network.group.pk, "root_causes": "a", "affected": "b"},
        "propose_approach": {"approaches": [{"title": "a", "description": "b", "selected": True}]},
        "start_trial": {"start": "2026-01-01", "planned_end": "2026-02-01", "partners": [network.org.pk]},
        "evaluate": {"outcome": "partly", "evidence": "a", "lessons_learned": "b"},
        "revise_approach": {"reason": "a"},
        "close": {"reason": "out_of_scope"},
        "reopen": {"reason": "a"},
    }[name]


def post(client, challenge, name, body):
    return client.post(
        f"/api/v1/challenges/{challenge.pk}/transitions/{name}/", body, format="json"
    )


@pytest.mark.parametrize("name", list(SOURCE))
def test_a_challenge_that_moved_on_answers_409_and_changes_nothing(network, name):
    challenge = challenge_in(network, SOURCE[name])
    seen = State.EVALUATED if SOURCE[name] != State.EVALUATED else State.REPORTED
    before = snapshot(challenge)

    response = post(
        client_for(network.coordinator), challenge, name,
        {"expected_state": seen, **valid(name, network)},
    )

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "concurrent_change"
    assert snapshot(challenge) == before


@pytest.mark.parametrize("name", list(SOURCE))
def test_every_step_needs_the_expected_state(network, name):
    challenge = challenge_in(network, SOURCE[name])

    response = post(client_for(network.coordinator), challenge, name, valid(name, network))

    assert response.status_code == 400
    assert "expected_state" in response.json()


FIELD_ERRORS = [
    ("analyse", {"working_group": "7"}, "working_group"),  # a string is not an id
    ("analyse", {"root_causes": "x\x00y"}, "root_causes"),
    ("propose_approach", {"approaches": [{"title": "a", "description": "b"}]}, "approaches"),
    ("propose_approach", {"approaches": [{"title": "a", "description": "b", "selected": "yes"}]}, "approaches"),
    ("start_trial", {"start": "1999-12-31"}, "start"),
    ("start_trial", {"planned_end": "2100-12-31", "start": "2101-01-01"}, "start"),
    ("start_trial", {"planned_end": "2026-01-01"}, "planned_end"),
    ("start_trial", {"partners": []}, "partners"),
    ("evaluate", {"outcome": "great"}, "outcome"),
    ("revise_approach", {"reason": ""}, "reason"),
    ("close", {"reason": "referred"}, "referral_body"),
    ("close", {"reason": "duplicate", "duplicate_of": 2**40}, "duplicate_of"),
    ("reopen", {"reason": ["a"]}, "reason"),
]


@pytest.mark.parametrize("name, change, field", FIELD_ERRORS)
def test_bad_input_is_a_field_error_and_changes_nothing(network, name, change, field):
    challenge = challenge_in(network, SOURCE[name])
    before = snapshot(challenge)
    body = {"expected_state": SOURCE[name], **valid(name, network), **change}

    response = post(client_for(network.coordinator), challenge, name, body)

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert snapshot(challenge) == before


def test_closing_as_referral_names_the_body_and_reopen_keeps_it_in_the_history(network):
    body = referral_body()
    challenge = challenge_in(network, State.ANALYSED)
    coordinator = client_for(network.coordinator)

    closed = post(coordinator, challenge, "close", {
        "expected_state": "analysed", "reason": "referred", "referral_body": body.pk,
    }).json()

    assert closed["state"] == "closed"
    assert closed["referral_body"]["name"] == body.name
    assert closed["referred_at"]
    assert Event.objects.filter(challenge=challenge, kind=Event.Kind.CHALLENGE_REFERRED).count() == 1

    reopened = post(coordinator, challenge, "reopen", {"expected_state": "closed", "reason": "Neu"})

    assert reopened.status_code == 200
    # It had an analysis and a group: work resumes at "analysed" and keeps both.
    assert reopened.json()["state"] == "analysed"
    assert reopened.json()["working_group"]["id"] == network.group.pk
    assert reopened.json()["referral_body"] is None
    assert Analysis.objects.filter(challenge=challenge).exists()
    history = coordinator.get(f"/api/v1/challenges/{challenge.pk}/history/").json()
    close = next(h for h in history if h["transition"] == "close")
    assert close["inputs"]["referral_body"] == {"id": body.pk, "name": body.name}


def test_a_challenge_closed_before_any_analysis_reopens_as_reported(network):
    challenge = challenge_in(network, State.REPORTED)
    coordinator = client_for(network.coordinator)
    post(coordinator, challenge, "close", {"expected_state": "reported", "reason": "out_of_scope"})

    reopened = post(coordinator, challenge, "reopen", {"expected_state": "closed", "reason": "Doch"})

    assert reopened.json()["state"] == "reported"
    assert reopened.json()["allowed_transitions"] == ["analyse", "close"]


def test_an_inactive_referral_body_cannot_be_chosen(network):
    body = ReferralBody.objects.create(name="Alt", is_active=False)
    challenge = challenge_in(network, State.ANALYSED)

    response = post(client_for(network.coordinator), challenge, "close", {
        "expected_state": "analysed", "reason": "referred", "referral_body": body.pk,
    })

    assert response.status_code == 400
    assert "referral_body" in response.json()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the migrated rows
def test_the_referral_bodies_are_listed_with_the_three_the_seed_names(network):
    names = [b["name"] for b in client_for(network.partner).get("/api/v1/referral-bodies/").json()]

    assert any(n.startswith("Landesintegrationsbeirat") for n in names)
    assert any("Anerkennung und Arbeitsmarkt" in n for n in names)
    assert any(n.startswith("LAMSA") for n in names)


# Valid input goes straight to the step's row lock; input that is not valid has the challenge
# read first. Either way the refusals come in the same order, before any input error.
REFUSAL_ORDER = [
    # (whose request, the challenge's visibility and state, the answer)
    ("other_partner", "restricted", State.REPORTED, 404),  # may not see it
    ("stakeholder", "network", State.REPORTED, 403),  # sees it, may not step
    ("coordinator", "network", State.TRIALLED, 409),  # may, but not in this state
]


@pytest.mark.parametrize("who, visibility, state, status", REFUSAL_ORDER)
@pytest.mark.parametrize("body", ["valid", "invalid", "not an object"])
def test_refusals_come_before_the_input_whatever_the_input(network, who, visibility, state,
                                                           status, body):
    challenge = challenge_in(network, state, visibility=visibility)
    before = snapshot(challenge)
    data = {
        "valid": {"expected_state": state, **valid("analyse", network)},
        "invalid": {"expected_state": state, "working_group": "7", "root_causes": ""},
        "not an object": ["analyse"],
    }[body]

    response = post(client_for(getattr(network, who)), challenge, "analyse", data)

    assert response.status_code == status, response.content
    assert snapshot(challenge) == before


def test_input_errors_come_once_the_step_is_possible(network):
    challenge = challenge_in(network, State.REPORTED)
    client = client_for(network.coordinator)

    not_an_object = post(client, challenge, "analyse", ["analyse"])
    invalid = post(client, challenge, "analyse", {"expected_state": "reported", "working_group": "7"})

    assert not_an_object.status_code == 400, not_an_object.content
    assert invalid.status_code == 400 and "working_group" in invalid.json(), invalid.content
    assert snapshot(challenge)["state"] == State.REPORTED


@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", "0", str(2**70)])
@pytest.mark.parametrize("body", ["valid", "invalid"])
def test_an_id_that_names_no_challenge_is_404(network, pk, body):
    data = {"expected_state": "reported", **valid("analyse", network)} if body == "valid" else {}

    response = client_for(network.coordinator).post(
        f"/api/v1/challenges/{pk}/transitions/analyse/", data, format="json"
    )

    assert response.status_code == 404, response.content
