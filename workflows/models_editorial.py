"""Editorial history of good-practice records: one version row per save."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import GoodPractice


class GoodPracticeVersion(models.Model):
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
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
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
