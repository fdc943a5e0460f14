"""Written recommendations (Handlungsempfehlungen) per target group.

A coordinator writes one (text plus the good-practice records that support it); it is a draft
until a coordinator publishes it after a preview, and can be withdrawn with a reason. Every
save writes a ``RecommendationVersion`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exceptions import (
    ConcurrentChange,
    MissingInput,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from core.models import TargetGroup

from . import permissions
from .editorial import changes_between
from .models import GoodPractice
from .models_editorial import Recommendation, RecommendationVersion

TITLE_MAX = 200
FIELDS = ("title", "text", "target_group", "good_practices")


def snapshot(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "title": recommendation.title,
        "text": recommendation.text,
        "target_group": recommendation.target_group_id,
        "good_practices": sorted(recommendation.good_practices.values_list("id", flat=True)),
        "status": recommendation.status,
    }


def _version(
    recommendation: Recommendation, *, kind: str, actor: Any, before: Mapping[str, Any],
    note: str = "",
) -> RecommendationVersion:
    after = snapshot(recommendation)
    last = recommendation.versions.aggregate(n=Max("number"))["n"] or 0
    return RecommendationVersion.objects.create(
        recommendation=recommendation, number=last + 1, kind=kind, actor=actor, note=note,
        changes=changes_between(before, after), snapshot=after, created_at=timezone.now(),
    )


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "recommendation"
    slug, n = base, 2
    while Recommendation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the fields given; raises ``MissingInput`` with every field's error at once."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "title" in data:
        cleaned["title"] = (data["title"] or "").strip()
        if not cleaned["title"]:
            errors["title"] = [_("A title is required.")]
        elif len(cleaned["title"]) > TITLE_MAX:
            errors["title"] = [_("At most %(n)d characters.") % {"n": TITLE_MAX}]
    if "text" in data:
        cleaned["text"] = (data["text"] or "").strip()
        if not cleaned["text"]:
            errors["text"] = [_("Please write the recommendation.")]
    if "target_group" in data:
        value = data["target_group"]
        pk = getattr(value, "pk", value)
        target_group = TargetGroup.objects.filter(pk=pk).first() if pk else None
        if target_group is None:
            errors["target_group"] = [_("Choose a target group.")]
        cleaned["target_group"] = target_group
    if "good_practices" in data:
        ids = sorted({getattr(v, "pk", v) for v in (data["good_practices"] or [])})
        if GoodPractice.objects.filter(pk__in=ids).count() != len(ids):
            errors["good_practices"] = [_("Choose existing good practices.")]
        cleaned["good_practices"] = ids
    if errors:
        raise MissingInput(fields=errors)
    return cleaned


def recommendation_create(
    *,
    actor: Any,
    title: str,
    text: str,
    target_group: TargetGroup | int,
    good_practices: Iterable[GoodPractice | int] = (),
) -> Recommendation:
    """Write a draft recommendation (coordinators only). Raises ``PermissionDenied``,
    ``MissingInput`` (title, text or target group missing, unknown records)."""
    if not permissions.can_write_recommendation(actor):
        raise PermissionDenied(_("Only coordinators write recommendations."))
    cleaned = _clean(
        {"title": title, "text": text, "target_group": target_group,
         "good_practices": list(good_practices)}
    )
    with transaction.atomic():
        now = timezone.now()
        recommendation = Recommendation.objects.create(
            title=cleaned["title"], slug=_unique_slug(cleaned["title"]), text=cleaned["text"],
            target_group=cleaned["target_group"], author=actor, created_at=now, updated_at=now,
        )
        recommendation.good_practices.set(cleaned["good_practices"])
        _version(recommendation, kind=RecommendationVersion.Kind.CREATED, actor=actor, before={})
    return recommendation


def _lock_visible(actor: Any, recommendation: Recommendation | int) -> Recommendation:
    pk = recommendation.pk if isinstance(recommendation, Recommendation) else recommendation
    locked = Recommendation.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not permissions.can_view_recommendation(actor, locked):
        raise NotFound(_("Recommendation not found."))
    return locked


def recommendation_edit(
    *,
    actor: Any,
    recommendation: Recommendation | int,
    data: Mapping[str, Any],
    base_version: int | None = None,
) -> Recommendation:
    """Change title, text, target group or supporting records (coordinators only). A save from
    an older version than the current one raises ``ConcurrentChange``; no change, no version.
    Raises ``NotFound``, ``PermissionDenied``, ``MissingInput``."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise MissingInput(fields={name: [_("Not an editable field.")] for name in unknown})
    cleaned = _clean(data)
    with transaction.atomic():
        locked = _lock_visible(actor, recommendation)
        if not permissions.can_write_recommendation(actor):
            raise PermissionDenied(_("Only coordinators write recommendations."))
        current = locked.versions.aggregate(n=Max("number"))["n"] or 0
        if base_version is not None and base_version != current:
            raise ConcurrentChange(
                _("Someone else saved this record meanwhile. Please reload and edit again.")
            )
        before = snapshot(locked)
        for name in ("title", "text", "target_group"):
            if name in cleaned:
                setattr(locked, name, cleaned[name])
        if "good_practices" in cleaned and cleaned["good_practices"] != before["good_practices"]:
            locked.good_practices.set(cleaned["good_practices"])
        if changes_between(before, snapshot(locked)):
            locked.updated_at = timezone.now()
            locked.save(update_fields=["title", "text", "target_group", "updated_at"])
            _version(locked, kind=RecommendationVersion.Kind.EDITED, actor=actor, before=before)
    return locked


