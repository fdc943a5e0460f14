"""Challenges and their lifecycle: the states, the choices, the referral bodies and the challenge
itself. The records each step produces (``models_lifecycle``), the audit trail and events
(``models_history``) and the good-practice records aggregated from successful trials
(``models_good_practices``) live beside it and are re-exported here.

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


# The records of the steps, the good practices, the history and events, the editorial models
# (versions, recommendations), the statistics and the search tables live in modules of their
# own; importing them here registers them with the app.
from .models_lifecycle import (  # noqa: E402,F401
    Analysis,
    Approach,
    Evaluation,
    Trial,
)
from .models_good_practices import GoodPractice  # noqa: E402,F401
from .models_history import (  # noqa: E402,F401
    ChallengeChange,
    Comment,
    Event,
    Follow,
    TransitionLog,
)
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
