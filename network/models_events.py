"""Events, co-organisers, programmes, registrations and personal calendar feeds.

Rules about who may see or change an event live in ``network.permissions_events``; every write
goes through ``network.services_events``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Event", "CoOrganiser", "ProgrammeSession", "Registration", "CalendarFeedToken"]


class Event(models.Model):
    """The annual network event or a partner's activity. Drafts are seen by their organiser
    and the coordinators only; published events by everyone (``public``) or by the network's
    members and stakeholders (``network``)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("annual network event")
        WORKSHOP = "workshop", _("workshop")
        JOB_FAIR = "job_fair", _("job fair")
        INFORMATION_DAY = "information_day", _("information day")
        TRAINING = "training", _("training")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("public")
        NETWORK = "network", _("network only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    # The annual event is the network's own: no organiser organisation, planned by coordinators.
    organiser = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    topics = models.ManyToManyField("core.Topic", blank=True, related_name="+", verbose_name=_("topics"))
    target_groups = models.ManyToManyField(
        "core.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Empty: no limit. Registrations beyond it go onto the waiting list.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    consent_text = models.TextField(_("consent text"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "audience", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CoOrganiser(models.Model):
    """Another partner organisation offers to co-organise; the organiser accepts or declines."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="co_organisers",
                              verbose_name=_("event"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organisation"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OFFERED)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("offered by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-organiser")
        verbose_name_plural = _("co-organisers")
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="one_offer_per_event_org")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.event}"


class ProgrammeSession(models.Model):
    """One item of an event's programme."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions",
                              verbose_name=_("event"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("programme session")
        verbose_name_plural = _("programme sessions")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """A visitor's registration: not a user. Confirmed up to the capacity, then waiting (in the
    order they came). Deleted ``EVENT_ATTENDEE_RETENTION_DAYS`` after the event."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations",
                              verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=150)
    # Stored lower-cased: one active registration per address and event (constraint below).
    email = models.EmailField(_("email address"))
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    consent_text = models.TextField(_("consent given to"))
    language = models.CharField(_("language"), max_length=8, default="de")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    moved_up_at = models.DateTimeField(_("moved up at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} → {self.event}"


class CalendarFeedToken(models.Model):
    """The secret of a person's subscribable calendar feed; only its SHA-256 is stored."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed_token", verbose_name=_("user"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)