def recommendation_publish(*, actor: Any, recommendation: Recommendation | int) -> Recommendation:
    """Publish a draft (coordinators only). It must cite at least one good practice, and every
    record it cites must be published: the public may read what supports it. Publishing a
    published recommendation changes nothing. Raises ``NotFound``, ``PermissionDenied``,
    ``TransitionNotAllowed`` (no or unpublished supporting records)."""
    with transaction.atomic():
        locked = _lock_visible(actor, recommendation)
        if not permissions.can_write_recommendation(actor):
            raise PermissionDenied(_("Only coordinators publish recommendations."))
        if locked.status == Recommendation.Status.PUBLISHED:
            return locked
        cited = list(locked.good_practices.all())
        if not cited:
            raise TransitionNotAllowed(
                _("Cite at least one good practice that supports the recommendation.")
            )
        drafts = [r.title for r in cited if r.status != GoodPractice.Status.PUBLISHED]
        if drafts:
            raise TransitionNotAllowed(
                _("Publish the supporting good practices first: %(titles)s.")
                % {"titles": ", ".join(drafts)}
            )
        before = snapshot(locked)
        now = timezone.now()
        locked.status = Recommendation.Status.PUBLISHED
        locked.published_at = now
        locked.published_by = actor
        locked.updated_at = now
        locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        _version(locked, kind=RecommendationVersion.Kind.PUBLISHED, actor=actor, before=before)
    return locked


def recommendation_unpublish(
    *, actor: Any, recommendation: Recommendation | int, reason: str
) -> Recommendation:
    """Withdraw a published recommendation, saying why (coordinators only); a draft stays as
    it is. Raises ``NotFound``, ``PermissionDenied``, ``MissingInput`` (no reason)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock_visible(actor, recommendation)
        if not permissions.can_write_recommendation(actor):
            raise PermissionDenied(_("Only coordinators publish recommendations."))
        if not reason:
            raise MissingInput(
                fields={"reason": [_("Please say why the recommendation is withdrawn.")]}
            )
        if locked.status == Recommendation.Status.PUBLISHED:
            before = snapshot(locked)
            locked.status = Recommendation.Status.DRAFT
            locked.updated_at = timezone.now()
            locked.save(update_fields=["status", "updated_at"])
            _version(
                locked, kind=RecommendationVersion.Kind.UNPUBLISHED, actor=actor, before=before,
                note=reason,
            )
    return locked


# --- reads --------------------------------------------------------------------------------------


def recommendations_visible_to(user: Any) -> QuerySet[Recommendation]:
    """Published recommendations for everyone; coordinators also see drafts. Supporting
    records are prefetched (only the published ones for people who may not see drafts)."""
    qs = Recommendation.objects.select_related("target_group")
    if not permissions.can_write_recommendation(user):
        qs = qs.filter(status=Recommendation.Status.PUBLISHED)
        records = GoodPractice.objects.filter(status=GoodPractice.Status.PUBLISHED)
    else:
        records = GoodPractice.objects.all()
    return qs.prefetch_related(
        Prefetch("good_practices", queryset=records.order_by("title"))
    )


def recommendation_detail_for(user: Any, slug: str) -> Recommendation:
    record = recommendations_visible_to(user).filter(slug=slug).first()
    if record is None:
        raise NotFound(_("Recommendation not found."))
    return record


def recommendation_versions(recommendation: Recommendation) -> list[RecommendationVersion]:
    return list(recommendation.versions.select_related("actor").order_by("-number"))


def recommendation_current_version(recommendation: Recommendation) -> int:
    return recommendation.versions.aggregate(n=Max("number"))["n"] or 0


def recommendation_drafts_for(user: Any, *, limit: int | None = None) -> list[Recommendation]:
    if not permissions.can_write_recommendation(user):
        return []
    qs = Recommendation.objects.filter(status=Recommendation.Status.DRAFT).select_related(
        "target_group"
    ).order_by("updated_at", "id")
    return list(qs[:limit] if limit else qs)
