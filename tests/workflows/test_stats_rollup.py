"""The statistics from the stays and their rollups (issue 14) give the numbers of the former
replay of the transition log (``stats_oracle``), before and after the rollup job ran, for
windows in the past, ending today and of one edge day, with reopened challenges; with a
constant number of queries."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Region, TargetGroup, Topic
from tests.builders import advance, file_challenge
from workflows import (
    permissions,
    services,
    stats,
    stats_breakdowns,
    stats_counts,
    stats_memo,
    stats_rollup,
    stats_window,
)
from workflows.models import (
    BreakdownCount,
    Challenge,
    ChallengeStay,
    OpenStayDay,
    State,
    StatsDay,
    StayLength,
)

from . import stats_oracle

# Monday 5 January 2026, 09:00 UTC; local midnight (Europe/Berlin, winter) is 23:00 UTC.
T0 = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def at(days: float, hours: float = 0.0):
    return time_machine.travel(T0 + datetime.timedelta(days=days, hours=hours), tick=False)


def _step(network, challenge, to_state):
    actor = network.coordinator
    return advance(challenge, to_state, actor=actor, group=network.group)


def _reopen(network, challenge):
    return services.challenge_reopen(actor=network.coordinator, challenge=challenge, reason="neu")


@pytest.fixture
def built(network):
    """Twelve challenges over ten weeks: every path, two reopenings (after an evaluation and
    after a closing before any analysis), a revised approach, steps on the same day and a
    step at local midnight exactly."""
    made = []
    for i in range(12):
        with at(i * 3, hours=i % 5):
            made.append(file_challenge(
                actor=network.partner if i % 3 else network.other_partner,
                organisation=network.org if i % 3 else network.other_org,
                visibility="restricted" if i % 4 == 0 else "network", title=f"S{i}",
            ))
    paths = {
        0: [(2, State.ANALYSED), (9, State.APPROACH_PROPOSED), (13, State.TRIALLED),
            (20, State.EVALUATED)],
        1: [(1, State.ANALYSED), (1.5, State.APPROACH_PROPOSED)],
        2: [(0.5, State.CLOSED)],
        3: [(4, State.ANALYSED), (25, State.APPROACH_PROPOSED), (30, State.TRIALLED)],
        4: [(3, State.ANALYSED), (6, State.CLOSED)],
        5: [(10, State.ANALYSED), (11, State.APPROACH_PROPOSED), (12, State.TRIALLED),
            (14, State.EVALUATED)],
        6: [(7, State.ANALYSED)],
        8: [(2, State.ANALYSED), (3, State.APPROACH_PROPOSED), (8, State.TRIALLED)],
    }
    for i, steps in paths.items():
        for day, state in steps:
            with at(i * 3 + day):
                made[i] = _step(network, Challenge.objects.get(pk=made[i].pk), state)
    with at(40):
        made[0] = _reopen(network, made[0])  # evaluated → analysed
    with at(41):
        made[2] = _reopen(network, made[2])  # closed before any analysis → reported
    with at(44):
        made[8] = services.challenge_revise_approach(
            actor=network.coordinator, challenge=made[8], reason="abgebrochen"
        )
    # Local midnight exactly (23:00 UTC in winter): the step belongs to the next local day.
    with time_machine.travel(datetime.datetime(2026, 2, 20, 23, 0, tzinfo=datetime.UTC),
                             tick=False):
        made[6] = _step(network, Challenge.objects.get(pk=made[6].pk), State.APPROACH_PROPOSED)
    with at(50):
        made[5] = _reopen(network, made[5])
    return made


WINDOWS = [
    (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),  # the whole history
    (datetime.date(2026, 1, 20), datetime.date(2026, 2, 20)),  # ends on the edge day
    (datetime.date(2026, 2, 21), datetime.date(2026, 2, 21)),  # the day after midnight's step
    # Starts late in a rolled-up month: the breakdowns read January less its first nine days.
    (datetime.date(2026, 1, 10), datetime.date(2026, 2, 28)),
]


def _compare(user, today_days: float):
    with at(today_days):
        today = stats_window.timezone.localdate()
        for start, end in [*WINDOWS, (today - datetime.timedelta(days=27), today)]:
            window = stats_window.Window(start, end)
            new = stats_window.window_stats_for(user, window)
            old = stats_oracle.window_stats_for(user, window)
            # The oracle has dataclasses of its own: compare their fields.
            new, old = dataclasses.asdict(new), dataclasses.asdict(old)
            for name in ("weeks", "cycle_time", "waiting_time", "filed", "finished",
                         "breakdowns"):
                assert new[name] == old[name], (name, user, window)
        q = permissions.visible_challenges_q(user)
        visible = Challenge.objects.all() if q is None else Challenge.objects.filter(q)
        assert stats_window.completed_stay_days(user) == stats_oracle.completed_stay_days(
            visible.order_by()
        )
        assert _current_counts(user) == stats_oracle.challenge_counts(visible.order_by())


def _current_counts(user):
    """The counts ``stats.challenge_stats_for`` answers, in the oracle's shape (zeros left
    out: a count of the table has no row for them)."""
    current = stats.challenge_stats_for(user)
    assert current.total == sum(c.count for c in current.by_state)
    return {
        "state": {c.state: c.count for c in current.by_state if c.count},
        "topic": {c.id: c.count for c in current.by_topic if c.count},
        "region": {c.id: c.count for c in current.by_region if c.count},
    }


def _tables():
    return (
        sorted(StatsDay.objects.values_list("day", "state", "entries", "exits", "filed")),
        sorted(StayLength.objects.values_list("day", "state", "bucket", "stays")),
        sorted(OpenStayDay.objects.values_list("state", "day", "stays")),
    )


def test_same_numbers_as_the_log_replay_before_and_after_the_rollup(network, built):
    everyone = (network.coordinator, network.partner, network.stakeholder)
    for user in everyone:
        _compare(user, 60)  # nothing rolled up yet: the stays alone
    with at(21, hours=5):
        stats_rollup.refresh()  # rolled up to day 20, running stays counted then
    _compare(network.coordinator, 60)  # the rollup plus the stays after its mark
    with at(60):
        stats_rollup.refresh()
        first = _tables()
        stats_rollup.refresh()  # a second run changes nothing
        assert _tables() == first
        stats_rollup.refresh(rebuild=True)
        assert _tables() == first
    assert sum(row[2] for row in first[0]) == ChallengeStay.objects.count()
    for user in everyone:
        _compare(user, 60.5)
    _compare(network.coordinator, 75)  # a late refresh only makes the tail longer


def test_backfill_gives_the_stays_the_services_wrote(network, built):
    columns = ("log_id", "challenge_id", "state", "filed", "entered_at", "left_at", "bucket")
    kept = sorted(ChallengeStay.objects.values_list(*columns))
    seconds = dict(ChallengeStay.objects.values_list("log_id", "seconds"))
    assert stats_rollup.backfill_stays() == len(kept)
    assert sorted(ChallengeStay.objects.values_list(*columns)) == kept
    for pk, value in ChallengeStay.objects.values_list("log_id", "seconds"):
        # SQLite's julianday() arithmetic is a float of days: exact to ~10 µs, not to 1 µs.
        assert value == pytest.approx(seconds[pk], abs=1e-3)
    # Every challenge has exactly one running stay, in its current state.
    running = dict(ChallengeStay.objects.filter(left_at__isnull=True)
                   .values_list("challenge_id", "state"))
    assert running == dict(Challenge.objects.values_list("pk", "state"))


def _queries(user, window) -> int:
    with CaptureQueriesContext(connection) as ctx:
        stats_window.window_stats_for(user, window)
        stats_window.completed_stay_days(user)
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_window_or_the_history(network, built):
    """Coordinator, window: the rollup's mark (1), flow (1), throughput (1), cycle-time
    classes of the stays since the mark, of the rolled-up days, and ranks (3), waiting-time
    classes, the stays since the count and ranks (3), the three taxonomies (3), filed/finished
    per topic, region, target group and organisation rolled up, since the mark, and the
    organisations' names (3); the median stays: mark, classes since the mark and rolled up,
    ranks (4). The three rolled-up sums are read once per generation of the rollups and
    process (``stats_memo``): 19 queries for the first request, 16 for the next. (A window in
    which no stay ended needs no cycle-time ranks: one fewer.) A partner reads the stays:
    flow, throughput, cycle, waiting, the taxonomies (3) and the breakdowns (1); the median
    stays (1)."""
    users = {"coordinator": network.coordinator, "partner": network.partner}

    def counts(today_days: float, days: int, *, held: bool = False) -> dict[str, int]:
        with at(today_days):
            today = stats_window.timezone.localdate()
            window = stats_window.Window(today - datetime.timedelta(days=days - 1), today)
            out = {}
            for role, user in users.items():
                stats_memo.forget()  # the first request after a refresh: nothing held
                out[role] = _queries(user, window)
                if held:  # the next ones: the rolled-up sums are held
                    out[role] = _queries(user, window)
            return out

    with at(60):
        stats_rollup.refresh()
    short, long = counts(61, 30), counts(61, 365)
    with at(62):
        for i in range(20):
            challenge = file_challenge(actor=network.partner, organisation=network.org,
                                       title=f"Mehr {i}")
            _step(network, challenge, State.ANALYSED)
    more = counts(63, 365)
    assert short == long == more == {"coordinator": 19, "partner": 9}
    # Held for the mark's generation: the three rolled-up sums are not read again. The
    # names of organisations counted only in rolled-up days are one query (the year's); in
    # the last 30 days every counted organisation also filed since the mark, and the query of
    # the rows since the mark names it.
    assert counts(63, 365, held=True) == {"coordinator": 16, "partner": 9}
    assert counts(63, 30, held=True) == {"coordinator": 15, "partner": 9}


def test_current_counts_read_the_rollups_in_one_query(network, built):
    """A coordinator's counts per state, topic and region now: the rollup's mark, one query of
    the rolled-up counts and the stays and filings since (``stats_counts``), the median stays'
    classes (since the mark; rolled up, once per generation) and ranks (2 or 3), the two
    taxonomies (2); before any rollup the three counts of the challenge table instead of the
    one."""

    def queries(today_days: float) -> int:
        with at(today_days), CaptureQueriesContext(connection) as ctx:
            stats.challenge_stats_for(network.coordinator)
        return len(ctx.captured_queries)

    assert queries(60) == 8
    with at(21, hours=5):
        stats_rollup.refresh()
    with at(62):
        for i in range(5):
            challenge = file_challenge(actor=network.partner, organisation=network.org,
                                       title=f"Neu {i}")
            _step(network, challenge, State.ANALYSED)
    stats_memo.forget()
    assert queries(63) == 7  # the median stays' classes: since the mark, and rolled up
    assert queries(63) == 6  # rolled up: held for the mark's generation (``stats_memo``)
    _compare(network.coordinator, 63)


def _breakdown_rows():
    return sorted(
        BreakdownCount.objects.exclude(filed=0, finished=0).values_list(
            "span", "day", "dimension", "key", "prev_day", "filed", "finished"
        )
    )


def test_breakdowns_follow_a_recategorised_challenge_and_count_a_refinished_one_once(
    network, built
):
    """A challenge closed, reopened and closed again counts once in a window holding both
    closings; a challenge whose topic, region and target groups change after its filing and
    closing were rolled up (into days and whole months) is counted under the new ones, in the
    rollup exactly as a recount from scratch would have it."""
    with at(45):
        services.challenge_close(actor=network.coordinator, challenge=built[2].pk,
                                 reason="out_of_scope")  # closed on day 6.5 and again now
    with at(60):
        stats_rollup.refresh()  # January and February folded as whole months
    assert BreakdownCount.objects.filter(span="m").exists()
    _compare(network.coordinator, 60.5)
    edited = Challenge.objects.get(pk=built[4].pk)  # filed on day 12, closed on day 18
    before = (edited.topic_id, edited.region_id, set(edited.target_groups.values_list("pk", flat=True)))
    with at(60, hours=1):
        services.challenge_update(
            actor=network.coordinator, challenge=edited.pk,
            topic=Topic.objects.exclude(pk=before[0]).order_by("pk").first(),
            region=Region.objects.exclude(pk=before[1]).order_by("pk").first(),
            target_groups=list(TargetGroup.objects.exclude(pk__in=before[2]).order_by("pk")[:2]),
        )
    edited.refresh_from_db()
    assert edited.topic_id != before[0] and edited.region_id != before[1]
    for user in (network.coordinator, network.partner):
        _compare(user, 60.5)
    moved = _breakdown_rows()
    with at(60.5):
        stats_rollup.refresh(rebuild=True)
    assert _breakdown_rows() == moved
    # Before any rollup an edit has nothing to move.
    BreakdownCount.objects.all().delete()
    stats_rollup.StatsMark.objects.all().delete()
    with at(61):
        services.challenge_update(actor=network.coordinator, challenge=edited.pk,
                                  topic=Topic.objects.get(pk=before[0]))
    assert not BreakdownCount.objects.exists()
    _compare(network.coordinator, 61.5)


def test_current_counts_refuse_a_mark_that_moved(network, built):
    """A refresh that committed after the mark was read: the rolled-up counts belong to another
    mark, so ``stats_counts`` answers nothing and the caller counts the table."""
    with at(60):
        stats_rollup.refresh()
        mark = stats_rollup.StatsMark.objects.get(key="rollup")
        now = stats_window.timezone.now()
        assert stats_counts.current_counts(mark.days_through, mark.rolled_until, mark.open_at, now) is not None
        earlier = mark.open_at - datetime.timedelta(seconds=1)
        assert stats_counts.current_counts(mark.days_through, mark.rolled_until, earlier, now) is None
        assert stats_counts.current_counts(mark.days_through, mark.rolled_until, mark.open_at, earlier) is None


def test_waiting_time_reads_neighbouring_ranks_of_one_day_together(network):
    """Four challenges waiting since the same day (at different hours): the median lies
    between the second and third of that day's stays, read together, and equals the log
    replay's."""
    for hours in (1, 3, 6, 10):
        with at(1, hours=hours):
            file_challenge(actor=network.partner, organisation=network.org, title=f"W{hours}")
    with at(2):
        stats_rollup.refresh()  # the four counted as running since day 1
    _compare(network.coordinator, 3)
    with at(3):
        today = stats_window.timezone.localdate()
        figures = stats_window.window_stats_for(
            network.coordinator, stats_window.Window(today - datetime.timedelta(days=6), today)
        )
    reported = next(d for d in figures.waiting_time if d.state == State.REPORTED.value)
    assert reported.count == 4
    assert reported.median_days == round(2 - 4.5 / 24, 2)  # between 3 and 6 o'clock


