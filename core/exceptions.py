"""Domain errors raised by services. Each edge (API, pages, commands) translates them in one
place: ``NotFound`` → 404, ``PermissionDenied`` → 403, ``TransitionNotAllowed`` → 409,
``MissingInput`` → 400 with field errors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None):
        self.message = str(message) if message is not None else str(self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class NotFound(DomainError):
    """The object does not exist, or the actor may not see it (never reveal which)."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You may not do this.")


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    default_message = _("This step is not possible in the challenge's current state.")


class ConcurrentChange(TransitionNotAllowed):
    code = "concurrent_change"
    default_message = _("Someone else changed this challenge at the same moment. Please reload.")


class MissingInput(DomainError):
    code = "invalid_input"
    status = 400
    default_message = _("Some input is missing or invalid.")


class DuplicateInput(DomainError):
    """What the input names already exists: it arrived a moment earlier from a concurrent
    request (the checks before passed for both; the database's unique constraint decided)."""

    code = "duplicate"
    status = 409
    default_message = _("This was just submitted by someone else at the same moment.")
