"""Personal data (DSGVO) beside the people themselves: the privacy notice and imprint, erasure
requests and the audit trail of what was done with a person's data (``core.personal_data``).
Imported by ``core.models`` so Django finds it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalNotice(models.Model):
    """The privacy notice (Datenschutzerklärung) and the imprint (Impressum) of this
    installation, in German and English, set by the operator in the admin. One row
    (``LegalNotice.current()``); an empty text shows the shipped template
    (``core/legal/<kind>.<language>.txt``), whose placeholders the operator fills in."""

    KINDS = ("privacy", "imprint")

    privacy_de = models.TextField(_("privacy notice (German)"), blank=True)
    privacy_en = models.TextField(_("privacy notice (English)"), blank=True)
    imprint_de = models.TextField(_("imprint (German)"), blank=True)
    imprint_en = models.TextField(_("imprint (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("privacy notice and imprint")
        verbose_name_plural = _("privacy notice and imprint")

    def __str__(self) -> str:
        return str(_("Privacy notice and imprint"))

    @classmethod
    def current(cls) -> "LegalNotice":
        notice = cls.objects.order_by("pk").first()
        return notice if notice is not None else cls()


class ErasureRequest(models.Model):
    """A person asks for the erasure of their data; a coordinator confirms (the account is then
    anonymised, see ``core.personal_data.person_erase``) or declines. At most one pending
    request per person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        DONE = "done", _("erased")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DECLINED = "declined", _("declined")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure_requests",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="one_pending_erasure_request_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"


class PersonalDataLog(models.Model):
    """The audit trail of what was done with a person's data: exports (by whom), erasure
    requests and their outcome. Holds no personal text, so it survives the erasure."""

    class Action(models.TextChoices):
        EXPORTED = "exported", _("data exported")
        ERASURE_REQUESTED = "erasure_requested", _("erasure requested")
        ERASURE_WITHDRAWN = "erasure_withdrawn", _("erasure request withdrawn")
        ERASURE_DECLINED = "erasure_declined", _("erasure request declined")
        ERASED = "erased", _("data erased")
        TWO_FACTOR_RESET = "two_factor_reset", _("two-factor sign-in reset")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_data_log",
        verbose_name=_("person"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal-data log entry")
        verbose_name_plural = _("personal-data log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.person} ({self.at:%Y-%m-%d %H:%M})"
