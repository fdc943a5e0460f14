"""Who may do what through the API, role by role, for both visibilities.

Roles (``network`` fixture): anonymous, a partner of the reporting organisation, a partner of
another organisation, a member of the assigned working group, a coordinator, a stakeholder.
The challenge is ``analysed`` and assigned to ``network.group`` unless said otherwise. Every
refusal must leave the challenge exactly as it was; a challenge the caller may not see is 404.
"""

from __future__ import annotations

import pytest

from workflows.models import State

from workflows.models import Follow
from workflows.transitions import TRANSITIONS

from .conftest import ROLES, challenge_in, client_for, snapshot

# role → expected status, per visibility. "see" = may see the challenge at all.
SEES = {
    "network": {
        "anonymous": 401,
        "partner": 200,
        "other_partner": 200,
        "group_member": 200,
        "coordinator": 200,
        "stakeholder": 200,
    },
    "restricted": {
        "anonymous": 401,
        "partner": 200,
        "other_partner": 404,
        "group_member": 200,
        "coordinator": 200,
        "stakeholder": 404,
    },
}


def _expect(visibility: str, role: str, allowed: int, refused: int = 403) -> int:
    """``allowed`` where the role holds the right, else 401 / 404 / ``refused``."""
    seen = SEES[visibility][role]
    return seen if seen != 200 else allowed


READ_ENDPOINTS = ["", "transitions/", "history/", "comments/"]


