"""A step's answer is built from the challenge the step locked, not from a second read of the
whole detail (issue 14): it must still be exactly the detail a GET right after returns, for
every step, with the records the step (or an earlier one) wrote, and cost a fixed number of
queries."""

from __future__ import annotations

import pytest

from tests.factories import referral_body
from workflows import services
from workflows.models import State

from .conftest import challenge_in, client_for
from .test_query_counts import AUTH, ROLES
from .test_typed_transitions import SOURCE, post, valid

pytestmark = pytest.mark.django_db


def _answer_and_detail(client, challenge, name, body):
    response = post(client, challenge, name, {"expected_state": challenge.state, **body})
    assert response.status_code == 200, response.content
    detail = client.get(f"/api/v1/challenges/{challenge.pk}/")
    assert detail.status_code == 200
    return response.json(), detail.json()


@pytest.mark.parametrize("name", list(SOURCE))
def test_every_steps_answer_is_the_detail_read_after_it(network, name):
    challenge = challenge_in(network, SOURCE[name])
    client = client_for(network.coordinator)

    answer, detail = _answer_and_detail(client, challenge, name, valid(name, network))

    assert answer == detail
    assert answer["state"] != SOURCE[name]


def test_a_trial_with_partners_and_its_evaluation_are_in_the_answer(network):
    challenge = challenge_in(network, State.TRIALLED)
    client = client_for(network.coordinator)

    answer, detail = _answer_and_detail(client, challenge, "evaluate", valid("evaluate", network))

    assert answer == detail
    (trial,) = answer["trials"]
    assert trial["partners"] == [{"id": network.org.pk, "name": network.org.name}]
    assert trial["evaluation"]["outcome"] == "partly"
    assert answer["approaches"] and answer["analysis"]["root_causes"]


def test_a_referral_and_its_reopening_answer_the_detail(network):
    challenge = challenge_in(network, State.ANALYSED)
    client = client_for(network.coordinator)
    body = referral_body()

    closed, detail = _answer_and_detail(
        client, challenge, "close", {"reason": "referred", "referral_body": body.pk}
    )
    assert closed == detail and closed["referral_body"]["id"] == body.pk
    challenge.refresh_from_db()

    reopened, detail = _answer_and_detail(client, challenge, "reopen", {"reason": "Neu"})
    assert reopened == detail and reopened["referral_body"] is None


def test_analysing_again_after_a_reopening_answers_the_earlier_records(network):
    # Closed while its approach was proposed, unassigned, reopened: back to ``reported`` with
    # its approach and earlier analysis; analysing it again replaces the analysis.
    challenge = challenge_in(network, State.APPROACH_PROPOSED)
    services.challenge_close(actor=network.coordinator, challenge=challenge, reason="out_of_scope")
    services.challenge_assign_working_group(
        actor=network.coordinator, challenge=challenge, working_group=None
    )
    challenge = services.challenge_reopen(
        actor=network.coordinator, challenge=challenge, reason="Doch"
    )
    assert challenge.state == State.REPORTED
    client = client_for(network.coordinator)

    answer, detail = _answer_and_detail(
        client, challenge, "analyse",
        {"working_group": network.group.pk, "root_causes": "Neu gesehen", "affected": "Alle"},
    )

    assert answer == detail
    assert answer["analysis"]["root_causes"] == "Neu gesehen"
    assert [a["title"] for a in answer["approaches"]] == ["Lotsenprogramm"]


def test_the_api_step_costs_a_fixed_number_of_queries(
    network, django_assert_num_queries, django_capture_on_commit_callbacks
):
    challenge = challenge_in(network, State.REPORTED)
    client = client_for(network.coordinator)
    # + the working group the input names (the row is not read before the step: its lock
    # answers who may see it and whether the step is possible); the transaction (a savepoint
    # here, inside the test's transaction: 2) with the row lock joined with what the answer
    # shows and the search entry, the analysis (one upsert), the save, the approaches and the
    # trials with their evaluations (once, for the search entry and the answer), the entry
    # (on PostgreSQL with the row's vector in one statement) and its vocabulary deltas, the
    # log row, the stay (3), the event; the answer's target groups. (No read after the
    # commit: the referral hand-over is told of referrals only.)
    expected = AUTH + ROLES + 1 + 2 + 1 + 1 + 1 + 2 + 2 + 1 + 3 + 1 + 1

    with django_assert_num_queries(expected), django_capture_on_commit_callbacks(execute=True):
        response = post(client, challenge, "analyse", {
            "expected_state": "reported", "working_group": network.group.pk,
            "root_causes": "Zu wenige Beratungsstellen", "affected": "Pflegekräfte",
        })

    assert response.status_code == 200, response.content
