"""The queries of one transition (issue 14: transitions through the API at c=8). Pinned so a
change that adds work inside the transaction, where it holds the challenge's row lock, shows."""

from __future__ import annotations

import pytest

from tests.builders import file_challenge
from workflows import services


@pytest.mark.parametrize("earlier", [0, 20])
def test_analyse_queries_do_not_grow_with_the_network(network, earlier, django_assert_num_queries):
    for i in range(earlier):
        file_challenge(actor=network.partner, organisation=network.org, title=f"Vorher {i}")
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    # 15 statements whatever the network's size: roles (one query); in the transaction (a savepoint
    # here) the row lock (joined with the analysis, the search entry and what the step's
    # answer shows), the analysis (one upsert), the save; the search entry (the approaches and
    # the trials with their evaluations read once, the entry's update, on PostgreSQL in one
    # statement with the challenge row's search vector) and the vocabulary's delta rows (one
    # insert: no shared row locked, folded later; it was insert, lock, +1, −1 on the rows
    # every transition with the same words waited on, see #14); the log row; the stay (the
    # running one, its end, the new one: this challenge's rows only); the event. Was 24 before
    # the lock read the joins, the analysis was an upsert (update_or_create: lock, 2
    # savepoints) and the evaluations came with the trials.
    with django_assert_num_queries(15):
        services.challenge_analyse(
            actor=network.coordinator, challenge=challenge, working_group=network.group,
            root_causes="Zu wenige Beratungsstellen", affected="Pflegekräfte",
        )
