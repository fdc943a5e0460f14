"""The hand-over mail to a referral body (Landesintegrationsbeirat, LAMSA, …) when a
coordinator closes a challenge as referred to it: what the case is, what the network already
found, and whom to contact. Subscribes to the ``challenge_referred`` event that
``workflows`` records; a body without a contact address gets no mail.

Once per referral: the ``ReferralHandover`` row is unique per event and claimed under a lock
when sent, so retries, a second worker or a re-run of the task never send it twice. The mail is
German, the language of the bodies of this network.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import mail
from .models import ReferralHandover

logger = logging.getLogger(__name__)

HANDOVER_LANGUAGE = "de"


def event_recorded(event_id: int) -> None:
    """Subscriber of ``workflows.hooks`` for referrals only (``apps``): after the commit of a
    referral, queue its hand-over."""
    try:
        referral_handover.delay(event_id)
    except Exception:  # the broker is down: ``handover_queue`` can be run again by hand
        logger.warning("Could not enqueue the hand-over of event %s", event_id, exc_info=True)


def _found_so_far(challenge: Any) -> dict[str, Any]:
    """What the network already found: the analysis, approaches and trials with outcomes."""
    trials = list(
        challenge.trials.select_related("approach", "evaluation").order_by("created_at", "pk")
    )
    return {
        "analysis": getattr(challenge, "analysis", None),
        "approaches": list(challenge.approaches.order_by("created_at", "pk")),
        "trials": trials,
    }


def handover_queue(*, event_id: int) -> ReferralHandover | None:
    """Render and store the hand-over mail of one referral event, once. Returns ``None`` when
    the event is no referral, the body has no contact address, or the mail already exists."""
    from workflows.models import Event

    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",))
            .select_related(
                "challenge", "challenge__referral_body", "challenge__topic",
                "challenge__region", "challenge__organisation", "transition_log",
                "transition_log__actor",
            )
            .filter(pk=event_id, kind=Event.Kind.CHALLENGE_REFERRED)
            .first()
        )
        if event is None or ReferralHandover.objects.filter(event=event).exists():
            return None
        challenge, log = event.challenge, event.transition_log
        body_ref = (log.inputs.get("referral_body") or {}) if log else {}
        from workflows.models import ReferralBody

        body = ReferralBody.objects.filter(pk=body_ref.get("id")).first()
        if body is None or not body.contact_email:
            return None
        contact = log.actor if log else event.actor
        with translation.override(HANDOVER_LANGUAGE):
            subject = _("Hand-over from the Willkommensnetz: %(title)s") % {
                "title": challenge.title
            }
            context = {
                "body": body,
                "challenge": challenge,
                "note": log.note if log else "",
                "contact": contact,
                "url": mail.challenge_url(challenge.pk),
                "site_url": settings.SITE_URL,
                **_found_so_far(challenge),
            }
            text = mail._tidy(render_to_string("notifications/mail/referral_handover.txt", context))
        handover = ReferralHandover.objects.create(
            event=event,
            to_email=body.contact_email,
            subject=" ".join(subject.split())[:300],
            body_text=text,
        )
        transaction.on_commit(lambda: _enqueue_send(handover.pk))
    return handover


def _enqueue_send(handover_id: int) -> None:
    try:
        send_referral_handover.delay(handover_id)
    except Exception:
        logger.warning("Could not enqueue hand-over mail %s", handover_id, exc_info=True)


def handover_send(*, handover_id: int) -> bool:
    """Send one pending hand-over exactly once (claimed under a lock other workers skip,
    marked sent in the same transaction). A backend error is recorded and re-raised."""
    with transaction.atomic():
        handover = (
            ReferralHandover.objects.select_for_update(skip_locked=True)
            .filter(pk=handover_id, status=ReferralHandover.Status.PENDING)
            .first()
        )
        if handover is None:
            return False
        try:
            mail.deliver(
                to_email=handover.to_email, subject=handover.subject,
                body_text=handover.body_text, body_html="", headers={},
            )
        except Exception as exc:
            failure = exc
        else:
            handover.status = ReferralHandover.Status.SENT
            handover.sent_at = timezone.now()
            handover.attempts += 1
            handover.save(update_fields=["status", "sent_at", "attempts"])
            return True
    ReferralHandover.objects.filter(pk=handover_id).update(
        attempts=handover.attempts + 1, last_error=f"{type(failure).__name__}: {failure}"[:2000]
    )
    raise failure


@shared_task(name="notifications.referral_handover", acks_late=True)
def referral_handover(event_id: int) -> bool:
    """Decide and store the hand-over mail of a referral event (idempotent)."""
    return handover_queue(event_id=event_id) is not None


@shared_task(
    name="notifications.send_referral_handover",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def send_referral_handover(handover_id: int) -> bool:
    """Send one stored hand-over mail (idempotent)."""
    return handover_send(handover_id=handover_id)
