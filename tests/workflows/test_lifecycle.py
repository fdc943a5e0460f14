"""The challenge lifecycle of DESIGN.md: every allowed step by every role allowed to make it,
and every refused one (wrong state, wrong role, missing input) leaving everything as it was."""

import datetime

import pytest

from core.exceptions import MissingInput, NotFound, PermissionDenied, TransitionNotAllowed
from tests.builders import advance, file_challenge
from tests.factories import referral_body
from workflows import services
from workflows.models import (
    Analysis,
    Approach,
    Challenge,
    Evaluation,
    Event,
    GoodPractice,
    State,
    TransitionLog,
    Trial,
)

pytestmark = pytest.mark.django_db

SOURCES = {
    "analyse": [State.REPORTED],
    "propose_approach": [State.ANALYSED],
    "start_trial": [State.APPROACH_PROPOSED],
    "evaluate": [State.TRIALLED],
    "revise_approach": [State.TRIALLED],
    "close": [State.REPORTED, State.ANALYSED, State.APPROACH_PROPOSED],
    "reopen": [State.EVALUATED, State.CLOSED],
}
TARGETS = {
    "analyse": State.ANALYSED,
    "propose_approach": State.APPROACH_PROPOSED,
    "start_trial": State.TRIALLED,
    "evaluate": State.EVALUATED,
    "revise_approach": State.APPROACH_PROPOSED,
    "close": State.CLOSED,
    "reopen": State.ANALYSED,
}
LIFECYCLE = ["analyse", "propose_approach", "start_trial", "evaluate", "revise_approach"]


def valid_input(name, challenge, network):
    data = {
        "analyse": {"working_group": network.group.pk, "root_causes": "Fehlende Unterlagen", "affected": "Pflegekräfte"},
        "propose_approach": {"approaches": [{"title": "Lotsen", "description": "Begleitung", "selected": True}]},
        "start_trial": {"start": "2026-03-01", "planned_end": "2026-06-30", "partners": [network.org.pk]},
        "evaluate": {"outcome": "successful", "evidence": "Dauer halbiert", "lessons_learned": "Früh anfangen"},
        "revise_approach": {"reason": "Partner ist abgesprungen"},
        "close": {"reason": "referred", "referral_body": referral_body().pk},
        "reopen": {"reason": "Neue Erkenntnisse"},
    }[name]
    return {"expected_state": challenge.state, **data}


def challenge_in(state, network, visibility="network"):
    challenge = file_challenge(actor=network.partner, organisation=network.org, visibility=visibility)
    if state == State.CLOSED:
        return advance(challenge, State.CLOSED, actor=network.coordinator, group=network.group)
    return advance(challenge, state, actor=network.coordinator, group=network.group)


def assign(challenge, network):
    """Make sure ``network.group`` is assigned (a reported challenge has no group yet)."""
    return services.challenge_assign_working_group(
        actor=network.coordinator, challenge=challenge, working_group=network.group
    )


def snapshot(challenge):
    fresh = Challenge.objects.get(pk=challenge.pk)
    return {
        "state": fresh.state,
        "state_entered_at": fresh.state_entered_at,
        "working_group": fresh.working_group_id,
        "closure": (fresh.closure_reason, fresh.duplicate_of_id, fresh.referred_to),
        "log": list(TransitionLog.objects.filter(challenge=fresh).values_list("id", flat=True)),
        "analysis": list(Analysis.objects.filter(challenge=fresh).values_list("id", "root_causes")),
        "approaches": list(Approach.objects.filter(challenge=fresh).values_list("id", "selected")),
        "trials": list(Trial.objects.filter(challenge=fresh).values_list("id", "status")),
        "evaluations": Evaluation.objects.filter(challenge=fresh).count(),
        "events": Event.objects.filter(challenge=fresh).count(),
        "good_practices": GoodPractice.objects.count(),
    }


ALLOWED = [
    (name, state, role)
    for name, states in SOURCES.items()
    for state in states
    for role in (["coordinator"] if name in ("close", "reopen") else ["coordinator", "group_member"])
]


@pytest.mark.parametrize("name,state,role", ALLOWED)
def test_allowed_transition(network, name, state, role):
    challenge = challenge_in(state, network)
    if role == "group_member" and challenge.working_group_id is None:
        challenge = assign(challenge, network)
    actor = getattr(network, role)
    log_before = TransitionLog.objects.filter(challenge=challenge).count()

    result = services.challenge_transition(
        actor=actor, challenge=challenge, name=name, data=valid_input(name, challenge, network)
    )

    # Reopening a challenge closed before any analysis puts it back to "reported".
    target = State.REPORTED if (name, state) == ("reopen", State.CLOSED) else TARGETS[name]
    assert result.state == target
    fresh = Challenge.objects.get(pk=challenge.pk)
    assert fresh.state == target
    assert fresh.state_entered_at >= challenge.state_entered_at
    entries = TransitionLog.objects.filter(challenge=challenge).order_by("id")
    assert entries.count() == log_before + 1
    last = entries.last()
    assert (last.transition, last.from_state, last.to_state, last.actor) == (name, state, target, actor)
    assert Event.objects.filter(transition_log=last, kind=Event.Kind.TRANSITION).count() == 1