def test_the_day_of_the_refresh_is_rolled_up_to_its_instant(network, built):
    """The refresh rolls up the day it runs on as far as its own instant: the statistics then
    read only the stays since it after the mark. Steps later that day, a second refresh that
    day (which counts the day again from its start), a refresh on the last day of a month
    (whose month row holds the day in part) and the next day's refresh all give the log
    replay's numbers, and the rollups equal a rebuild's. (After day 50: the built history
    ends there, and time only moves forward.)"""
    with at(61, hours=1):
        file_challenge(actor=network.partner, organisation=network.org, title="Heute früh")
    with at(61, hours=2):
        stats_rollup.refresh()
        mark = stats_rollup.StatsMark.objects.get(key="rollup")
        assert mark.days_through == stats_window.timezone.localdate()
        assert mark.rolled_until == mark.rolled_to == mark.open_at
        assert StatsDay.objects.filter(day=mark.days_through).exists()  # today, in part
    with at(61, hours=5):  # a step after the mark, the same day
        services.challenge_close(actor=network.coordinator, challenge=built[6].pk,
                                 reason="out_of_scope")
    _compare(network.coordinator, 61.3)
    with at(61, hours=8):
        stats_rollup.refresh()  # the same day again: counted from its start, once
        assert _tables() == _rebuilt()
    _compare(network.coordinator, 61.4)
    for user in (network.coordinator, network.partner):
        _compare(user, 62.5)
    # Tuesday 31 March 2026, 13:00 local: the last day of a month, rolled up in part.
    march_end = T0 + datetime.timedelta(days=85, hours=2)
    with time_machine.travel(march_end, tick=False):
        stats_rollup.refresh()
    assert BreakdownCount.objects.filter(span="m", day=datetime.date(2026, 3, 1)).exists()
    with time_machine.travel(march_end + datetime.timedelta(hours=3), tick=False):
        file_challenge(actor=network.partner, organisation=network.org, title="Spät im März")
        services.challenge_reopen(actor=network.coordinator, challenge=built[6].pk, reason="neu")
    _compare(network.coordinator, 85.25)  # 31 March, 17:00 local: the month and the tail
    with time_machine.travel(march_end + datetime.timedelta(days=1), tick=False):
        stats_rollup.refresh()  # 1 April: March counted again, now whole
        assert _tables() == _rebuilt()
        assert _breakdown_rows() == _rebuilt_breakdowns()
    _compare(network.coordinator, 90)


