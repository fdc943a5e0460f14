"""The board asks the step rules once per (state, ``permissions.step_rights_key``) instead of
once per card: the answers must be those of asking for every card, for every state, role and
kind of challenge (visibility, reporting organisation, assigned working group)."""

import itertools

import pytest

from workflows import selectors
from workflows.models import Challenge, State

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "partner", "other_partner", "group_member", "outsider_member",
         "stakeholder"]


def every_kind_of_challenge(network) -> list[Challenge]:
    """One unsaved challenge per state × visibility × organisation × working group: the rules
    read only these columns (and the state machine only the state)."""
    kinds = itertools.product(
        State.values,
        ["network", "restricted"],
        [network.org.pk, network.other_org.pk, network.group_org.pk],
        [None, network.group.pk, network.other_group.pk],
    )
    return [
        Challenge(pk=n, state=state, visibility=visibility, organisation_id=org,
                  working_group_id=group)
        for n, (state, visibility, org, group) in enumerate(kinds, start=1)
    ]


@pytest.mark.parametrize("role", ROLES)
def test_steps_once_per_key_are_the_steps_per_card(network, role):
    user = getattr(network, role)
    challenges = every_kind_of_challenge(network)
    per_card = [selectors.allowed_transitions_for(user, c) for c in challenges]
    assert selectors.allowed_transitions_for_each(user, challenges) == per_card


def test_the_comparison_sees_different_answers(network):
    """The kinds above do lead to different steps, so the comparison could fail."""
    challenges = every_kind_of_challenge(network)
    answers = {
        (role, tuple(spec.name for spec in selectors.allowed_transitions_for(getattr(network, role), c)))
        for role in ROLES for c in challenges
    }
    group_member_answers = {names for role, names in answers if role == "group_member"}
    assert {(), ("analyse",), ("propose_approach",)} <= group_member_answers
    assert ("analyse", "close") in {names for role, names in answers if role == "coordinator"}
