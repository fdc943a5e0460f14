"""Awareness material and news.

Material is a file partners share (guides, flyers, presentations, checklists); its bytes live in
the default storage (MEDIA_ROOT under var/, outside the static root) under a random name and are
only ever handed out as a download by ``network.views_public.material_download``, which asks
``network.permissions_public`` first. News are short announcements coordinators write.
Who sees what is decided in ``network.permissions_public``; writes go through
``network.services_public``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Material", "News", "PublicVisibility"]


class PublicVisibility(models.TextChoices):
    PUBLIC = "public", _("public: everyone, also visitors")
    NETWORK = "network", _("network only: partners, working groups, stakeholders, coordinators")


def material_upload_to(instance: "Material", filename: str) -> str:
    # Never the uploader's name on disk: a random name with the extension the content proved.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"material/{uuid.uuid4().hex}.{extension}"


class Material(models.Model):
    class Kind(models.TextChoices):
        GUIDE = "guide", _("guide")
        FLYER = "flyer", _("flyer")
        PRESENTATION = "presentation", _("presentation")
        CHECKLIST = "checklist", _("checklist")

    class Licence(models.TextChoices):
        CC_BY = "cc-by-4.0", _("CC BY 4.0")
        CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0")
        ALL_RIGHTS_RESERVED = "all-rights-reserved", _("all rights reserved")

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")
        ARABIC = "ar", _("Arabic")
        UKRAINIAN = "uk", _("Ukrainian")
        RUSSIAN = "ru", _("Russian")
        POLISH = "pl", _("Polish")
        SPANISH = "es", _("Spanish")
        FRENCH = "fr", _("French")
        TURKISH = "tr", _("Turkish")
        MULTILINGUAL = "mul", _("several languages")

    class Status(models.TextChoices):
        DRAFT = "draft", _("waiting for publication")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    topic = models.ForeignKey(
        "core.Topic", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("topic"),
    )
    target_group = models.ForeignKey(
        "core.TargetGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("target group"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.GERMAN
    )
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices)
    description = models.TextField(_("short description"), max_length=1000)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200)
    # What the content's magic bytes proved, never what the browser claimed.
    content_type = models.CharField(_("content type"), max_length=120, editable=False)
    extension = models.CharField(_("file extension"), max_length=8, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=PublicVisibility.choices,
        default=PublicVisibility.PUBLIC,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="materials", verbose_name=_("organisation"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("awareness material")
        verbose_name_plural = _("awareness material")
        ordering = ["-published_at", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("material-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class News(models.Model):
    """An announcement of the coordinators; shown once ``published_at`` has come."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=10000)
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=PublicVisibility.choices,
        default=PublicVisibility.PUBLIC,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("news-detail", args=[self.pk])
