"""Retention (DSGVO Art. 5(1)(e)): accounts unused for ``RETENTION_INACTIVE_ACCOUNT_DAYS`` are
flagged to the coordinators (they decide: ask the person, erase, or keep), and rows that are
only kept for a while (sent mails, events) are pruned after their configured age by the daily
job ``core.prune_personal_data`` (see ``core/celery.py``), through the pruners the apps
registered with ``core.personal_data``. Pruning selects by age only, so it is idempotent.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import User
from core.personal_data import providers

# Digests look back at most 31 days (notifications.services.DIGEST_MAX_LOOKBACK) and find
# their start in the last digest sent: nothing younger than this is ever pruned.
MINIMUM_RETENTION_DAYS = 32


def retention_days(setting: str) -> int:
    return max(int(getattr(settings, setting)), MINIMUM_RETENTION_DAYS)


def inactive_accounts(*, now: datetime.datetime | None = None) -> QuerySet[User]:
    """Active, not erased accounts whose last sign-in (or, never signed in, registration) is
    older than ``RETENTION_INACTIVE_ACCOUNT_DAYS``, longest unused first."""
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.RETENTION_INACTIVE_ACCOUNT_DAYS
    )
    return (
        User.objects.filter(is_active=True, erased_at__isnull=True)
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(Q(last_seen__lt=cutoff))
        .order_by("last_seen", "id")
    )


def retention_prune() -> dict[str, int]:
    """Run every registered pruner; returns how many rows each kind lost."""
    pruned: dict[str, int] = {}
    for provider in providers():
        if provider.prune is not None:
            pruned.update(provider.prune())
    return pruned
