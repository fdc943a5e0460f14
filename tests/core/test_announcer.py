"""The one generic announcer behind ``core.hooks`` and ``network.hooks``: subscribers are
told in order, each in its own savepoint (a failing one is rolled back alone), unknown kinds
are refused, and ``quiet()`` tells nobody."""

from __future__ import annotations

import pytest

from core import hooks as core_hooks
from core.announcer import Announcer
from core.models import Region
from core.reference_data import ensure_reference_data
from network import hooks as network_hooks

pytestmark = pytest.mark.django_db  # subscribers run in savepoints


def test_both_hook_modules_are_announcers_of_their_own_kinds():
    assert core_hooks._announcer.kinds == core_hooks.KINDS
    assert network_hooks._announcer.kinds == network_hooks.KINDS
    assert core_hooks._announcer is not network_hooks._announcer


def test_subscribers_are_told_once_each_in_order():
    announcer = Announcer("test", ["done"])
    told: list[tuple[str, int]] = []

    def first(**payload):
        told.append(("first", payload["n"]))

    announcer.subscribe("done", first)
    announcer.subscribe("done", first)  # twice is once
    announcer.subscribe("done", lambda **payload: told.append(("second", payload["n"])))
    announcer.announce("done", n=7)

    assert told == [("first", 7), ("second", 7)]


def test_unknown_kinds_are_refused():
    announcer = Announcer("test", ["done"])

    with pytest.raises(ValueError):
        announcer.subscribe("other", print)
    with pytest.raises(ValueError):
        announcer.announce("other")


def test_a_failing_subscriber_is_rolled_back_alone():
    ensure_reference_data()  # transactional tests before may have emptied the regions
    announcer = Announcer("test", ["done"])

    def writes_then_fails(**payload):
        Region.objects.filter(slug="magdeburg").update(name="kaputt")
        raise RuntimeError("boom")

    def writes(**payload):
        Region.objects.filter(slug="harz").update(name="Harz (geändert)")

    announcer.subscribe("done", writes_then_fails)
    announcer.subscribe("done", writes)
    announcer.announce("done")

    assert Region.objects.get(slug="magdeburg").name != "kaputt"
    assert Region.objects.get(slug="harz").name == "Harz (geändert)"


def test_quiet_tells_nobody_inside_and_everyone_after():
    announcer = Announcer("test", ["done"])
    told: list[int] = []
    announcer.subscribe("done", lambda **payload: told.append(payload["n"]))

    with announcer.quiet():
        announcer.announce("done", n=1)
    announcer.announce("done", n=2)

    assert told == [2]
