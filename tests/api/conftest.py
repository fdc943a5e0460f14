"""Helpers of the API tests: clients that sign in with a real API token, as partners' tools do,
so every request reads the caller afresh (roles are not carried over between requests)."""

from __future__ import annotations

import pytest
from core.tokens import token_create
from rest_framework.test import APIClient

from tests.builders import advance, file_challenge
from workflows.models import (
    Approach,
    Challenge,
    Comment,
    Event,
    Follow,
    State,
    TransitionLog,
)

ROLES = ("anonymous", "partner", "other_partner", "group_member", "coordinator", "stakeholder")


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = token_create(actor=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api(network):
    """``api(role)`` → a client signed in as that person of the ``network`` fixture."""

    def make(role: str) -> APIClient:
        return client_for(None if role == "anonymous" else getattr(network, role))

    return make


def challenge_in(network, state: str, *, visibility: str = "network", title: str = "Anerkennung dauert zu lange") -> Challenge:
    """A challenge of ``network.org`` filed by ``network.partner``, moved to ``state`` by the
    coordinator with ``network.group`` as its working group (from ``analysed`` on)."""
    challenge = file_challenge(
        actor=network.partner, organisation=network.org, visibility=visibility, title=title
    )
    if state == State.CLOSED:
        # Closed after the group analysed it, so the group stays assigned.
        challenge = advance(challenge, State.ANALYSED, actor=network.coordinator, group=network.group)
        return advance(challenge, State.CLOSED, actor=network.coordinator, group=network.group)
    if state != State.REPORTED:
        challenge = advance(challenge, state, actor=network.coordinator, group=network.group)
    return challenge


def snapshot(challenge: Challenge) -> dict:
    """Everything a refused request must leave as it was."""
    fresh = Challenge.objects.get(pk=challenge.pk)
    return {
        "state": fresh.state,
        "state_entered_at": fresh.state_entered_at,
        "updated_at": fresh.updated_at,
        "title": fresh.title,
        "description": fresh.description,
        "visibility": fresh.visibility,
        "organisation": fresh.organisation_id,
        "reporter": fresh.reporter_id,
        "working_group": fresh.working_group_id,
        "closure_reason": fresh.closure_reason,
        "target_groups": sorted(fresh.target_groups.values_list("pk", flat=True)),
        "log": list(TransitionLog.objects.filter(challenge=fresh).values_list("pk", flat=True)),
        "comments": Comment.objects.filter(challenge=fresh).count(),
        "follows": sorted(Follow.objects.filter(challenge=fresh).values_list("user_id", flat=True)),
        "approaches": Approach.objects.filter(challenge=fresh).count(),
        "events": Event.objects.filter(challenge=fresh).count(),
    }
