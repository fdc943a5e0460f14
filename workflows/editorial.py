"""Editorial work on good-practice records: edit every field, publish with confirmation,
withdraw with a reason, and a version row for every save.

Each save of a record (an edit, a publication, a withdrawal, trials joining it) writes one
``GoodPracticeVersion`` in the same transaction: who, when, which fields changed (before and
after) and a snapshot of the record after the save.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ConcurrentChange, MissingInput, NotFound, PermissionDenied

from . import permissions
from .models import Evaluation, GoodPractice
from .models_editorial import GoodPracticeVersion
from .search import index as search_index

TEXT_FIELDS = (
    "title",
    "problem",
    "approach",
    "context",
    "contact",
    "resources_cost",
    "resources_staff",
    "resources_time",
    "timescale",
    "evidence",
    "difficulties",
    "lessons_learnt",
    "transferability",
)
RELATION_FIELDS = ("regions", "target_groups", "topics", "partners")
EDITABLE_FIELDS = TEXT_FIELDS + RELATION_FIELDS
AGGREGATE_FIELDS = ("trial_count", "success_count", "partial_count")
TITLE_MAX = 200


def snapshot(record: GoodPractice) -> dict[str, Any]:
    """Every editable field of ``record`` as JSON-ready values (relations as sorted ids)."""
    data: dict[str, Any] = {name: getattr(record, name) for name in TEXT_FIELDS}
    for name in RELATION_FIELDS:
        data[name] = sorted(getattr(record, name).values_list("id", flat=True))
    data["status"] = record.status
    for name in AGGREGATE_FIELDS:
        data[name] = getattr(record, name)
    return data


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def version_record(
    *,
    good_practice: GoodPractice,
    kind: str,
    actor: Any = None,
    before: Mapping[str, Any] | None = None,
    note: str = "",
) -> GoodPracticeVersion:
    """Append the next version of ``good_practice`` (call inside the saving transaction, with
    the record's row locked, so numbers never collide)."""
    after = snapshot(good_practice)
    last = good_practice.versions.aggregate(n=Max("number"))["n"] or 0
    return GoodPracticeVersion.objects.create(
        good_practice=good_practice,
        number=last + 1,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        changes=changes_between(before or {}, after),
        snapshot=after,
        created_at=timezone.now(),
    )


def _lock_visible(actor: Any, good_practice: GoodPractice | int) -> GoodPractice:
    pk = good_practice.pk if isinstance(good_practice, GoodPractice) else good_practice
    locked = GoodPractice.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not permissions.can_view_good_practice(actor, locked):
        raise NotFound(_("Good practice not found."))
    return locked


def good_practice_edit(
    *,
    actor: Any,
    good_practice: GoodPractice | int,
    data: Mapping[str, Any],
    base_version: int | None = None,
) -> GoodPractice:
    """Change the editorial fields of a record. Coordinators edit every record; members of the
    authoring working group edit their group's drafts. ``data`` holds some of
    ``EDITABLE_FIELDS`` (text as ``str``, relations as iterables of objects or ids). With
    ``base_version`` (the version the editor started from) a save over someone else's newer
    save is refused. Saving without a change writes no version.

    Raises ``NotFound`` (may not see it), ``PermissionDenied`` (may not edit it),
    ``MissingInput`` (unknown field, empty or too long title), ``ConcurrentChange``."""
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise MissingInput(
            _("These fields cannot be edited: %(fields)s.") % {"fields": ", ".join(unknown)},
            fields={name: [_("Not an editable field.")] for name in unknown},
        )
    if "title" in data:
        title = (data["title"] or "").strip()
        if not title:
            raise MissingInput(fields={"title": [_("A title is required.")]})
        if len(title) > TITLE_MAX:
            raise MissingInput(
                fields={"title": [_("At most %(n)d characters.") % {"n": TITLE_MAX}]}
            )
    with transaction.atomic():
        record = _lock_visible(actor, good_practice)
        if not permissions.can_edit_good_practice(actor, record):
            raise PermissionDenied(_("You may not edit this good practice."))
        current = record.versions.aggregate(n=Max("number"))["n"] or 0
        if base_version is not None and base_version != current:
            raise ConcurrentChange(
                _("Someone else saved this record meanwhile. Please reload and edit again.")
            )
        before = snapshot(record)
        for name in TEXT_FIELDS:
            if name in data:
                setattr(record, name, (data[name] or "").strip())
        for name in RELATION_FIELDS:
            if name in data:
                ids = sorted({getattr(v, "pk", v) for v in data[name]})
                if ids != before[name]:
                    getattr(record, name).set(ids)
        if changes_between(before, snapshot(record)):
            record.updated_at = timezone.now()
            record.save(update_fields=[*TEXT_FIELDS, "updated_at"])
            version_record(
                good_practice=record, kind=GoodPracticeVersion.Kind.EDITED, actor=actor,
                before=before,
            )
            search_index.good_practice_refresh(record.pk)
    return record


def good_practice_versions(good_practice: GoodPractice) -> list[GoodPracticeVersion]:
    """The versions of one record, newest first, with their authors (one query)."""
    return list(good_practice.versions.select_related("actor").order_by("-number"))


def good_practice_current_version(good_practice: GoodPractice) -> int:
    return good_practice.versions.aggregate(n=Max("number"))["n"] or 0


# --- reads --------------------------------------------------------------------------------------


def good_practice_trials(good_practice: GoodPractice) -> list[Evaluation]:
    """Every evaluated trial of the record's approaches, oldest first, each with its
    organisation, region, period, outcome, evidence and lessons (one query)."""
    return list(
        Evaluation.objects.filter(trial__approach__good_practice=good_practice)
        .select_related(
            "trial", "trial__approach", "challenge__organisation", "challenge__region"
        )
        .order_by("created_at", "id")
    )


def good_practice_drafts_for(user: Any, *, limit: int | None = None) -> list[GoodPractice]:
    """Draft records waiting for review that ``user`` may edit or publish, oldest change first
    (coordinators: every draft; working-group members: their groups' drafts)."""
    q = permissions.visible_good_practices_q(user)
    qs = GoodPractice.objects.filter(status=GoodPractice.Status.DRAFT)
    if q is not None:
        if not permissions.roles_of(user).group_ids:
            return []
        qs = qs.filter(q)
    qs = qs.select_related("working_group").order_by("updated_at", "id")
    return list(qs[:limit] if limit else qs)
