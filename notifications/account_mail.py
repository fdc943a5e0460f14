"""Mail about a person's own account: the link that confirms a new sign-in address, the
notices to the old address, and the password-reset link. Subscribed to ``core.hooks`` in
``AppConfig.ready``.

They are duty mails: they go out whatever the mail preferences say, once per request (the
outbox key names it), queued in the requesting transaction and sent by the outbox worker with
its retries, like every other mail. They are rendered in the person's language."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core import hooks

from . import mail


def _queue(user: Any, *, key: str, to_email: str, build) -> None:
    from .models import OutgoingMail
    from .services import mail_queue

    rendered = mail.render(user, "notice", build)
    mail_queue(
        kind=OutgoingMail.Kind.EVENT, recipient=user, key=key, rendered=rendered, to_email=to_email
    )


def on_email_change_requested(*, change: Any, token: str) -> None:
    """The link goes to the new address (which proves it is the person's); the old address
    learns of the request, so a stranger with the password cannot move the account quietly."""
    user = change.user
    url = mail.absolute(reverse("email-change-confirm", args=[token]))

    def build_link() -> tuple[str, dict[str, Any]]:
        return _("[Willkommensnetz] Confirm your new email address"), {
            "paragraphs": [
                _("You asked to sign in to the Willkommensnetz with %(email)s from now on. "
                  "Open the link within 24 hours and confirm; until then your address stays "
                  "%(old)s.") % {"email": change.new_email, "old": change.old_email},
            ],
            "button_url": url,
            "button_label": _("Confirm the new address"),
            "why": _("You receive this email because this address was entered as the new "
                     "address of an account. If that was not you, ignore this email."),
        }

    def build_notice() -> tuple[str, dict[str, Any]]:
        return _("[Willkommensnetz] Your email address is to change"), {
            "paragraphs": [
                _("Someone signed in to your account asked to change its address to "
                  "%(email)s. It changes only once the link sent there is opened.")
                % {"email": change.new_email},
                _("If that was not you, change your password now and tell the coordinators."),
            ],
            "button_url": mail.absolute(reverse("password-change")),
            "button_label": _("Change your password"),
            "why": _("You receive this email because it concerns your account."),
        }

    _queue(user, key=f"email-change:{change.pk}:link", to_email=change.new_email, build=build_link)
    _queue(user, key=f"email-change:{change.pk}:notice", to_email=change.old_email,
           build=build_notice)


def on_email_changed(*, change: Any) -> None:
    """The old address learns that the change took effect."""

    def build() -> tuple[str, dict[str, Any]]:
        return _("[Willkommensnetz] Your email address was changed"), {
            "paragraphs": [
                _("You now sign in with %(email)s, and emails go there. This address "
                  "(%(old)s) gets no more emails from the network.")
                % {"email": change.new_email, "old": change.old_email},
                _("If that was not you, tell the coordinators at once."),
            ],
            "why": _("You receive this email because it concerns your account."),
        }

    _queue(change.user, key=f"email-change:{change.pk}:changed", to_email=change.old_email,
           build=build)


def on_password_reset_requested(*, user: Any, path: str, request_id: str) -> None:
    """The reset link, once per request (a redelivered task finds the row and stops)."""

    def build() -> tuple[str, dict[str, Any]]:
        return _("Willkommensnetz: choose a new password"), {
            "paragraphs": [
                _("Someone (hopefully you) asked to choose a new password for your account "
                  "at Willkommensnetz. Follow this link to choose it:"),
            ],
            "button_url": mail.absolute(path),
            "button_label": _("Choose a new password"),
            "why": _("If you did not ask for this, ignore this mail: your password stays as "
                     "it is."),
        }

    _queue(user, key=f"password-reset:{request_id}", to_email=user.email, build=build)


def subscribe() -> None:
    """Called from ``NotificationsConfig.ready``."""
    hooks.subscribe(hooks.EMAIL_CHANGE_REQUESTED, on_email_change_requested)
    hooks.subscribe(hooks.EMAIL_CHANGED, on_email_changed)
    hooks.subscribe(hooks.PASSWORD_RESET_REQUESTED, on_password_reset_requested)
