"""Per-person mail preferences, the reminder policy, and the two tables that make background mail
exactly-once: ``OutgoingMail`` (one row per mail that must go out once, unique per kind,
recipient and key) and ``Reminder`` (one row per challenge, state entry and level)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class OutgoingMail(models.Model):
    """One mail that must go out exactly once: the outbox.

    The row is created (rendered, in the recipient's language) in the transaction that decides
    the mail is due; the unique (kind, recipient, key) makes a second decision a no-op. Sending
    (``notifications/outbox.py``) claims the row for a lease and commits, talks SMTP outside any
    transaction, then marks it sent: a concurrent worker finds the row claimed, and a worker that
    died mid-send leaves a lease that expires, so the scan sends it again (the only duplicate
    possible: a crash between the server's acceptance and the commit; same ``Message-ID``).
    """

    class Kind(models.TextChoices):
        EVENT = "event", _("immediate notification")
        REMINDER = "reminder", _("reminder")
        DIGEST = "digest", _("digest")
        REPLY_REFUSED = "reply_refused", _("reply by mail refused")
        REGISTRATION = "registration", _("event registration")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (gave up)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Empty for people who are no users (event registrants): ``to_email`` is the address.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_mails",
        verbose_name=_("recipient"),
    )
    # e.g. "event:12", "reminder:7:2026-11-02T10:00:00+00:00:1", "digest:daily:2026-11-24"
    key = models.CharField(_("key"), max_length=200)
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [{"filename", "content" (text), "mimetype"}], e.g. an event's .ics
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # While "sending": the claim holds until then; past it the worker is presumed dead.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # After a failed attempt: not before then (back-off); the outbox scan picks it up after.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Digests: the end of the window this digest covers; the next one starts there.
    window_end = models.DateTimeField(_("covers until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "key"], name="one_mail_per_kind_recipient_key"
            ),
            # Without a recipient (NULLs are distinct) the key alone makes the mail unique.
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(recipient__isnull=True),
                name="one_mail_per_kind_key_without_recipient",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email}: {self.subject}"

    @property
    def message_id(self) -> str:
        """The row's own ``Message-ID``: the same on every attempt, so a receiver can drop the
        one duplicate a crash after the server's acceptance may cause."""
        from .outbox import message_id_for

        return message_id_for(self)


class Reminder(models.Model):
    """A reminder (level 1) or escalation (level 2) decided for one stay of a challenge in a
    state. Unique per challenge, state entry and level: whatever retries, restarts or overlapping
    scans happen, it is decided, and its mails created, once."""

    class Level(models.IntegerChoices):
        REMIND = 1, _("reminder to the working group")
        ESCALATE = 2, _("escalation to the coordinators")

    challenge = models.ForeignKey(
        "workflows.Challenge",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("challenge"),
    )
    state = models.CharField(_("state"), max_length=32)
    state_entered_at = models.DateTimeField(_("state entered at"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "state_entered_at", "level"],
                name="one_reminder_per_state_entry_and_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} {self.state} L{self.level}"


class DigestRun(models.Model):
    """One period's digest run (e.g. the daily digest of 2026-11-24), created once by the
    scheduled job or by the catch-up scan. Its subscribers are split into ``DigestBatch`` ranges
    created in the same transaction, so the run survives a lost task, a lost queue or a killed
    worker: the catch-up scan hands out again every batch not done in time."""

    period = models.CharField(_("period"), max_length=8)
    key = models.CharField(_("key"), max_length=64, unique=True)  # as OutgoingMail.key
    window_end = models.DateTimeField(_("covers until"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.key


class DigestBatch(models.Model):
    """The subscribers of a run with ids in [first_user_id, last_user_id]. Building it is
    idempotent (one ``OutgoingMail`` per person and key), so handing it out twice is harmless."""

    run = models.ForeignKey(
        DigestRun, on_delete=models.CASCADE, related_name="batches", verbose_name=_("run")
    )
    first_user_id = models.BigIntegerField(_("first user id"))
    last_user_id = models.BigIntegerField(_("last user id"))
    # Handed to the broker then; not done by then plus the lease: handed out again.
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest batch")
        verbose_name_plural = _("digest batches")
        ordering = ["run", "first_user_id"]
        indexes = [models.Index(fields=["done_at", "enqueued_at"])]

    def __str__(self) -> str:
        return f"{self.run.key} [{self.first_user_id}–{self.last_user_id}]"


class ReferralHandover(models.Model):
    """The hand-over mail to a referral body, once per referral (the ``challenge_referred``
    event): rendered and stored when decided, marked sent in the transaction that sends it.
    The body is no user of ours, so it has its own small outbox (see ``notifications.referrals``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")

    event = models.OneToOneField(
        "workflows.Event", on_delete=models.CASCADE, related_name="referral_handover"
    )
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hand-over mail to a referral body")
        verbose_name_plural = _("hand-over mails to referral bodies")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class InboundMail(models.Model):
    """One reply by mail as received (``notifications.inbound``): unique per ``Message-ID``, so
    the same message delivered twice becomes one comment. Kept with what became of it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ACCEPTED = "accepted", _("added as a comment")
        REFUSED = "refused", _("refused")

    class Reason(models.TextChoices):
        BAD_ADDRESS = "bad_address", _("reply address not valid")
        WRONG_SENDER = "wrong_sender", _("sender is not the addressee of the notification")
        NOT_FOUND = "not_found", _("challenge not found")
        NOT_ALLOWED = "not_allowed", _("sender may not comment")
        EMPTY = "empty", _("no text above the quote")
        TOO_LARGE = "too_large", _("message too large")
        INVALID = "invalid", _("comment not valid")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    sender = models.EmailField(_("sender"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbound_mails",
        verbose_name=_("person"),
    )
    recipient = models.CharField(_("reply address"), max_length=254, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    challenge = models.ForeignKey(
        "workflows.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("challenge"),
    )
    comment = models.OneToOneField(
        "workflows.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
        verbose_name=_("comment"),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("reply by mail")
        verbose_name_plural = _("replies by mail")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.get_status_display()}"
