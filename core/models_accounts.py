"""What a person's own account keeps beside the ``User`` row: requests to change the sign-in
address (``core.email_change``). Imported by ``core.models`` so Django finds it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailChange(models.Model):
    """A person asked to sign in with a new address. It takes effect only when the person
    opens the signed link mailed to the new address (proving it is theirs); a newer request
    supersedes an older one, and each request is confirmed at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        SUPERSEDED = "superseded", _("superseded")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_changes",
        verbose_name=_("person"),
    )
    old_email = models.EmailField(_("previous email address"))
    new_email = models.EmailField(_("new email address"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email address change")
        verbose_name_plural = _("email address changes")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A second request supersedes the first in the same transaction.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_email_change_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_email} → {self.new_email} ({self.get_status_display()})"
