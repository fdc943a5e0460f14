"""One generic announcer: how a lower layer tells the layers above what happened without
importing them. ``core.hooks`` (memberships) and ``network.hooks`` (events and registrations)
each hold one; ``notifications`` subscribes in its ``AppConfig.ready``.

Subscribers run inside the announcing service's transaction, each in a savepoint of its own:
what they write (the outbox rows of the mails) commits together with the change itself, or not
at all, so a crash can neither lose the mail of a committed change nor mail one that rolled
back. A failing subscriber is logged and rolled back alone; the person's action stands.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[..., None]


class Announcer:
    """Announcements of a fixed set of ``kinds``, each with the subscribers that care."""

    def __init__(self, name: str, kinds: Iterable[str]) -> None:
        self.name = name
        self._subscribers: dict[str, list[Subscriber]] = {kind: [] for kind in kinds}
        self._quiet: contextvars.ContextVar[bool] = contextvars.ContextVar(
            f"{name}_quiet", default=False
        )

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self._subscribers)

    def subscribe(self, kind: str, subscriber: Subscriber) -> None:
        """Call ``subscriber(**payload)`` whenever ``kind`` is announced. Subscribing the same
        function twice (``ready()`` may run twice in tests) is a no-op."""
        if kind not in self._subscribers:
            raise ValueError(f"Unknown {self.name} event: {kind}")
        if subscriber not in self._subscribers[kind]:
            self._subscribers[kind].append(subscriber)

    def announce(self, kind: str, **payload: Any) -> None:
        """Tell the subscribers of ``kind``; call it inside the service's transaction."""
        if kind not in self._subscribers:
            raise ValueError(f"Unknown {self.name} event: {kind}")
        if self._quiet.get():
            return
        for subscriber in self._subscribers[kind]:
            try:
                with transaction.atomic():
                    subscriber(**payload)
            except Exception:
                logger.exception("Subscriber %r of %s failed", subscriber, kind)

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Announce nothing inside (in this thread or task only): for loading demo data,
        whose people must not be mailed."""
        token = self._quiet.set(True)
        try:
            yield
        finally:
            self._quiet.reset(token)
