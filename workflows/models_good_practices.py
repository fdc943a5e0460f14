"""The good-practice records aggregated from successful trials. Registered with the app by
``workflows.models``, which re-exports them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, Region, TargetGroup, Topic, WorkingGroup


class GoodPractice(models.Model):
    """A good-practice record, shaped like the records of European good-practice databases.

    It aggregates every trial of one approach (linked through ``Approach.good_practice``); the
    aggregate fields are recomputed from the database, never incremented. A coordinator reviews
    and publishes it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Validation(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        VALIDATED = "validated", _("validated")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=220, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    validation = models.CharField(
        _("validation"), max_length=20, choices=Validation.choices, default=Validation.PENDING
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="good_practices",
        verbose_name=_("working group"),
    )
    problem = models.TextField(_("problem addressed"), blank=True)
    approach = models.TextField(_("the approach"), blank=True)
    context = models.TextField(_("context and location"), blank=True)
    regions = models.ManyToManyField(
        Region, blank=True, related_name="good_practices", verbose_name=_("regions")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="good_practices", verbose_name=_("target groups")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="good_practices", verbose_name=_("topics")
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="good_practices", verbose_name=_("partners involved")
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    resources_cost = models.TextField(_("resources: cost"), blank=True)
    resources_staff = models.TextField(_("resources: staff"), blank=True)
    resources_time = models.TextField(_("resources: time"), blank=True)
    timescale = models.CharField(_("timescale"), max_length=200, blank=True)
    evidence = models.TextField(_("evidence of success (indicators)"), blank=True)
    difficulties = models.TextField(_("difficulties encountered"), blank=True)
    lessons_learnt = models.TextField(_("lessons learnt"), blank=True)
    transferability = models.TextField(_("potential for transfer"), blank=True)
    # Aggregate over every evaluated trial of this approach (recomputed, never incremented).
    trial_count = models.PositiveIntegerField(_("trials"), default=0)
    success_count = models.PositiveIntegerField(_("successful trials"), default=0)
    partial_count = models.PositiveIntegerField(_("partly successful trials"), default=0)
    region_count = models.PositiveIntegerField(_("regions"), default=0)
    typical_duration_days = models.PositiveIntegerField(
        _("typical duration (days)"), null=True, blank=True
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
    # Evaluations whose evidence and lessons already joined the editorial text: later trials
    # are appended once, and a coordinator's edits of the text are never overwritten.
    merged_evaluations = models.ManyToManyField(
        "Evaluation", blank=True, related_name="+", verbose_name=_("trials merged into the text")
    )
    # Records imported from another network's open-data feed keep where they came from.
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_uri = models.CharField(
        _("identifier at the source"), max_length=500, null=True, blank=True, unique=True
    )
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "title"]

    def __str__(self) -> str:
        return self.title
