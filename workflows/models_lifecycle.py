"""The records a challenge's lifecycle steps produce: the analysis, the approaches, the trials
and their evaluations. Registered with the app by ``workflows.models``, which re-exports them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation

from .models import Challenge, Outcome


class Analysis(models.Model):
    """The working group's analysis: root causes and who is affected."""

    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="analysis", verbose_name=_("challenge")
    )
    root_causes = models.TextField(_("root causes"))
    affected = models.TextField(_("who is affected"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")

    def __str__(self) -> str:
        return f"{self.challenge}: {self.root_causes[:60]}"


class Approach(models.Model):
    """A way to tackle the challenge. Exactly one approach of a challenge is selected once an
    approach was proposed; ``good_practice`` ties approaches of different challenges that try the
    same thing to one good-practice record."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="approaches", verbose_name=_("challenge")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    selected = models.BooleanField(_("selected"), default=False)
    good_practice = models.ForeignKey(
        "GoodPractice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approaches",
        verbose_name=_("good-practice record"),
        help_text=_("Set when this approach reuses a known good practice."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("approach")
        verbose_name_plural = _("approaches")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge"],
                condition=models.Q(selected=True),
                name="one_selected_approach_per_challenge",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Trial(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        ABANDONED = "abandoned", _("abandoned")
        EVALUATED = "evaluated", _("evaluated")

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="trials", verbose_name=_("challenge")
    )
    approach = models.ForeignKey(
        Approach, on_delete=models.PROTECT, related_name="trials", verbose_name=_("approach")
    )
    plan = models.TextField(_("trial plan"), blank=True)
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    partners = models.ManyToManyField(
        Organisation, related_name="trials", verbose_name=_("participating partners")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    abandoned_reason = models.TextField(_("reason for revision"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("trial")
        verbose_name_plural = _("trials")
        ordering = ["created_at", "id"]
        indexes = [
            # The running trials past their planned end: the reminder scan's overdue trials
            # (``notifications.selectors.stale_q``) and my work's overdue count, read by index,
            # never the table.
            models.Index(
                fields=["planned_end"], include=["challenge"],
                condition=models.Q(status="running"), name="trial_running_planned_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approach} ({self.start} – {self.planned_end})"


class Evaluation(models.Model):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("challenge")
    )
    trial = models.OneToOneField(
        Trial, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("trial")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    evidence = models.TextField(_("evidence of success"))
    lessons_learned = models.TextField(_("lessons learned"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.trial}: {self.get_outcome_display()}"
