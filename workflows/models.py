"""Challenges and their lifecycle, the records each step produces, the audit trail, and the
good-practice records aggregated from successful trials.

Every write goes through ``workflows.services``; nothing else saves a challenge.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from core.models import Organisation, Region, TargetGroup, Topic, WorkingGroup
from workflows import permissions


class State(models.TextChoices):
    REPORTED = "reported", _("reported")
    ANALYSED = "analysed", _("analysed")
    APPROACH_PROPOSED = "approach_proposed", _("approach proposed")
    TRIALLED = "trialled", _("trialled")
    EVALUATED = "evaluated", _("evaluated")
    CLOSED = "closed", _("closed")


OPEN_STATES = (State.REPORTED, State.ANALYSED, State.APPROACH_PROPOSED, State.TRIALLED)


class Visibility(models.TextChoices):
    NETWORK = "network", _("network: every partner and stakeholder")
    RESTRICTED = "restricted", _("restricted: our organisation, the working group, coordinators")


class ClosureReason(models.TextChoices):
    DUPLICATE = "duplicate", _("duplicate")
    OUT_OF_SCOPE = "out_of_scope", _("out of scope")
    REFERRED = "referred", _("referred to an external body")


class Outcome(models.TextChoices):
    SUCCESSFUL = "successful", _("successful")
    PARTLY = "partly", _("partly successful")
    NOT_SUCCESSFUL = "not_successful", _("not successful")


class ReferralBody(models.Model):
    """An existing body the network hands cases over to (Landesintegrationsbeirat, LAMSA, …),
    kept by the coordinators in the admin. Closing a challenge as a referral names one; when it
    has a contact address it receives a hand-over mail (see ``notifications.referrals``)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(
        _("contact address"),
        blank=True,
        help_text=_("Hand-over mails go here; without an address no mail is sent."),
    )
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active bodies can be chosen when closing.")
    )

    class Meta:
        verbose_name = _("referral body")
        verbose_name_plural = _("referral bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _may(name: str):
    """The FSM permission for transition ``name``: asks the permissions module."""

    def check(instance: "Challenge", user) -> bool:
        return permissions.can_run_transition(user, instance, name)

    check.__name__ = f"may_{name}"
    return check


def state_since(state: str) -> models.Case:
    """When a challenge in ``state`` entered it (NULL in any other state): the expression of the
    per-state indexes of ``Challenge``. PostgreSQL keeps statistics of an expression index, so
    "waiting in ``state`` since before T" is estimated from that state's own dates; the plain
    columns' statistics mix every state's (a million challenges: 58,885 stale estimated where
    9,873 were, and a sequential scan chosen for the reminder scan)."""
    return models.Case(models.When(state=state, then=models.F("state_entered_at")))


# The states whose age the reminder rule reads from ``state_entered_at`` (the trialled one
# counts from its trial's planned end), with the short names of their indexes.
AGED_STATES = {State.REPORTED: "reported", State.ANALYSED: "analysed",
               State.APPROACH_PROPOSED: "proposed"}


class Challenge(ConcurrentTransitionMixin, models.Model):
    """A practical obstacle a partner met, moving through the network's lifecycle.

    The state field is protected: only the transition methods below change it, and only the
    services in ``workflows.services`` call them (they lock the row, log and save).
    ``ConcurrentTransitionMixin`` additionally refuses to save a state that changed underneath.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="challenges", verbose_name=_("topic")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="challenges", verbose_name=_("target groups")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="challenges", verbose_name=_("region")
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.NETWORK
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("reporting organisation"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_challenges",
        verbose_name=_("reported by"),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("working group"),
    )
    state = FSMField(
        _("state"), default=State.REPORTED, choices=State.choices, protected=True, db_index=True
    )
    state_entered_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    closure_reason = models.CharField(
        _("closure reason"), max_length=16, choices=ClosureReason.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    referral_body = models.ForeignKey(
        ReferralBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("referred to"),
    )
    referred_at = models.DateTimeField(_("referred on"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Follow",
        related_name="followed_challenges",
        verbose_name=_("followers"),
    )

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at", "-id"]
        indexes = [
            # By state and age, the id as its last key: the reminder scan
            # (``notifications.selectors.challenges_due_for_reminder``) reads each aged state's
            # stale range from this index alone (an index-only scan), where a bitmap scan of the
            # per-state indexes below visited one heap page per stale challenge (14,738 pages
            # for 19,599 at a million).
            models.Index(fields=["state", "state_entered_at", "id"], name="challenge_state_since_id"),
            # The list's usual pair of filters (and the search's capped scan under it): an
            # exact bitmap of the few rows both pick, where two single-column bitmaps of
            # 80,000 and 170,000 rows at a million challenges had to be ANDed and went lossy.
            models.Index(fields=["topic", "state"], name="challenge_topic_state"),
            # The open challenges by how long they wait (my work's waiting and stale lists):
            # walked in order with LIMIT, where an OR over the states' reminder ages otherwise
            # gathered every stale challenge to sort them (8.8 s at a million).
            models.Index(
                fields=["state_entered_at", "id"], name="challenge_open_waiting",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            # The reminder scan's branches (``notifications.selectors.stale_q``), one per aged
            # state, each estimated from its own statistics (``state_since``).
            *[
                models.Index(state_since(state), name=f"challenge_{short}_since")
                for state, short in AGED_STATES.items()
            ],
        ]

    def __str__(self) -> str:
        return self.title

    # The transition methods only move the state; inputs, guards on inputs, the audit row and
    # the save live in the services.

    @transition(
        field=state, source=State.REPORTED, target=State.ANALYSED, permission=_may("analyse")
    )
    def analyse(self) -> None:
        pass

    @transition(
        field=state,
        source=State.ANALYSED,
        target=State.APPROACH_PROPOSED,
        permission=_may("propose_approach"),
    )
    def propose_approach(self) -> None:
        pass

    @transition(
        field=state,
        source=State.APPROACH_PROPOSED,
        target=State.TRIALLED,
        permission=_may("start_trial"),
    )
    def start_trial(self) -> None:
        pass

    @transition(
        field=state, source=State.TRIALLED, target=State.EVALUATED, permission=_may("evaluate")
    )
    def evaluate(self) -> None:
        pass

    @transition(
        field=state,
        source=State.TRIALLED,
        target=State.APPROACH_PROPOSED,
        permission=_may("revise_approach"),
    )
    def revise_approach(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.REPORTED, State.ANALYSED, State.APPROACH_PROPOSED],
        target=State.CLOSED,
        permission=_may("close"),
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.EVALUATED, State.CLOSED],
        target=RETURN_VALUE(State.ANALYSED, State.REPORTED),
        permission=_may("reopen"),
    )
    def reopen(self, target: str = State.ANALYSED) -> str:
        # The service decides where the work resumes (``services.reopen_target``).
        return target

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def days_in_state(self) -> int:
        """Whole days since the challenge entered its state (pages say "for 3 days")."""
        return max((timezone.now() - self.state_entered_at).days, 0)

    @property
    def days_in_state_words(self) -> str:
        return days_in_state_words(self.days_in_state)


def days_in_state_words(days: int) -> str:
    """How long a challenge has been in its state, as the pages say it ("for 3 days")."""
    if not days:
        return str(_("since today"))
    return ngettext("for %(days)s day", "for %(days)s days", days) % {"days": days}


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


# Editorial models (versions, recommendations) and search tables live in modules of their own;
# importing them here registers them with the app.
from .models_editorial import (  # noqa: E402,F401
    GoodPracticeVersion,
    Recommendation,
    RecommendationVersion,
)
from .models_stats import (  # noqa: E402,F401
    BreakdownCount,
    ChallengeStay,
    OpenStayDay,
    StatsDay,
    StatsMark,
    StayLength,
)
from .search.models import (  # noqa: E402,F401
    ChallengeSearch,
    GoodPracticeSearch,
    SavedView,
    SearchTerm,
    SearchTermDelta,
    Synonym,
)
