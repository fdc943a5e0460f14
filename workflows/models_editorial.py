"""Editorial history of good-practice records: one version row per save."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import GoodPractice


class Version(models.Model):
    """One save of an editorial record (a good-practice record, a recommendation): its number,
    who saved it, a note, the fields changed (before and after) and a snapshot of every
    editable field after the save. Each kind of record names its own kinds of change."""

    number = models.PositiveIntegerField(_("version"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True


class GoodPracticeVersion(Version):
    """One save of a good-practice record: who, when, what kind of change, the fields changed
    (before and after) and a snapshot of every editable field after the save."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created from a trial")
        AGGREGATED = "aggregated", _("trials joined")
        EDITED = "edited", _("edited")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("withdrawn from the catalogue")
        IMPORTED = "imported", _("imported")

    good_practice = models.ForeignKey(
        GoodPractice, on_delete=models.CASCADE, related_name="versions"
    )
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("good-practice version")
        verbose_name_plural = _("good-practice versions")
        ordering = ["good_practice", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["good_practice", "number"], name="unique_good_practice_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.good_practice} v{self.number}"


class Recommendation(models.Model):
    """A written recommendation (Handlungsempfehlung) for one target group, citing the
    good-practice records that support it; reviewed and published by coordinators."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=220, unique=True)
    target_group = models.ForeignKey(
        "core.TargetGroup",
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("target group"),
    )
    text = models.TextField(_("recommendation"))
    good_practices = models.ManyToManyField(
        GoodPractice,
        blank=True,
        related_name="recommendations",
        verbose_name=_("supporting good practices"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["target_group", "-published_at", "title"]

    def __str__(self) -> str:
        return self.title


class RecommendationVersion(Version):
    """One save of a recommendation, like ``GoodPracticeVersion``."""

    class Kind(models.TextChoices):
        CREATED = "created", _("written")
        EDITED = "edited", _("edited")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("withdrawn from the catalogue")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="versions"
    )
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("recommendation version")
        verbose_name_plural = _("recommendation versions")
        ordering = ["recommendation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "number"], name="unique_recommendation_version"
            )
        ]
