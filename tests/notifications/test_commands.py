"""The commands people run by hand: progress output, --dry-run sends and stores nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from notifications.models import OutgoingMail, Reminder
from tests.builders import file_challenge

from .support import prefer

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_send_reminders_dry_run_then_for_real(network, capsys):
    with time_machine.travel(T0, tick=False):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    with time_machine.travel(T0 + datetime.timedelta(days=15), tick=False):
        call_command("send_reminders", "--dry-run")
        out = capsys.readouterr().out
        assert f"[dry run] reminder (level 1) for challenge #{challenge.pk}" in out
        assert network.coordinator.email in out
        assert (Reminder.objects.count(), OutgoingMail.objects.count(), len(mail.outbox)) == (0, 0, 0)

        call_command("send_reminders")
        out = capsys.readouterr().out
        assert "1 reminders decided, 1 mails sent" in out
        assert [m.to for m in mail.outbox] == [[network.coordinator.email]]

        call_command("send_reminders")
        assert "0 reminders decided, 0 mails sent" in capsys.readouterr().out
        assert len(mail.outbox) == 1


def test_send_digests_dry_run_then_for_real(network, capsys):
    prefer(network.stakeholder, digest="daily")
    with time_machine.travel(T0, tick=False):
        file_challenge(actor=network.partner, organisation=network.org)
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=False):
        call_command("send_digests", "--period", "daily", "--dry-run")
        out = capsys.readouterr().out
        assert f"[dry run] daily digest → {network.stakeholder.email}: 1 news" in out
        assert (OutgoingMail.objects.count(), len(mail.outbox)) == (0, 0)

        call_command("send_digests", "--period", "daily")
        assert "1 daily digests queued, 1 sent" in capsys.readouterr().out
        call_command("send_digests", "--period", "daily")
        assert "0 daily digests queued" in capsys.readouterr().out
        assert [m.to for m in mail.outbox] == [[network.stakeholder.email]]
