"""Where the layers above ``network`` learn what happened to events and registrations.

``network`` never imports ``notifications``: its services announce what happened, and
``notifications`` subscribes in its ``AppConfig.ready`` (it queues the mails). The announcer is
core's generic one (``core.announcer``): subscribers run inside the announcing service's
transaction, each in a savepoint of its own.
"""

from __future__ import annotations

from core.announcer import Announcer

# What the event services announce, with the keyword arguments they pass.
REGISTRATION_CONFIRMED = "registration_confirmed"  # registration
REGISTRATION_WAITING = "registration_waiting"  # registration
REGISTRATION_MOVED_UP = "registration_moved_up"  # registration
REGISTRATION_CANCELLED = "registration_cancelled"  # registration
CO_ORGANISER_OFFERED = "co_organiser_offered"  # co_organiser
REGISTRATIONS_DELETED = "registrations_deleted"  # registration_ids (retention)
KINDS = (
    REGISTRATION_CONFIRMED,
    REGISTRATION_WAITING,
    REGISTRATION_MOVED_UP,
    REGISTRATION_CANCELLED,
    CO_ORGANISER_OFFERED,
    REGISTRATIONS_DELETED,
)

_announcer = Announcer("network", KINDS)
subscribe = _announcer.subscribe
announce = _announcer.announce
quiet = _announcer.quiet
