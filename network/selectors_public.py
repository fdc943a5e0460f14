"""Reads of awareness material, news and who takes part, visibility decided by
``network.permissions_public`` (the same rule for pages, API, downloads and digests)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from core.exceptions import NotFound
from core.models import Organisation, Region

from . import permissions_public as permissions
from .models_public import Material, News


def materials_visible_to(user: Any) -> QuerySet[Material]:
    qs = Material.objects.select_related("topic", "target_group", "organisation")
    q = permissions.visible_materials_q(user)
    return qs if q is None else qs.filter(q)


def materials_filtered(
    user: Any,
    *,
    kind: str = "",
    topic: Any = None,
    target_group: Any = None,
    language: str = "",
    q: str = "",
) -> QuerySet[Material]:
    qs = materials_visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if topic is not None:
        qs = qs.filter(topic=topic)
    if target_group is not None:
        qs = qs.filter(target_group=target_group)
    if language:
        qs = qs.filter(language=language)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by("-published_at", "-created_at", "-id")


def material_detail_for(user: Any, pk: Any) -> Material:
    """The material ``pk`` if ``user`` may see it; else ``NotFound`` (never reveal which)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    material = materials_visible_to(user).filter(pk=pk).first()
    if material is None:
        raise NotFound()
    return material


def news_visible_to(user: Any, *, now: datetime.datetime | None = None) -> QuerySet[News]:
    return (
        News.objects.filter(permissions.visible_news_q(user, now=now))
        .select_related("author")
        .order_by("-published_at", "-id")
    )


def news_detail_for(user: Any, pk: Any) -> News:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    news = news_visible_to(user).filter(pk=pk).first()
    if news is None:
        raise NotFound()
    return news


def news_for_digest(
    user: Any, *, since: datetime.datetime, until: datetime.datetime
) -> QuerySet[News]:
    """The news published in (since, until] that ``user`` may read; their own left out."""
    return (
        News.objects.filter(permissions.visible_news_q(user, now=until))
        .filter(published_at__gt=since, published_at__lte=until)
        .exclude(author=user)
        .order_by("published_at", "id")
    )


def partners_by_region() -> list[dict[str, Any]]:
    """Every region with its admitted partner organisations (names) and their count, in the
    order of the regions; two queries."""
    regions = list(Region.objects.order_by("name"))
    names: dict[int, list[str]] = {region.pk: [] for region in regions}
    for region_id, name in (
        Organisation.objects.filter(status=Organisation.Status.ADMITTED)
        .order_by("name")
        .values_list("region_id", "name")
    ):
        names.setdefault(region_id, []).append(name)
    return [
        {"region": region, "slug": region.slug, "kind": region.kind,
         "organisations": names[region.pk], "count": len(names[region.pk])}
        for region in regions
    ]


def partner_count() -> int:
    return Organisation.objects.filter(status=Organisation.Status.ADMITTED).count()