def test_an_edit_after_a_refresh_moves_only_what_the_refresh_counted(network, built):
    """A challenge filed today after the refresh is not in the rollups yet: recategorising it
    moves nothing, one filed before the refresh is moved; both count under their new topic."""
    with at(61, hours=1):
        early = file_challenge(actor=network.partner, organisation=network.org, title="Früh")
    with at(61, hours=2):
        stats_rollup.refresh()
    with at(61, hours=3):
        late = file_challenge(actor=network.partner, organisation=network.org, title="Spät")
    other = Topic.objects.exclude(pk=early.topic_id).order_by("pk").first()
    with at(61, hours=4):
        for challenge in (early, late):
            services.challenge_update(actor=network.coordinator, challenge=challenge.pk,
                                      topic=other)
    _compare(network.coordinator, 61.3)
    with at(61, hours=5):
        stats_rollup.refresh()
        assert _breakdown_rows() == _rebuilt_breakdowns()


def _rebuilt():
    """The rollup tables as a rebuild from scratch at the same instant has them (the rebuild
    is rolled back: the caller's rollups stay as they were)."""
    from django.db import transaction

    with transaction.atomic():
        stats_rollup.refresh(rebuild=True)
        tables = _tables()
        transaction.set_rollback(True)
    return tables


def _rebuilt_breakdowns():
    from django.db import transaction

    with transaction.atomic():
        stats_rollup.refresh(rebuild=True)
        rows = _breakdown_rows()
        transaction.set_rollback(True)
    return rows


