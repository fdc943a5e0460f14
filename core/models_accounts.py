"""What a person's own account keeps beside the ``User`` row: personal API tokens
(``core.tokens``), two-factor recovery codes (``core.two_factor``) and requests to change the
sign-in address (``core.email_change``). Imported by ``core.models`` so Django finds it."""

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


class ApiToken(models.Model):
    """A personal API token (issue 10, item 2): named, expiring, stored as a SHA-256 digest.
    The key itself is shown once, when it is made (``core.tokens.token_create``); nobody —
    coordinator, operator or database reader — can read it afterwards."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("beginning"), max_length=8, help_text=_("The first characters, to recognise it by.")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class RecoveryCode(models.Model):
    """A single-use recovery code of a person's two-factor sign-in (``core.two_factor``), for
    when the authenticator app is lost. Stored as a SHA-256 digest: a code carries 80 random
    bits, so a fast digest is enough, and nobody can read the code after it was shown once.
    (django-otp's own static tokens are kept in clear, which is why they are not used.)"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("person"),
    )
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="unique_recovery_code")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
