"""Per-person mail preferences. (Reminder and digest records: see the notifications issue.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Preference(models.Model):
    class Digest(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")
        OFF = "off", _("off")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    immediate = models.BooleanField(
        _("immediate mail for followed challenges"), default=True
    )
    digest = models.CharField(
        _("digest"), max_length=8, choices=Digest.choices, default=Digest.WEEKLY
    )

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_digest_display()}"


class ReminderPolicy(models.Model):
    """Service-level ages of the open states, set by a coordinator in the admin. One row
    (``ReminderPolicy.current()``); a challenge older than its state's age is stale and reminds
    its working group, and after twice the age it escalates to the coordinators."""

    reported_days = models.PositiveIntegerField(_("reported: days"), default=14)
    analysed_days = models.PositiveIntegerField(_("analysed: days"), default=30)
    approach_proposed_days = models.PositiveIntegerField(_("approach proposed: days"), default=30)
    trial_grace_days = models.PositiveIntegerField(
        _("trialled: days after the planned trial end"), default=7
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policy")

    def __str__(self) -> str:
        return str(_("Reminder policy"))

    @classmethod
    def current(cls) -> "ReminderPolicy":
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()

    def days_for(self, state: str) -> int | None:
        return {
            "reported": self.reported_days,
            "analysed": self.analysed_days,
            "approach_proposed": self.approach_proposed_days,
        }.get(state)
