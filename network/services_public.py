"""Writes of awareness material and news. Every change goes through these functions (pages,
API, admin, demo); the rules are in ``network.permissions_public``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import MissingInput, PermissionDenied
from core.models import Organisation, TargetGroup, Topic

from . import permissions_public as permissions
from . import uploads
from .models_public import Material, News, PublicVisibility


def material_upload(
    *,
    actor: Any,
    title: str,
    kind: str,
    licence: str,
    description: str,
    file: Any,
    language: str = Material.Language.GERMAN,
    visibility: str = PublicVisibility.PUBLIC,
    topic: Topic | None = None,
    target_group: TargetGroup | None = None,
    organisation: Organisation | None = None,
) -> Material:
    """A coordinator or a partner member (for an admitted organisation of theirs) uploads a
    material; it waits for a coordinator to publish it. The file's content must be an allowed
    type within the size limit. Raises ``PermissionDenied``, ``MissingInput`` (field errors)."""
    if not permissions.can_upload_material(actor):
        raise PermissionDenied(_("Only coordinators and partner members may upload material."))
    if organisation is None and not permissions.can_publish_material(actor):
        own = sorted(permissions.upload_organisation_ids(actor))
        if len(own) == 1:
            organisation = Organisation.objects.get(pk=own[0])
        else:
            raise MissingInput(fields={"organisation": [_("Choose your organisation.")]})
    if organisation is not None and not permissions.can_publish_material(actor):
        if organisation.pk not in permissions.upload_organisation_ids(actor):
            raise MissingInput(
                fields={"organisation": [_("You may upload only for your own organisation.")]}
            )
    try:
        found = uploads.validate_material_file(file)
    except ValidationError as error:
        raise MissingInput(fields={"file": list(error.messages)}) from None
    file.name = f"upload.{found.extension}"
    material = Material(
        title=title,
        kind=kind,
        licence=licence,
        description=description,
        language=language,
        visibility=visibility,
        topic=topic,
        target_group=target_group,
        organisation=organisation,
        uploaded_by=actor,
        content_type=found.content_type,
        extension=found.extension,
        size=file.size,
    )
    try:
        material.full_clean(exclude=["file", "content_type", "extension", "size"])
    except ValidationError as error:
        raise MissingInput(fields=error.message_dict) from None
    material.file = file
    with transaction.atomic():
        material.save()
    return material


def material_publish(*, actor: Any, material: Material) -> Material:
    """A coordinator publishes a material: visible from now on to whom its visibility says.
    Publishing twice changes nothing. Raises ``PermissionDenied``."""
    if not permissions.can_publish_material(actor):
        raise PermissionDenied(_("Only coordinators publish material."))
    with transaction.atomic():
        locked = Material.objects.select_for_update().get(pk=material.pk)
        if locked.status != Material.Status.PUBLISHED:
            locked.status = Material.Status.PUBLISHED
            locked.published_at = timezone.now()
            locked.published_by = actor
            locked.save(update_fields=["status", "published_at", "published_by"])
    return locked


def material_withdraw(*, actor: Any, material: Material) -> Material:
    """A coordinator takes a published material back (it waits again; the file stays).
    Raises ``PermissionDenied``."""
    if not permissions.can_publish_material(actor):
        raise PermissionDenied(_("Only coordinators publish material."))
    with transaction.atomic():
        locked = Material.objects.select_for_update().get(pk=material.pk)
        locked.status = Material.Status.DRAFT
        locked.save(update_fields=["status"])
    return locked


def news_create(
    *,
    actor: Any,
    title: str,
    text: str,
    visibility: str = PublicVisibility.PUBLIC,
    published_at: datetime.datetime | None = None,
) -> News:
    """A coordinator writes a news item, shown from ``published_at`` (default: now) on, and in
    the next digests of those who may read it. Raises ``PermissionDenied``, ``MissingInput``."""
    if not permissions.can_write_news(actor):
        raise PermissionDenied(_("Only coordinators write news."))
    news = News(
        title=title,
        text=text,
        visibility=visibility,
        published_at=published_at or timezone.now(),
        author=actor,
    )
    try:
        news.full_clean()
    except ValidationError as error:
        raise MissingInput(fields=error.message_dict) from None
    news.save()
    return news


def news_update(*, actor: Any, news: News, **changes: Any) -> News:
    """A coordinator corrects a news item (title, text, visibility, published_at)."""
    if not permissions.can_write_news(actor):
        raise PermissionDenied(_("Only coordinators write news."))
    allowed = {"title", "text", "visibility", "published_at"}
    for field, value in changes.items():
        if field not in allowed:
            raise ValueError(f"Unknown news field: {field}")
        setattr(news, field, value)
    try:
        news.full_clean()
    except ValidationError as error:
        raise MissingInput(fields=error.message_dict) from None
    news.save(update_fields=sorted(changes))
    return news
