"""workflows tells the layers above it through workflows.hooks, which they fill at start-up."""

import pytest
from django.db import transaction

from notifications import dispatch, selectors
from tests.builders import file_challenge
from workflows import hooks
from workflows.models import Challenge, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(monkeypatch):
    """A subscriber of our own beside the notifications app's."""
    seen: list[int] = []
    monkeypatch.setattr(hooks, "_event_subscribers", [*hooks._event_subscribers, seen.append])
    return seen


def test_the_notifications_app_subscribes_at_start_up():
    assert dispatch.event_recorded in hooks._event_subscribers
    assert hooks._stale_filter == [selectors.stale_q]


def test_subscribers_hear_of_an_event_only_after_commit(
    network, recorded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
        assert recorded == []  # still inside the transaction
    assert recorded == [Event.objects.get(challenge=challenge).pk]


def test_a_rolled_back_event_is_never_told(
    network, recorded, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Abort), transaction.atomic():
            file_challenge(actor=network.partner, organisation=network.org)
            raise Abort
    assert callbacks == []
    assert recorded == []
    assert Challenge.objects.count() == 0


def test_quiet_records_the_event_and_tells_nobody(
    network, recorded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), hooks.events_quiet():
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert Event.objects.filter(challenge=challenge).exists()
    assert recorded == []


def test_a_failing_subscriber_never_fails_the_committed_action(
    network, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(event_id):
        raise RuntimeError("subscriber bug")

    monkeypatch.setattr(hooks, "_event_subscribers", [broken])
    with django_capture_on_commit_callbacks(execute=True):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert Challenge.objects.filter(pk=challenge.pk).exists()


def test_without_a_stale_rule_nothing_is_stale(network, monkeypatch):
    file_challenge(actor=network.partner, organisation=network.org)
    monkeypatch.setattr(hooks, "_stale_filter", [])
    assert not Challenge.objects.filter(hooks.stale_q()).exists()


def test_a_subscriber_of_some_kinds_hears_only_of_those(
    network, monkeypatch, django_capture_on_commit_callbacks
):
    """The referral hand-over is told of referrals only, so a transition's event costs it no
    read of the event (it used to ask the database for every event's kind)."""
    from notifications import referrals

    assert hooks._event_kinds[referrals.event_recorded] == {Event.Kind.CHALLENGE_REFERRED}
    seen: list[int] = []

    def referrals_only(event_id: int) -> None:
        seen.append(event_id)

    monkeypatch.setattr(hooks, "_event_subscribers", [])
    monkeypatch.setattr(hooks, "_event_kinds", {})
    hooks.subscribe_event_recorded(referrals_only, kinds={Event.Kind.CHALLENGE_REFERRED})
    with django_capture_on_commit_callbacks(execute=True):
        file_challenge(actor=network.partner, organisation=network.org)
    assert seen == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hooks.event_recorded(4711, Event.Kind.CHALLENGE_REFERRED)
    assert seen == [4711]