@pytest.mark.parametrize("visibility", ["network", "restricted"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", READ_ENDPOINTS)
def test_reading_a_challenge(api, network, role, visibility, endpoint):
    challenge = challenge_in(network, State.ANALYSED, visibility=visibility)
    before = snapshot(challenge)

    response = api(role).get(f"/api/v1/challenges/{challenge.pk}/{endpoint}")

    assert response.status_code == SEES[visibility][role], response.content
    if response.status_code != 200:
        assert set(response.json()) == {"code", "detail"}
    assert snapshot(challenge) == before


@pytest.mark.parametrize("visibility", ["network", "restricted"])
@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_only_what_the_caller_may_see(api, network, role, visibility):
    challenge = challenge_in(network, State.ANALYSED, visibility=visibility)

    response = api(role).get("/api/v1/challenges/")

    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == ([challenge.pk] if SEES[visibility][role] == 200 else [])


# PATCH: the reporting organisation only while "reported"; the assigned group and
# coordinators always; nobody else.
EDIT_RIGHTS = {
    State.REPORTED: {"partner", "coordinator"},
    State.ANALYSED: {"group_member", "coordinator"},
}


@pytest.mark.parametrize("state", [State.REPORTED, State.ANALYSED])
@pytest.mark.parametrize("visibility", ["network", "restricted"])
@pytest.mark.parametrize("role", ROLES)
def test_editing_a_challenge(api, network, role, visibility, state):
    challenge = challenge_in(network, state, visibility=visibility)
    before = snapshot(challenge)

    response = api(role).patch(
        f"/api/v1/challenges/{challenge.pk}/", {"title": "Neuer Titel"}, format="json"
    )

    if state == State.REPORTED and role == "group_member":
        # Not yet assigned to the group: the group member is only a partner of another org.
        expected = _expect(visibility, role, 403) if visibility == "network" else 404
    else:
        expected = _expect(visibility, role, 200 if role in EDIT_RIGHTS[state] else 403)
    assert response.status_code == expected, response.content
    after = snapshot(challenge)
    if expected == 200:
        assert after["title"] == "Neuer Titel"
        assert response.json()["title"] == "Neuer Titel"
    else:
        assert after == before


COMMENTERS = {"partner", "other_partner", "group_member", "coordinator"}  # not stakeholders


@pytest.mark.parametrize("visibility", ["network", "restricted"])
@pytest.mark.parametrize("role", ROLES)
def test_commenting(api, network, role, visibility):
    challenge = challenge_in(network, State.ANALYSED, visibility=visibility)
    before = snapshot(challenge)

    response = api(role).post(
        f"/api/v1/challenges/{challenge.pk}/comments/", {"body": "Wir auch."}, format="json"
    )

    expected = _expect(visibility, role, 201 if role in COMMENTERS else 403)
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["body"] == "Wir auch."
        assert snapshot(challenge)["comments"] == before["comments"] + 1
    else:
        assert snapshot(challenge) == before


@pytest.mark.parametrize("method", ["post", "delete"])
@pytest.mark.parametrize("visibility", ["network", "restricted"])
@pytest.mark.parametrize("role", ROLES)
def test_following_and_unfollowing(api, network, role, visibility, method):
    """Everyone who sees a challenge may follow it, stakeholders included."""
    challenge = challenge_in(network, State.ANALYSED, visibility=visibility)
    if method == "delete" and role not in ("anonymous", "partner"):
        # So that unfollowing has something to remove (the reporter follows already).
        Follow.objects.create(user=getattr(network, role), challenge=challenge)
    before = snapshot(challenge)

    response = getattr(api(role), method)(f"/api/v1/challenges/{challenge.pk}/follow/")

    expected = _expect(visibility, role, 204)
    assert response.status_code == expected, response.content
    after = snapshot(challenge)
    if expected == 204:
        user_id = getattr(network, role).pk
        assert (user_id in after["follows"]) is (method == "post")
    else:
        assert after == before


# Transitions from the state each one starts in: who holds the right.
LIFECYCLE = {"group_member", "coordinator"}
TRANSITION_CASES = [
    (
        "analyse",
        State.REPORTED,
        lambda n: {"working_group": n.group.pk, "root_causes": "Fristen", "affected": "Pflege"},
        LIFECYCLE,
    ),
    (
        "propose_approach",
        State.ANALYSED,
        lambda n: {"approaches": [{"title": "Lotsen", "description": "Begleitung", "selected": True}]},
        LIFECYCLE,
    ),
    (
        "start_trial",
        State.APPROACH_PROPOSED,
        lambda n: {"start": "2026-01-01", "planned_end": "2026-03-31", "partners": [n.org.pk]},
        LIFECYCLE,
    ),
    (
        "evaluate",
        State.TRIALLED,
        lambda n: {"outcome": "successful", "evidence": "Halbiert", "lessons_learned": "Früh"},
        LIFECYCLE,
    ),
    ("revise_approach", State.TRIALLED, lambda n: {"reason": "Partner sprang ab"}, LIFECYCLE),
    ("close", State.ANALYSED, lambda n: {"reason": "out_of_scope"}, {"coordinator"}),
    ("reopen", State.CLOSED, lambda n: {"reason": "Neue Lage"}, {"coordinator"}),
]


@pytest.mark.parametrize("visibility", ["network", "restricted"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name, state, payload, holders", TRANSITION_CASES, ids=[c[0] for c in TRANSITION_CASES]
)
def test_transitions(api, network, role, visibility, name, state, payload, holders):
    challenge = challenge_in(network, state, visibility=visibility)
    before = snapshot(challenge)

    response = api(role).post(
        f"/api/v1/challenges/{challenge.pk}/transitions/{name}/",
        {"expected_state": state, **payload(network)},
        format="json",
    )

    if state == State.REPORTED and role == "group_member" and visibility == "restricted":
        # Not assigned yet: a restricted challenge is invisible to the group that would pick
        # it up (it is shown to the reporting organisation and coordinators only).
        expected = 404
    else:
        expected = _expect(visibility, role, 200 if role in holders else 403)
    assert response.status_code == expected, response.content
    after = snapshot(challenge)
    if expected == 200:
        target = {"revise_approach": State.APPROACH_PROPOSED}.get(name)  # reopen: analysed
        assert after["state"] == (target or TRANSITIONS[name].target)
        assert response.json()["state"] == after["state"]
        assert len(after["log"]) == len(before["log"]) + 1
    else:
        assert set(response.json()) == {"code", "detail"}
        assert after == before


STATE_REFUSALS = [
    ("group_member", "evaluate", State.ANALYSED),
    ("coordinator", "evaluate", State.ANALYSED),
    ("coordinator", "start_trial", State.REPORTED),
    ("group_member", "analyse", State.EVALUATED),
    ("coordinator", "analyse", State.EVALUATED),
    ("coordinator", "reopen", State.ANALYSED),
    ("coordinator", "close", State.TRIALLED),
]
STATE_REFUSAL_INPUT = {
    "evaluate": {"outcome": "successful", "evidence": "x", "lessons_learned": "y"},
    "start_trial": {"start": "2026-01-01", "planned_end": "2026-02-01", "partners": []},
    "analyse": {"working_group": 1, "root_causes": "x", "affected": "y"},
    "reopen": {"reason": "x"},
    "close": {"reason": "out_of_scope"},
}


@pytest.mark.parametrize("role, name, state", STATE_REFUSALS)
def test_a_step_the_state_does_not_allow_is_409_and_changes_nothing(
    api, network, role, name, state
):
    challenge = challenge_in(network, state)
    payload = {"expected_state": state, **STATE_REFUSAL_INPUT[name]}
    before = snapshot(challenge)

    response = api(role).post(
        f"/api/v1/challenges/{challenge.pk}/transitions/{name}/", payload, format="json"
    )

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "transition_not_allowed"
    assert snapshot(challenge) == before


def test_missing_input_is_400_with_field_errors_and_changes_nothing(api, network):
    challenge = challenge_in(network, State.ANALYSED)
    before = snapshot(challenge)

    response = api("group_member").post(
        f"/api/v1/challenges/{challenge.pk}/transitions/propose_approach/", {}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "approaches" in body
    assert snapshot(challenge) == before


@pytest.mark.parametrize("role", ["other_partner", "stakeholder"])
def test_an_invisible_challenge_is_404_even_for_an_unknown_step(api, network, role):
    challenge = challenge_in(network, State.ANALYSED, visibility="restricted")

    response = api(role).post(
        f"/api/v1/challenges/{challenge.pk}/transitions/no_such_step/", {}, format="json"
    )

    assert response.status_code == 404


def test_a_member_of_another_working_group_cannot_run_the_assigned_groups_steps(api, network):
    challenge = challenge_in(network, State.ANALYSED)
    before = snapshot(challenge)

    response = client_for(network.outsider_member).post(
        f"/api/v1/challenges/{challenge.pk}/transitions/propose_approach/",
        {"expected_state": "analysed",
         "approaches": [{"title": "Lotsen", "description": "Begleitung", "selected": True}]},
        format="json",
    )

    assert response.status_code == 403
    assert snapshot(challenge) == before


def test_pressing_the_same_button_twice_runs_the_step_once(api, network):
    challenge = challenge_in(network, State.ANALYSED)
    client = api("group_member")
    payload = {
        "expected_state": "analysed",
        "approaches": [{"title": "Lotsen", "description": "Begleitung", "selected": True}],
    }
    url = f"/api/v1/challenges/{challenge.pk}/transitions/propose_approach/"

    first = client.post(url, payload, format="json")
    after_first = snapshot(challenge)
    second = client.post(url, payload, format="json")

    assert first.status_code == 200
    assert second.status_code == 409
    assert snapshot(challenge) == after_first
    assert after_first["approaches"] == 1
