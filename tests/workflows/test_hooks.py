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
