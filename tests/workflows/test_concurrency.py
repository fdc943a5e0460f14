"""Two people pressing the same button at once: exactly one transition happens.

Runs on PostgreSQL (the production database) with two real connections racing; CI always has
it, so there this test never skips."""

import datetime
import os
import threading

import pytest
from django.db import connection, connections

from core.exceptions import TransitionNotAllowed
from tests.builders import advance, file_challenge
from workflows import services
from workflows.models import Challenge, State, TransitionLog, Trial

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql" and os.environ.get("CI") != "true",
    reason="row locks are raced on PostgreSQL (set DATABASE_URL); CI always runs this",
)


def race(n, action):
    barrier = threading.Barrier(n)
    outcomes = []

    def run(i):
        try:
            barrier.wait(timeout=10)
            outcomes.append(("ok", action(i)))
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            outcomes.append(("error", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_racing_the_same_transition_make_exactly_one(network):
    assert connection.vendor == "postgresql", "this race must run on PostgreSQL"
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    actors = [network.coordinator, network.group_member]

    outcomes = race(
        2,
        lambda i: services.challenge_analyse(
            actor=actors[i], challenge=challenge.pk, working_group=network.group,
            root_causes=f"Ursache {i}", affected="Pflegekräfte",
        ).state,
    )

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, TransitionNotAllowed)
    assert Challenge.objects.get(pk=challenge.pk).state == State.ANALYSED
    assert TransitionLog.objects.filter(challenge=challenge, transition="analyse").count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_racing_mutually_exclusive_transitions_make_exactly_one(network):
    """From approach_proposed, closing and starting a trial exclude each other: whichever
    wins, the other finds a state it cannot leave that way."""
    assert connection.vendor == "postgresql"
    challenge = advance(
        file_challenge(actor=network.partner, organisation=network.org),
        State.APPROACH_PROPOSED, actor=network.coordinator, group=network.group,
    )

    def act(i):
        if i == 0:
            return services.challenge_close(
                actor=network.coordinator, challenge=challenge.pk, reason="out_of_scope"
            ).state
        return services.challenge_start_trial(
            actor=network.group_member, challenge=challenge.pk, start=datetime.date(2026, 1, 1),
            planned_end=datetime.date(2026, 3, 1), partners=[network.org],
        ).state

    outcomes = race(2, act)

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    assert isinstance(next(v for k, v in outcomes if k == "error"), TransitionNotAllowed)
    final = Challenge.objects.get(pk=challenge.pk).state
    assert final in (State.CLOSED, State.TRIALLED)
    later = TransitionLog.objects.filter(challenge=challenge, from_state=State.APPROACH_PROPOSED)
    assert later.count() == 1
    assert Trial.objects.filter(challenge=challenge).count() == (1 if final == State.TRIALLED else 0)
