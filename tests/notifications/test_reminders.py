"""Stale detection and escalation at the right ages, once per challenge, state entry and level."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from notifications import services
from notifications.models import OutgoingMail, Reminder, ReminderPolicy
from tests.builders import advance, file_challenge
from workflows.models import Challenge

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(delta: datetime.timedelta):
    return time_machine.travel(T0 + delta, tick=False)


def remind(delta: datetime.timedelta) -> list[tuple[int, int, list[str]]]:
    with at(delta):
        return [
            (o.challenge.pk, o.level, sorted(u.email for u in o.recipients))
            for o in services.reminders_send()
        ]


pytestmark = pytest.mark.django_db


def test_an_unassigned_challenge_reminds_the_coordinators_after_14_days_and_escalates_after_28(network):
    with at(datetime.timedelta()):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    coordinators = [network.coordinator.email]

    assert remind(datetime.timedelta(days=13, hours=23)) == []
    assert remind(datetime.timedelta(days=14)) == [(challenge.pk, 1, coordinators)]
    assert remind(datetime.timedelta(days=14, hours=1)) == []  # once
    assert remind(datetime.timedelta(days=27, hours=23)) == []
    assert remind(datetime.timedelta(days=28)) == [(challenge.pk, 2, coordinators)]
    assert remind(datetime.timedelta(days=40)) == []


def test_an_assigned_challenge_reminds_its_group_then_escalates_to_the_coordinators(network):
    with at(datetime.timedelta()):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
        challenge = advance(challenge, "analysed", actor=network.group_member, group=network.group)

    assert remind(datetime.timedelta(days=29)) == []
    assert remind(datetime.timedelta(days=30, minutes=1)) == [(challenge.pk, 1, [network.group_member.email])]
    assert remind(datetime.timedelta(days=60, minutes=1)) == [(challenge.pk, 2, [network.coordinator.email])]


def test_a_new_state_starts_a_new_count_and_reminding_changes_nothing_on_the_challenge(network):
    with at(datetime.timedelta()):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert [level for _pk, level, _r in remind(datetime.timedelta(days=15))] == [1]
    before = Challenge.objects.values("state", "state_entered_at", "updated_at").get(pk=challenge.pk)
    remind(datetime.timedelta(days=16))
    assert Challenge.objects.values("state", "state_entered_at", "updated_at").get(pk=challenge.pk) == before

    with at(datetime.timedelta(days=16)):
        advance(challenge, "analysed", actor=network.group_member, group=network.group)
    assert remind(datetime.timedelta(days=45)) == []  # 29 days in "analysed"
    assert [level for _pk, level, _r in remind(datetime.timedelta(days=46, minutes=1))] == [1]
    assert Reminder.objects.filter(challenge=challenge).count() == 2


def test_a_trial_is_stale_seven_days_after_its_planned_end(network):
    with at(datetime.timedelta()):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
        # the builder plans the trial from 2026-01-01 to 2026-06-30
        challenge = advance(challenge, "trialled", actor=network.group_member, group=network.group)
    end = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=datetime.UTC) - T0

    assert remind(end + datetime.timedelta(days=7)) == []
    assert remind(end + datetime.timedelta(days=8)) == [(challenge.pk, 1, [network.group_member.email])]
    assert remind(end + datetime.timedelta(days=15)) == [(challenge.pk, 2, [network.coordinator.email])]


def test_the_ages_come_from_the_policy_a_coordinator_edits(network):
    ReminderPolicy.objects.create(reported_days=3)
    with at(datetime.timedelta()):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert remind(datetime.timedelta(days=2)) == []
    assert remind(datetime.timedelta(days=3, minutes=1)) == [(challenge.pk, 1, [network.coordinator.email])]


def test_a_restricted_challenge_reminds_only_people_who_may_see_it(network):
    # a stakeholder who is also coordinator-less, and a group member of another group, never
    with at(datetime.timedelta()):
        challenge = file_challenge(actor=network.partner, organisation=network.org, visibility="restricted")
        advance(challenge, "analysed", actor=network.coordinator, group=network.group)
    assert remind(datetime.timedelta(days=31)) == [(challenge.pk, 1, [network.group_member.email])]


def test_the_reminder_mail_names_the_challenge_links_back_and_is_in_the_recipients_language(network, django_capture_on_commit_callbacks):
    network.coordinator.preferred_language = "en"
    network.coordinator.save(update_fields=["preferred_language"])
    with at(datetime.timedelta()):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    with at(datetime.timedelta(days=29)), django_capture_on_commit_callbacks():
        outcomes = services.reminders_send()  # level 1 and 2 at once: both overdue
    # both decided, one mail: the case is listed once, as escalated
    assert sorted(o.level for o in outcomes) == [1, 2]
    assert services.send_now(services.reminder_mails(outcomes)) == (1, 0)

    assert [m.subject for m in mail.outbox] == [f"[Willkommensnetz] {challenge.title}: escalation"]
    message = mail.outbox[0]
    assert f"/challenges/{challenge.pk}/" in message.body
    assert message.body.count(challenge.title) == 1
    assert "Escalated: waiting twice as long as agreed" in message.body
    assert "Reminders: waiting longer than agreed" not in message.body
    assert message.extra_headers["References"] == f"<challenge-{challenge.pk}@127.0.0.1>"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f"/challenges/{challenge.pk}/" in html
    assert '<html lang="en">' in html
    assert "29 days" in message.body
    assert OutgoingMail.objects.filter(kind="reminder", status="sent").count() == 1


def _stale_network(network, count: int):
    """``count`` unassigned challenges filed at T0, and one assigned to the group."""
    with at(datetime.timedelta()):
        unassigned = [
            file_challenge(actor=network.partner, organisation=network.org, title=f"Fall {n}")
            for n in range(count)
        ]
        assigned = advance(
            file_challenge(actor=network.partner, organisation=network.org, title="Fall der AG"),
            "analysed", actor=network.coordinator, group=network.group,
        )
    return unassigned, assigned


def test_one_mail_per_recipient_per_scan_lists_every_stale_case_escalations_first(network, django_capture_on_commit_callbacks):
    unassigned, assigned = _stale_network(network, 3)
    # day 29: the unassigned ones are escalated (and reminded) at once
    with at(datetime.timedelta(days=20)), django_capture_on_commit_callbacks():
        first = services.reminders_send()
    assert len(first) == 3  # three reminders, level 1
    with at(datetime.timedelta(days=31)), django_capture_on_commit_callbacks():
        second = services.reminders_send()
    # three escalations of the unassigned ones, one reminder of the assigned one
    assert sorted((o.challenge.title, o.level) for o in second) == [
        ("Fall 0", 2), ("Fall 1", 2), ("Fall 2", 2), ("Fall der AG", 1)
    ]
    mails = services.reminder_mails(second)
    assert sorted(m.recipient.email for m in mails) == sorted(
        [network.coordinator.email, network.group_member.email]
    )
    to_coordinator = next(m for m in mails if m.recipient == network.coordinator)
    assert to_coordinator.subject == (
        "[Willkommensnetz] 3 Herausforderungen warten auf ihren nächsten Schritt, davon 3 eskaliert"
    )
    body = to_coordinator.body_text
    for challenge in unassigned:
        assert body.count(challenge.title) == 1
    to_group = next(m for m in mails if m.recipient == network.group_member)
    assert to_group.subject == "[Willkommensnetz] Fall der AG: Erinnerung"
    assert "Ihre Arbeitsgruppe AG Anerkennung" in to_group.body_text

    # a rerun of the same scan sends nothing more
    with at(datetime.timedelta(days=31)), django_capture_on_commit_callbacks():
        assert services.reminders_send() == []
    assert OutgoingMail.objects.filter(kind="reminder").count() == 1 + 2  # day 20, day 31


def test_a_long_stale_list_shows_a_few_per_section_and_counts_the_rest(network, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_REMINDER_ITEMS = 2
    _stale_network(network, 5)
    with at(datetime.timedelta(days=15)), django_capture_on_commit_callbacks():
        outcomes = services.reminders_send()
    (to_coordinator,) = [m for m in services.reminder_mails(outcomes) if m.recipient == network.coordinator]
    assert "5 Herausforderungen warten" in to_coordinator.subject
    assert "und 3 weitere auf der Website" in to_coordinator.body_text
    assert sum(to_coordinator.body_text.count(f"Fall {n}\n") for n in range(5)) == 2
