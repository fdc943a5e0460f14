"""Who may see and do what with awareness material and news.

Built on the roles of ``core.permissions`` (rights are the union of a person's roles). Pages,
API, downloads and the digest all ask these functions; something a person may not see is "not
found" for them, never "forbidden".

| action | visitor | partner member | group member, stakeholder | coordinator |
|---|---|---|---|---|
| see published public material and news | yes | yes | yes | yes |
| see published network-only material and news | no | yes | yes | yes |
| see material waiting for publication | no | their organisation's, their own | their own | yes |
| upload material | no | for an admitted organisation of theirs | no | yes |
| publish or withdraw material | no | no | no | yes |
| write news | no | no | no | yes |
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.permissions import roles_of

from .models_public import Material, PublicVisibility


def _readable_visibilities(user: Any) -> list[str]:
    if roles_of(user).network_reader:
        return [PublicVisibility.PUBLIC, PublicVisibility.NETWORK]
    return [PublicVisibility.PUBLIC]


def visible_materials_q(user: Any) -> Q | None:
    """The material ``user`` may see, as a filter (``None``: everything)."""
    roles = roles_of(user)
    if roles.coordinator:
        return None
    q = Q(status=Material.Status.PUBLISHED, visibility__in=_readable_visibilities(user))
    if roles.authenticated:
        q |= Q(uploaded_by=user)
        if roles.organisation_ids:
            q |= Q(organisation_id__in=sorted(roles.organisation_ids))
    return q


def can_see_material(user: Any, material: Material) -> bool:
    roles = roles_of(user)
    if roles.coordinator:
        return True
    if material.is_published and material.visibility in _readable_visibilities(user):
        return True
    if not roles.authenticated:
        return False
    return material.uploaded_by_id == user.pk or material.organisation_id in roles.organisation_ids


def can_upload_material(user: Any) -> bool:
    roles = roles_of(user)
    return roles.coordinator or roles.partner


def upload_organisation_ids(user: Any) -> frozenset[int]:
    """The organisations ``user`` may upload material for (coordinators: any, or none)."""
    return roles_of(user).organisation_ids


def can_publish_material(user: Any) -> bool:
    return roles_of(user).coordinator


def can_write_news(user: Any) -> bool:
    return roles_of(user).coordinator


def visible_news_q(user: Any, *, now: datetime.datetime | None = None) -> Q:
    """The news ``user`` may read: published (their time has come) and of a visibility they may
    read. Coordinators also see news scheduled for later."""
    if roles_of(user).coordinator:
        return Q()
    return Q(published_at__lte=now or timezone.now(), visibility__in=_readable_visibilities(user))
