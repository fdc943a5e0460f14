"""What ``notifications`` contributes to a person's data rights (registered in
``NotificationsConfig.ready`` with ``core.personal_data``): export of their preferences and the
mails sent to them, erasure of both (and of their name in mails to others), and the retention
of sent mails."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from core.personal_data import ErasedPerson, register, scrub_fields
from core.retention import retention_days

from .models import OutgoingMail, Preference


def export(person: Any) -> dict[str, Any]:
    preference = Preference.objects.filter(user=person).first()
    return {
        "preferences": {
            "immediate": preference.immediate if preference else True,
            "digest": preference.digest if preference else Preference.Digest.WEEKLY,
        },
        "mails": [
            {
                "kind": m.kind,
                "to": m.to_email,
                "subject": m.subject,
                "body": m.body_text,
                "status": m.status,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
            }
            for m in OutgoingMail.objects.filter(recipient=person).order_by("created_at", "id")
        ],
    }


def erase(person: ErasedPerson) -> None:
    Preference.objects.filter(user=person.user).delete()
    # Pending and sent mails to the person: pending ones must not go out any more.
    OutgoingMail.objects.filter(recipient=person.user).delete()
    scrub_fields(person, OutgoingMail, ["subject", "body_text", "body_html", "last_error"])


def prune() -> dict[str, int]:
    """Sent mails older than ``RETENTION_SENT_MAIL_DAYS``. Their row made sending exactly
    once; long after sending, nothing decides on it any more (digest windows look back days,
    reminders are keyed by their own table). Pending and failed mails stay for the scan."""
    cutoff = timezone.now() - datetime.timedelta(days=retention_days("RETENTION_SENT_MAIL_DAYS"))
    deleted, _per_model = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, sent_at__lt=cutoff
    ).delete()
    return {"sent_mails": deleted}


def register_personal_data() -> None:
    register("notifications", export=export, erase=erase, prune=prune)
