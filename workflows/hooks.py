"""Where the layers above ``workflows`` plug in.

Layers point down: ``workflows`` never imports ``notifications`` or ``api``. What a higher layer
adds to what happens here (mail about recorded events, the reminder policy's notion of "stale",
the demo's mail preferences) it registers in its ``AppConfig.ready``, and ``workflows`` calls
whatever is registered. With nothing registered, ``workflows`` works on its own: events are
recorded and nobody is told, nothing counts as stale.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models import Q

logger = logging.getLogger(__name__)

EventSubscriber = Callable[[int], None]
StaleFilter = Callable[..., Q]
DemoPersonHook = Callable[[Any], None]

_event_subscribers: list[EventSubscriber] = []
_event_kinds: dict[EventSubscriber, frozenset[str]] = {}  # a subscriber told of these kinds only
_stale_filter: list[StaleFilter] = []  # at most one
_demo_person_hooks: list[DemoPersonHook] = []
_demo_history_hooks: list[Callable[[], None]] = []

_quiet: ContextVar[bool] = ContextVar("wkn_events_quiet", default=False)


# --- recorded events ----------------------------------------------------------------------------


def subscribe_event_recorded(
    subscriber: EventSubscriber, *, kinds: set[str] | None = None
) -> None:
    """Call ``subscriber(event_id)`` after the commit of every transaction that recorded an
    event, or only an event of one of ``kinds`` (then the subscriber needs no read of the
    event to learn its kind). Registering the same function twice (``ready()`` may run twice
    in tests) is a no-op."""
    if subscriber not in _event_subscribers:
        _event_subscribers.append(subscriber)
    if kinds is not None:
        _event_kinds[subscriber] = frozenset(kinds)


def event_recorded(event_id: int, kind: str) -> None:
    """Tell the subscribers of event ``event_id`` (of ``kind``) once the recording transaction
    commits (never if it rolls back). A failing subscriber is logged and never fails the
    person's committed action: subscribers must catch up from the database (the outbox scan)
    anyway."""
    if _quiet.get():
        return
    for subscriber in _event_subscribers:
        kinds = _event_kinds.get(subscriber)
        if kinds is None or kind in kinds:
            transaction.on_commit(_bound(subscriber, event_id), robust=True)


def _bound(subscriber: EventSubscriber, event_id: int) -> Callable[[], None]:
    # A function, not functools.partial: Django logs a robust callback's failure by __qualname__.
    def tell() -> None:
        subscriber(event_id)

    tell.__qualname__ = f"{getattr(subscriber, '__qualname__', subscriber)!s}({event_id})"
    return tell


@contextmanager
def events_quiet() -> Iterator[None]:
    """Record events without telling subscribers: for bulk loads of history (seed_demo), whose
    events are marked notified at the end. The events themselves are still written."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


# --- what counts as stale -----------------------------------------------------------------------


def provide_stale_filter(stale_filter: StaleFilter) -> None:
    """Register the rule for "stale" (``stale_filter(now=...) -> Q`` over challenges): the
    reminder policy owns the ages. A second registration replaces the first."""
    _stale_filter[:] = [stale_filter]


def stale_rule_provided() -> bool:
    """Whether a rule for "stale" is registered (reminders are configured at all)."""
    return bool(_stale_filter)


def stale_q(*, now: datetime.datetime | None = None) -> Q:
    """A filter for the challenges past their state's age; matches nothing without a rule."""
    if not _stale_filter:
        return Q(pk__in=[])
    return _stale_filter[0](now=now)


# --- the demo -----------------------------------------------------------------------------------


def on_demo_person(hook: DemoPersonHook) -> None:
    """Call ``hook(user)`` for every person of the demo network as it is seeded (inside the
    seeding transaction), e.g. to give them mail preferences."""
    if hook not in _demo_person_hooks:
        _demo_person_hooks.append(hook)


def demo_person_seeded(user: Any) -> None:
    for hook in _demo_person_hooks:
        hook(user)


def on_demo_history_loaded(hook: Callable[[], None]) -> None:
    """Call ``hook()`` once ``seed_demo`` has loaded the demo's history, e.g. to record the
    reminders that history would have caused as already decided (no backlog mailed at start)."""
    if hook not in _demo_history_hooks:
        _demo_history_hooks.append(hook)


def demo_history_loaded() -> None:
    for hook in _demo_history_hooks:
        hook()


# --- the public start page ----------------------------------------------------------------------

_public_home: list[Callable[[Any], Any]] = []  # at most one


def provide_public_home(view: Callable[[Any], Any]) -> None:
    """What ``/`` shows visitors who are not signed in (the network's public start page,
    plugged in by the layer above; ``network`` itself may not be imported here). Without one,
    ``/`` sends visitors to the good-practice catalogue."""
    _public_home[:] = [view]


def public_home() -> Callable[[Any], Any] | None:
    return _public_home[0] if _public_home else None
