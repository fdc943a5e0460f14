"""Small helpers shared by the notifications tests."""

from __future__ import annotations

from notifications import services
from notifications.mail import RenderedMail
from notifications.models import OutgoingMail, Preference
from tests.factories import UserFactory


def prefer(user, *, digest: str | None = None, immediate: bool | None = None,
           language: str | None = None):
    services.preference_update(actor=user, digest=digest, immediate=immediate)
    if language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


def queue_sentinel(address: str = "sentinel@example.org") -> OutgoingMail:
    """Queue one more mail behind everything enqueued so far. The solo worker takes messages in
    order, so once the sentinel arrives, everything enqueued before it has been processed."""
    from django.db import transaction

    user = UserFactory(email=address)
    Preference.objects.get_or_create(user=user)
    with transaction.atomic():
        return services.mail_queue(
            kind=OutgoingMail.Kind.EVENT,
            recipient=user,
            key=f"sentinel:{user.pk}",
            rendered=RenderedMail(subject="sentinel", body_text="sentinel", body_html=""),
        )
