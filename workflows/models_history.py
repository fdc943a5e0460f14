"""A challenge's audit trail and discussion: the transition log, field changes, comments,
followers, and the events mail is derived from. Registered with the app by
``workflows.models``, which re-exports them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Challenge
from .models_good_practices import GoodPractice


class TransitionLog(models.Model):
    """One row per state change (filing included), written in the transition's transaction."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="log", verbose_name=_("challenge")
    )
    transition = models.CharField(_("transition"), max_length=32)
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    # The step's validated input as JSON-ready values (ids with their names), so history and
    # mail can say what was decided without the records that a later step may clear.
    inputs = models.JSONField(_("input"), default=dict, blank=True)

    class Meta:
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.from_state or '—'} → {self.to_state}"


class ChallengeChange(models.Model):
    """One field of a challenge changed by someone (an edit or a (re)assignment of the working
    group), with the value before and after, written by the changing service in its own
    transaction. Values are kept as shown then (a record as id and name), so the history still
    reads right after a topic or group is renamed."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="changes", verbose_name=_("challenge")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    field = models.CharField(_("field"), max_length=32)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    # The event that announced the change (mail and digests read the rows through it).
    event = models.ForeignKey(
        "Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.field}"


class Comment(models.Model):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="comments", verbose_name=_("challenge")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["user", "challenge"], name="unique_follow")
        ]


class Event(models.Model):
    """Something that happened, recorded in the same transaction as the change itself.

    Mail (immediate notifications, digests) is derived from these rows by background work, so a
    broker outage delays mail but loses none.
    """

    class Kind(models.TextChoices):
        CHALLENGE_FILED = "challenge_filed", _("challenge filed")
        CHALLENGE_EDITED = "challenge_edited", _("challenge edited")
        CHALLENGE_ASSIGNED = "challenge_assigned", _("working group assigned")
        TRANSITION = "transition", _("state changed")
        CHALLENGE_REFERRED = "challenge_referred", _("challenge referred to an external body")
        COMMENT = "comment", _("comment")
        GOOD_PRACTICE_PUBLISHED = "good_practice_published", _("good practice published")
        CHALLENGES_IMPORTED = "challenges_imported", _("challenges imported")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    good_practice = models.ForeignKey(
        GoodPractice, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    transition_log = models.ForeignKey(
        TransitionLog, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # The bulk event (an import of many challenges) this one is told with: the people hear of
    # the whole batch once, from the bulk event, and never of each of its events alone.
    batch = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="batched"
    )
    # Set once immediate notifications for this event have been fanned out (see notifications).
    notified_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
