"""The search vocabulary is kept by appending deltas and folding them after the commit (issue 14:
transitions with common words used to wait on the shared ``SearchTerm`` rows)."""

from __future__ import annotations

import os
import random
import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction

from core.celery import app as celery_app
from notifications.tasks import fold_search_vocabulary
from tests.builders import advance, file_challenge
from workflows import services
from workflows.models import Challenge, State
from workflows.search import index
from workflows.search.analysis import terms
from workflows.search.models import SearchTerm, SearchTermDelta

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql" and os.environ.get("CI") != "true",
    reason="row locks and concurrent folds are raced on PostgreSQL (set DATABASE_URL)",
)


def vocabulary() -> set[tuple[str, str, int]]:
    return set(SearchTerm.objects.values_list("scope", "term", "documents"))


def term_counts() -> set[tuple[str, str, int]]:
    """The vocabulary without its document-count rows."""
    return {row for row in vocabulary() if row[1]}


def test_a_change_appends_deltas_and_the_fold_adds_them_once(network):
    before = vocabulary()
    file_challenge(actor=network.partner, organisation=network.org, title="Nachtbus fehlt")
    # The change itself leaves the shared rows alone.
    assert vocabulary() == before
    nachtbus = terms("Nachtbus")[0]
    assert SearchTermDelta.objects.filter(term=nachtbus, change=1).count() == 1

    assert index.fold_vocabulary() > 0
    after = vocabulary()
    assert ("challenge", nachtbus, 1) in after
    assert SearchTermDelta.objects.count() == 0
    # Folding again (a repeated beat run) changes nothing.
    assert index.fold_vocabulary() == 0
    assert vocabulary() == after


def test_the_fold_task_folds_and_is_scheduled(network):
    file_challenge(actor=network.partner, organisation=network.org, title="Nachtbus fehlt")
    assert fold_search_vocabulary() > 0
    assert SearchTerm.objects.get(scope="challenge", term=terms("Nachtbus")[0]).documents == 1
    schedule = {job["task"] for job in celery_app.conf.beat_schedule.values()}
    assert "workflows.fold_search_vocabulary" in schedule


def test_vocabulary_after_a_series_of_changes_equals_a_full_rebuild(network):
    first = file_challenge(actor=network.partner, organisation=network.org,
                           title="Pflegefachkräfte fehlen", description="Zu wenige Bewerbungen.")
    second = file_challenge(actor=network.partner, organisation=network.org,
                            title="Busverbindung fehlt", description="Kein Nachtbus.")
    index.fold_vocabulary()  # part folded, part pending: the fold must add up across runs
    advance(first, State.EVALUATED, actor=network.coordinator, group=network.group)
    services.challenge_update(actor=network.partner, challenge=second, title="Nachtbus fehlt")
    services.challenge_analyse(
        actor=network.coordinator, challenge=second, working_group=network.group,
        root_causes="Zu wenige Beratungsstellen", affected="Pflegekräfte",
    )
    index.fold_vocabulary()
    folded = vocabulary()
    # "Busverbindung" left the only document that had it: gone from the vocabulary, as in a
    # rebuild.
    assert not SearchTerm.objects.filter(term=terms("Busverbindung")[0]).exists()

    index.rebuild()

    assert vocabulary() == folded
    assert SearchTerm.objects.get(scope="challenge", term="").documents == 2


def test_rebuild_drops_pending_deltas_it_has_counted(network):
    file_challenge(actor=network.partner, organisation=network.org, title="Nachtbus fehlt")
    index.rebuild()
    rebuilt = vocabulary()
    assert SearchTermDelta.objects.count() == 0
    index.fold_vocabulary()
    assert vocabulary() == rebuilt


def _random_deltas(seed: int, n: int) -> Counter[tuple[str, str]]:
    """``n`` deltas over a few terms whose running sums stay ≥ 0 in id order (as real ones
    do: a term is removed only from a document that had it)."""
    rng = random.Random(seed)
    totals: Counter[tuple[str, str]] = Counter()
    rows = []
    for _ in range(n):
        key = ("challenge", f"wort{rng.randrange(12)}")
        change = -1 if totals[key] > 0 and rng.random() < 0.4 else 1
        totals[key] += change
        rows.append(SearchTermDelta(scope=key[0], term=key[1], change=change))
    SearchTermDelta.objects.bulk_create(rows)
    return totals


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_count_every_delta_exactly_once(network):
    SearchTerm.objects.create(scope="challenge", term="wort0", documents=5)
    totals = _random_deltas(seed=14, n=3000)
    totals[("challenge", "wort0")] += 5
    barrier = threading.Barrier(2)
    folded: list[int] = []
    errors: list[BaseException] = []

    def fold() -> None:
        try:
            barrier.wait(timeout=10)
            folded.append(index.fold_vocabulary(batch=100))  # many small interleaved batches
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(folded) == 3000
    assert SearchTermDelta.objects.count() == 0
    expected = {("challenge", term, n) for (_, term), n in totals.items() if n}
    assert term_counts() == expected
    # Twice: nothing left to add.
    assert index.fold_vocabulary() == 0
    assert term_counts() == expected


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_transition_locks_no_search_term_row(network):
    """Another connection holding every vocabulary row (a fold, say) does not hold up a
    transition whose analysis adds terms the vocabulary already has."""
    file_challenge(actor=network.partner, organisation=network.org,
                   description="Zu wenige Beratungsstellen für Pflegekräfte.")
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    index.fold_vocabulary()
    assert SearchTerm.objects.filter(term__in=terms("Beratungsstellen")).exists()
    locked, release = threading.Event(), threading.Event()

    def hold_every_term() -> None:
        try:
            with transaction.atomic():
                list(SearchTerm.objects.select_for_update().values_list("pk", flat=True))
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    outcome: list[object] = []

    def analyse() -> None:
        try:
            with connection.cursor() as cursor:  # fail instead of hanging if it does wait
                cursor.execute("SET lock_timeout = '5s'")
            outcome.append(services.challenge_analyse(
                actor=network.coordinator, challenge=challenge.pk, working_group=network.group,
                root_causes="Zu wenige Beratungsstellen", affected="Pflegekräfte",
            ).state)
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcome.append(exc)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_every_term)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        worker = threading.Thread(target=analyse)
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "the transition waited on a SearchTerm row"
    finally:
        release.set()
        holder.join(timeout=30)
    assert outcome == [State.ANALYSED]
    assert Challenge.objects.get(pk=challenge.pk).state == State.ANALYSED