def test_an_unassigned_challenge_is_picked_up_by_a_group_member_for_their_group(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    result = services.challenge_analyse(
        actor=network.group_member, challenge=challenge, working_group=network.group,
        root_causes="Zuständigkeiten unklar", affected="Arbeitgeber",
    )
    assert result.state == State.ANALYSED
    assert result.working_group == network.group
    assert result.analysis.root_causes == "Zuständigkeiten unklar"


WRONG_STATE = [
    (name, state)
    for name in SOURCES
    for state in State.values
    if state not in SOURCES[name]
]


@pytest.mark.parametrize("name,state", WRONG_STATE)
def test_transition_from_a_wrong_state_changes_nothing(network, name, state):
    challenge = challenge_in(state, network)
    before = snapshot(challenge)
    with pytest.raises(TransitionNotAllowed):
        services.challenge_transition(
            actor=network.coordinator, challenge=challenge, name=name,
            data=valid_input(name, challenge, network),
        )
    assert snapshot(challenge) == before


WRONG_ROLE = [
    (name, state, role)
    for name, states in SOURCES.items()
    for state in states[:1]
    for role in ["partner", "other_partner", "stakeholder", "outsider_member"]
    + (["group_member"] if name in ("close", "reopen") else [])
]


@pytest.mark.parametrize("name,state,role", WRONG_ROLE)
def test_transition_by_a_role_without_the_right_changes_nothing(network, name, state, role):
    challenge = challenge_in(state, network)
    if challenge.working_group_id is None:
        challenge = assign(challenge, network)  # so "another group" really is another one
    before = snapshot(challenge)
    with pytest.raises(PermissionDenied):
        services.challenge_transition(
            actor=getattr(network, role), challenge=challenge, name=name,
            data=valid_input(name, challenge, network),
        )
    assert snapshot(challenge) == before


@pytest.mark.parametrize("name", list(SOURCES))
def test_a_restricted_challenge_is_not_found_for_those_who_may_not_see_it(network, name):
    challenge = challenge_in(SOURCES[name][0], network, visibility="restricted")
    before = snapshot(challenge)
    for role in ("other_partner", "stakeholder", "outsider_member"):
        with pytest.raises(NotFound):
            services.challenge_transition(
                actor=getattr(network, role), challenge=challenge, name=name,
                data=valid_input(name, challenge, network),
            )
    assert snapshot(challenge) == before


REQUIRED = {
    "analyse": ["working_group", "root_causes", "affected"],
    "propose_approach": ["approaches", "expected_state"],
    "start_trial": ["start", "planned_end", "partners"],
    "evaluate": ["outcome", "evidence", "lessons_learned"],
    "revise_approach": ["reason"],
    "close": ["reason"],
    "reopen": ["reason"],
}
MISSING = [(name, field) for name, fields in REQUIRED.items() for field in fields]


@pytest.mark.parametrize("name,field", MISSING)
def test_transition_with_missing_input_changes_nothing(network, name, field):
    challenge = challenge_in(SOURCES[name][0], network)
    data = valid_input(name, challenge, network)
    data.pop(field)
    before = snapshot(challenge)
    with pytest.raises(MissingInput) as error:
        services.challenge_transition(actor=network.coordinator, challenge=challenge, name=name, data=data)
    assert field in error.value.fields
    assert snapshot(challenge) == before


@pytest.mark.parametrize(
    "name,data,field",
    [
        ("analyse", {"working_group": "x", "root_causes": "a", "affected": "b"}, "working_group"),
        ("analyse", {"working_group": 999999, "root_causes": "a", "affected": "b"}, "working_group"),
        ("propose_approach", {"approaches": [{"title": "", "description": "d"}]}, "approaches"),
        ("propose_approach", {"approaches": [{"title": "t", "description": "d"}]}, "approaches"),
        ("propose_approach", {"approaches": [{"title": "t", "description": "d", "selected": True}, {"title": "u", "description": "e", "selected": True}]}, "approaches"),
        ("propose_approach", {"approaches": "nope"}, "approaches"),
        ("propose_approach", {"approaches": [{"title": "t\x00", "description": "d", "selected": True}]}, "approaches"),
        ("start_trial", {"start": "2026-06-30", "planned_end": "2026-03-01", "partners": "ORG"}, "planned_end"),
        ("start_trial", {"start": "2026-06-30", "planned_end": "2026-06-30", "partners": "ORG"}, "planned_end"),
        ("start_trial", {"start": "1999-12-31", "planned_end": "2026-03-01", "partners": "ORG"}, "start"),
        ("start_trial", {"start": "2026-03-01", "planned_end": "2101-01-01", "partners": "ORG"}, "planned_end"),
        ("start_trial", {"start": "yesterday", "planned_end": "2026-03-01", "partners": "ORG"}, "start"),
        ("evaluate", {"outcome": "great", "evidence": "e", "lessons_learned": "l"}, "outcome"),
        ("evaluate", {"outcome": "partly", "evidence": "e\x00", "lessons_learned": "l"}, "evidence"),
        ("close", {"reason": "duplicate"}, "duplicate_of"),
        ("close", {"reason": "referred"}, "referral_body"),
        ("close", {"reason": "referred", "referral_body": 999999}, "referral_body"),
        ("close", {"reason": "bored"}, "reason"),
        ("reopen", {"reason": 5}, "reason"),
    ],
)
def test_invalid_input_is_refused_and_changes_nothing(network, name, data, field):
    challenge = challenge_in(SOURCES[name][0], network)
    if data.get("partners") == "ORG":
        data = {**data, "partners": [network.org.pk]}
    data = {"expected_state": challenge.state, **data}
    before = snapshot(challenge)
    with pytest.raises(MissingInput) as error:
        services.challenge_transition(actor=network.coordinator, challenge=challenge, name=name, data=data)
    assert field in error.value.fields
    assert snapshot(challenge) == before


def test_a_group_member_cannot_pick_up_for_a_group_they_are_not_in(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    before = snapshot(challenge)
    with pytest.raises(MissingInput) as error:
        services.challenge_analyse(
            actor=network.group_member, challenge=challenge, working_group=network.other_group,
            root_causes="a", affected="b",
        )
    assert "working_group" in error.value.fields
    assert snapshot(challenge) == before


def test_a_group_cannot_take_a_challenge_assigned_to_another_group(network):
    challenge = assign(file_challenge(actor=network.partner, organisation=network.org), network)
    with pytest.raises(PermissionDenied):
        services.challenge_analyse(
            actor=network.outsider_member, challenge=challenge, working_group=network.other_group,
            root_causes="a", affected="b",
        )


def test_an_unknown_transition_name_is_refused(network):
    challenge = challenge_in(State.REPORTED, network)
    with pytest.raises(TransitionNotAllowed):
        services.challenge_transition(actor=network.coordinator, challenge=challenge, name="delete", data={})


def test_closing_as_duplicate_records_which_and_reopen_clears_it(network):
    original = challenge_in(State.REPORTED, network)
    duplicate = challenge_in(State.REPORTED, network)
    closed = services.challenge_close(
        actor=network.coordinator, challenge=duplicate, reason="duplicate", duplicate_of=original
    )
    assert (closed.closure_reason, closed.duplicate_of) == ("duplicate", original)
    reopened = services.challenge_reopen(actor=network.coordinator, challenge=duplicate, reason="Doch anders")
    # Closed before any analysis: it goes back to "reported".
    assert (reopened.state, reopened.closure_reason, reopened.duplicate_of) == (State.REPORTED, "", None)
    assert reopened.log.last().note == "Doch anders"


def test_revise_abandons_the_trial_and_a_new_trial_can_start(network):
    challenge = challenge_in(State.TRIALLED, network)
    first_trial = challenge.trials.get()
    revised = services.challenge_revise_approach(
        actor=network.group_member, challenge=challenge, reason="Partner abgesprungen",
        approaches=[services.ApproachInput("Neuer Ansatz", "Anders herum")], selected=0,
    )
    first_trial.refresh_from_db()
    assert revised.state == State.APPROACH_PROPOSED
    assert (first_trial.status, first_trial.abandoned_reason) == (Trial.Status.ABANDONED, "Partner abgesprungen")
    assert list(revised.approaches.filter(selected=True).values_list("title", flat=True)) == ["Neuer Ansatz"]
    again = services.challenge_start_trial(
        actor=network.group_member, challenge=challenge, start=datetime.date(2026, 7, 1),
        planned_end=datetime.date(2026, 9, 30), partners=[network.org],
    )
    assert again.state == State.TRIALLED
    assert again.trials.get(status=Trial.Status.RUNNING).approach.title == "Neuer Ansatz"


def test_an_unsuccessful_evaluation_is_kept_as_lesson_not_as_good_practice(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    challenge = advance(challenge, State.EVALUATED, actor=network.coordinator, group=network.group, outcome="not_successful")
    assert challenge.evaluations.get().lessons_learned == "Früh beginnen"
    assert GoodPractice.objects.count() == 0


def test_the_whole_path_logs_every_step_with_actor_time_and_states(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    challenge = advance(challenge, State.EVALUATED, actor=network.group_member, group=network.group)
    steps = list(challenge.log.values_list("transition", "from_state", "to_state"))
    assert steps == [
        ("file", "", "reported"),
        ("analyse", "reported", "analysed"),
        ("propose_approach", "analysed", "approach_proposed"),
        ("start_trial", "approach_proposed", "trialled"),
        ("evaluate", "trialled", "evaluated"),
    ]
    assert set(challenge.log.values_list("actor", flat=True)) == {network.partner.pk, network.group_member.pk}


def test_the_state_cannot_be_set_directly(network):
    challenge = challenge_in(State.REPORTED, network)
    with pytest.raises(AttributeError):
        challenge.state = State.EVALUATED
