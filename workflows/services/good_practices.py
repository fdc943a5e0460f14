"""Publishing and withdrawing good-practice records."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import (
    MissingInput,
    NotFound,
    PermissionDenied,
)

from .. import editorial, permissions
from ..models import (
    Event,
    GoodPractice,
)
from ..models_editorial import GoodPracticeVersion
from ._base import (
    _record_event,
)

# --- good practices -----------------------------------------------------------------------------


def good_practice_publish(
    *, actor: Any, good_practice: GoodPractice | int
) -> GoodPractice:
    """Publish a draft good-practice record into the public catalogue (coordinators only);
    publishing marks it validated. Publishing a published record changes nothing."""
    pk = good_practice.pk if isinstance(good_practice, GoodPractice) else good_practice
    with transaction.atomic():
        locked = GoodPractice.objects.select_for_update().filter(pk=pk).first()
        if locked is None or not permissions.can_view_good_practice(actor, locked):
            raise NotFound(_("Good practice not found."))
        if not permissions.can_publish_good_practice(actor, locked):
            raise PermissionDenied(_("Only coordinators publish good practices."))
        if locked.status == GoodPractice.Status.PUBLISHED:
            return locked
        before = editorial.snapshot(locked)
        now = timezone.now()
        locked.status = GoodPractice.Status.PUBLISHED
        locked.validation = GoodPractice.Validation.VALIDATED
        locked.published_at = now
        locked.published_by = actor
        locked.updated_at = now
        locked.save(
            update_fields=[
                "status",
                "validation",
                "published_at",
                "published_by",
                "updated_at",
            ]
        )
        editorial.version_record(
            good_practice=locked,
            kind=GoodPracticeVersion.Kind.PUBLISHED,
            actor=actor,
            before=before,
        )
        _record_event(
            kind=Event.Kind.GOOD_PRACTICE_PUBLISHED, actor=actor, good_practice=locked
        )
    return locked


def good_practice_unpublish(
    *, actor: Any, good_practice: GoodPractice | int, reason: str
) -> GoodPractice:
    """Take a record out of the public catalogue again (coordinators only), saying why; the
    reason is kept in the record's versions. Withdrawing a draft changes nothing. Raises
    ``NotFound``, ``PermissionDenied``, ``MissingInput`` (no reason)."""
    reason = (reason or "").strip()
    pk = good_practice.pk if isinstance(good_practice, GoodPractice) else good_practice
    with transaction.atomic():
        locked = GoodPractice.objects.select_for_update().filter(pk=pk).first()
        if locked is None or not permissions.can_view_good_practice(actor, locked):
            raise NotFound(_("Good practice not found."))
        if not permissions.can_publish_good_practice(actor, locked):
            raise PermissionDenied(_("Only coordinators publish good practices."))
        if not reason:
            raise MissingInput(
                fields={"reason": [_("Please say why the record is withdrawn.")]}
            )
        if locked.status != GoodPractice.Status.DRAFT:
            before = editorial.snapshot(locked)
            locked.status = GoodPractice.Status.DRAFT
            locked.validation = GoodPractice.Validation.CHANGES_REQUESTED
            locked.updated_at = timezone.now()
            locked.save(update_fields=["status", "validation", "updated_at"])
            editorial.version_record(
                good_practice=locked,
                kind=GoodPracticeVersion.Kind.UNPUBLISHED,
                actor=actor,
                before=before,
                note=reason,
            )
    return locked
