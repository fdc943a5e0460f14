"""Digests are read per batch, not per person (issue 14): building a batch runs the same
queries for 3 people as for 12, and each person's digest holds exactly what the per-person
query form (``digests.digest_for``) finds for them."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from notifications import digest_runs, digests, tasks
from notifications.digest_batches import digests_queue_batch
from notifications.models import OutgoingMail
from tests.builders import advance, file_challenge
from tests.factories import UserFactory, member_of
from workflows import services as workflow_services

from .support import prefer

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 6, 30, tzinfo=datetime.UTC)  # 07:30 in Berlin


@pytest.fixture
def week(network):
    """A week of news of every kind: filings (one restricted to ``org``), steps with their
    inputs (analysis, approach, trial), a field edit and comments on a challenge that some
    readers follow."""
    with time_machine.travel(MONDAY - datetime.timedelta(days=2), tick=True):
        open_case = file_challenge(actor=network.partner, organisation=network.org, title="Offen")
        secret = file_challenge(actor=network.partner, organisation=network.org,
                                visibility="restricted", title="Vertraulich")
        advance(open_case, "trialled", actor=network.coordinator, group=network.group)
        advance(secret, "analysed", actor=network.coordinator, group=network.group)
        workflow_services.comment_add(actor=network.group_member, challenge=open_case,
                                      body="Wir kümmern uns.")
    return open_case, secret


def readers(network, open_case, count: int) -> list:
    """``count`` weekly subscribers of every kind: stakeholders, partners of the reporting
    organisation (who see the restricted case) and of another one, following or not."""
    people = []
    for n in range(count):
        kind = n % 3
        user = UserFactory(is_stakeholder=kind == 0)
        if kind == 1:
            member_of(user, network.org)
        elif kind == 2:
            member_of(user, network.other_org)
        if n % 2:
            workflow_services.challenge_follow(actor=user, challenge=open_case)
        people.append(prefer(user, digest="weekly"))
    return people


def build_batch(people, django_assert_num_queries, expected: int) -> int:
    with time_machine.travel(MONDAY, tick=False):
        run = digest_runs.DigestRun.objects.create(
            period="weekly", key=digests.digest_key("weekly", MONDAY), window_end=MONDAY)
        batch = digest_runs.DigestBatch.objects.create(
            run=run, first_user_id=people[0].pk, last_user_id=people[-1].pk, enqueued_at=MONDAY)
        with django_assert_num_queries(expected):
            return digest_runs.digest_batch_build(batch_id=batch.pk)


@pytest.mark.parametrize("count", [3, 12])
def test_a_batch_is_built_in_the_same_queries_for_3_and_12_people(network, week, count, django_assert_num_queries, django_capture_on_commit_callbacks, monkeypatch):
    people = readers(network, week[0], count)
    # 1 the batch, 2 its people, 3 their digests of this key, 4 of today, 5 where their
    # last digests ended, 6-7 their roles (admitted memberships, group seats), 8 the week's
    # events as light rows (one chunk), 9 the follows among the comments' challenges,
    # 10 the shown events with challenges, logs, comments and actors, 11-15 their changes,
    # approaches, trials (with the approach), trial partners and evaluations, 16 news of the
    # coordinators in the window?, 17 subscribed saved views, 18-20 the batch's mails in one
    # INSERT (savepoint, insert, release), 21-25 the batch done and the run finished with
    # its last batch (savepoint, update, any left?, update, release)
    enqueued = []
    monkeypatch.setattr(tasks.send_mail_batch, "delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        queued = build_batch(people, django_assert_num_queries, 25)
    # one mail each, and all of them sent after commit by one task (one SMTP connection)
    mails = OutgoingMail.objects.filter(kind="digest").values_list("pk", flat=True)
    assert queued == count == len(mails)
    assert [sorted(ids) for ids in enqueued] == [sorted(mails)]


def test_each_digest_of_a_batch_holds_what_the_per_person_query_finds(network, week, django_capture_on_commit_callbacks):
    people = readers(network, week[0], 6) + [network.coordinator, network.group_member]
    for user in people[-2:]:
        prefer(user, digest="weekly")
    key = digests.digest_key("weekly", MONDAY)
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks():
        outcomes = {o.user.pk: o for o in digests_queue_batch(
            people=people, period="weekly", key=key, now=MONDAY)}
    since = MONDAY - datetime.timedelta(days=7)
    assert set(outcomes) == {u.pk for u in people}
    for user in people:
        fresh = type(user).objects.get(pk=user.pk)
        until, counts, shown, stale, stale_count = digests.digest_for(
            fresh, since=since, until=MONDAY, now=MONDAY)
        outcome = outcomes[user.pk]
        assert outcome.mail.window_end == until
        assert {k: v for k, v in outcome.sections.items() if k != "news"} == counts
        assert [e.pk for e in outcome.items] == [e.pk for s in digests.SECTIONS for e in shown[s]]
        assert [c.pk for c in outcome.stale] == [c.pk for c in stale]
    secret = week[1]
    org_partner, other_partner = people[1], people[2]
    assert secret.pk in {e.challenge_id for e in outcomes[org_partner.pk].items}
    assert secret.pk not in {e.challenge_id for e in outcomes[other_partner.pk].items}
    assert outcomes[people[1].pk].sections["comments"] == 1  # follows the commented case
    assert outcomes[people[0].pk].sections["comments"] == 0  # does not


def test_the_news_cap_ends_a_batch_members_digest_where_the_per_person_query_does(network, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_DIGEST_MAX_NEWS = 4
    start = MONDAY - datetime.timedelta(days=3)
    for n in range(7):
        with time_machine.travel(start + datetime.timedelta(hours=n), tick=False):
            file_challenge(actor=network.partner, organisation=network.org, title=f"Fall {n}")
    reader = prefer(UserFactory(is_stakeholder=True), digest="weekly")
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks():
        (outcome,) = digests_queue_batch(people=[reader], period="weekly",
                                         key=digests.digest_key("weekly", MONDAY), now=MONDAY)
    until, counts, _shown, _stale, _n = digests.digest_for(
        reader, since=MONDAY - datetime.timedelta(days=7), until=MONDAY, now=MONDAY)
    assert outcome.sections["new"] == counts["new"] == 4
    assert outcome.mail.window_end == until == start + datetime.timedelta(hours=4, microseconds=-1)
