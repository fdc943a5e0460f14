"""Where the layers above the network base learn what happened to memberships.

``core`` never imports ``notifications``: its services announce what happened (an application
received, an organisation admitted, a request to join declined …) with :func:`announce`, and
whoever cares subscribes in its ``AppConfig.ready`` (``notifications`` queues the mails). With
nothing subscribed, ``core`` works on its own and nobody is told. How subscribers run (in the
service's transaction, each in its own savepoint) is ``core.announcer``'s.
"""

from __future__ import annotations

from core.announcer import Announcer

# What the membership services announce, with the keyword arguments they pass.
APPLICATION_RECEIVED = "application_received"  # organisation, person
APPLICATION_ADMITTED = "application_admitted"  # organisation, actor
APPLICATION_DECLINED = "application_declined"  # organisation, actor, reason
JOIN_REQUESTED = "join_requested"  # request
JOIN_ADMITTED = "join_admitted"  # request, actor
JOIN_DECLINED = "join_declined"  # request, actor, reason
# ... and what the account services announce (core.email_change, core.tasks): duty mails.
EMAIL_CHANGE_REQUESTED = "email_change_requested"  # change, token
EMAIL_CHANGED = "email_changed"  # change
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # user, path, request_id
KINDS = (
    APPLICATION_RECEIVED,
    APPLICATION_ADMITTED,
    APPLICATION_DECLINED,
    JOIN_REQUESTED,
    JOIN_ADMITTED,
    JOIN_DECLINED,
    EMAIL_CHANGE_REQUESTED,
    EMAIL_CHANGED,
    PASSWORD_RESET_REQUESTED,
)

_announcer = Announcer("membership", KINDS)
subscribe = _announcer.subscribe
announce = _announcer.announce
quiet = _announcer.quiet