def test_rolled_up_sums_are_held_per_generation_and_never_across_one(network, built, monkeypatch):
    """The rolled-up sums are read once per generation of the rollups (``stats_memo``); a
    refresh or a recategorising edit starts a new one, a sum read while a refresh committed is
    not held, and organisations' names are read now, not held."""
    with at(60):
        stats_rollup.refresh()
    window = stats_window.Window(datetime.date(2026, 1, 1), datetime.date(2026, 3, 1))
    stats_memo.forget()
    with at(60.5):
        first = stats_window.window_stats_for(network.coordinator, window)
        with CaptureQueriesContext(connection) as ctx:
            again = stats_window.window_stats_for(network.coordinator, window)
    assert dataclasses.asdict(again) == dataclasses.asdict(first)
    assert not any("workflows_breakdowncount" in q["sql"] or "workflows_staylength" in q["sql"]
                   for q in ctx.captured_queries)  # held: no rolled-up row read again
    generation = stats_rollup.StatsMark.objects.get().generation
    # A refresh commits after a reader took the mark and before it sums the rolled-up days:
    # what it read is not held under the generation it knew.
    stats_memo.forget()
    with at(61):
        source = stats_window.RollupSource()
        stats_rollup.refresh()
        source.cycle(None, None, None, ("reported",))
    assert stats_memo._state["generation"] != generation
    _compare(network.coordinator, 61.5)
    # A renamed organisation is named anew at once, though its counts are held.
    with at(61.5):
        stats_window.window_stats_for(network.coordinator, window)
    network.org.name = "Landkreis Harz (neu)"
    network.org.save(update_fields=["name"])
    with at(61.5):
        names = {b.name for b in stats_window.window_stats_for(
            network.coordinator, window).breakdowns["organisation"]}
    assert "Landkreis Harz (neu)" in names
    # Naming many organisations reads them all: the same names.
    monkeypatch.setattr(stats_breakdowns, "NAMES_BY_ID", 0)
    with at(61.5):
        assert {b.name for b in stats_window.window_stats_for(
            network.coordinator, window).breakdowns["organisation"]} == names
