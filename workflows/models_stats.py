"""The tables the statistics read instead of replaying the transition log (issue 14).

``ChallengeStay`` is kept by the transition services in the transition's own transaction: one
row per stay of a challenge in a state, begun by a transition-log row and ended by the next.
Each transition writes only its own challenge's rows (insert the new stay, end the previous
one), so two transitions of different challenges never wait on the same row.

The daily rollups (``StatsDay``, ``StayLength``, ``OpenStayDay``, ``BreakdownCount``,
``StatsMark``) are refreshed
by a worker job (``workflows.stats_rollup.refresh``, beat-scheduled, idempotent): a counter row
updated by every transition would serialise them. The statistics add the stays after the
rollup's mark to the rolled-up days, so they are exact whatever the age of the last refresh.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ChallengeStay(models.Model):
    """One stay of a challenge in a state: from the log row that began it to the next one."""

    log = models.OneToOneField(
        "workflows.TransitionLog", on_delete=models.CASCADE, primary_key=True, related_name="stay"
    )
    challenge = models.ForeignKey(
        "workflows.Challenge", on_delete=models.CASCADE, related_name="stays", db_index=False
    )
    state = models.CharField(max_length=32)
    filed = models.BooleanField(default=False)  # begun by the filing (``from_state`` empty)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)  # NULL while the stay lasts
    seconds = models.FloatField(null=True, blank=True)  # left_at − entered_at, once ended
    # Length class of an ended stay (``stats_rollup.length_bucket``): percentiles are found in
    # the rolled-up counts per class, then read exactly from the few stays of one class.
    bucket = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["challenge", "left_at"], name="stay_challenge_open"),
            models.Index(fields=["entered_at"], name="stay_entered"),
            models.Index(fields=["left_at"], name="stay_left"),
            models.Index(fields=["state", "bucket", "seconds"], name="stay_length",
                         include=["left_at"], condition=Q(left_at__isnull=False)),
            models.Index(fields=["state", "entered_at"], name="stay_state_entered",
                         include=["left_at"]),
            # The statistics read the stays after the rollup's mark (a day's worth) by these
            # alone, an index-only scan, not one heap page per stay (``stats_figures``).
            models.Index(fields=["entered_at"], name="stay_entered_cover",
                         include=["state", "filed"]),
            models.Index(fields=["left_at"], name="stay_left_cover", include=["state", "bucket"]),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.state} from {self.entered_at:%Y-%m-%d}"


class StatsDay(models.Model):
    """Per local day and state: stays begun, stays ended, and filings (for the cumulative flow
    and the throughput)."""

    day = models.DateField()
    state = models.CharField(max_length=32)
    entries = models.IntegerField(default=0)
    exits = models.IntegerField(default=0)
    filed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "state"], name="stats_day_unique")]


class StayLength(models.Model):
    """Per local day of the end, state and length class: how many stays ended (cycle time)."""

    day = models.DateField()
    state = models.CharField(max_length=32)
    bucket = models.SmallIntegerField()
    stays = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "state", "bucket"], name="stay_length_unique")
        ]


class OpenStayDay(models.Model):
    """Per state and local day of entry: the stays still running at ``StatsMark.open_at``
    (waiting time)."""

    state = models.CharField(max_length=32)
    day = models.DateField()
    stays = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "day"], name="open_stay_day_unique")
        ]


class StatsMark(models.Model):
    """How far the rollups reach (one row): ``days_through`` is the last local day with rows
    in ``StatsDay``/``StayLength``/``BreakdownCount``, and ``rolled_to`` the instant they
    count up to: that last day is rolled up to the refresh's instant, not only once it has
    ended, so the statistics read minutes of stays after the mark, not a day's. ``open_at``
    is the instant ``OpenStayDay`` was counted at (the same refresh's)."""

    key = models.CharField(max_length=16, primary_key=True, default="rollup")
    days_through = models.DateField(null=True, blank=True)
    rolled_to = models.DateTimeField(null=True, blank=True)
    open_at = models.DateTimeField(null=True, blank=True)
    # New with every write to the rollups (a refresh, a recategorising edit): the sums read
    # from them are held per process under it (``stats_memo``). None: hold nothing.
    generation = models.UUIDField(null=True, blank=True, editable=False)

    @property
    def rolled_until(self) -> datetime.datetime | None:
        """The instant before which the day rollups count everything (``None``: nothing rolled
        up). A mark written before ``rolled_to`` existed rolled up whole days only."""
        if self.rolled_to is not None or self.days_through is None:
            return self.rolled_to
        return datetime.datetime.combine(
            self.days_through + datetime.timedelta(days=1), datetime.time.min,
            timezone.get_current_timezone(),
        )


# ``BreakdownCount.prev_day`` of a first finishing (and of every filing): earlier than any window.
NO_EARLIER_FINISH = datetime.date(1900, 1, 1)


class BreakdownCount(models.Model):
    """Per local day (``span`` "d") or calendar month (``span`` "m", its first day; only for
    months the rollup has fully folded), dimension (topic, region, organisation, target group)
    and key (that dimension's id): challenges filed, and arrivals in a finished state.

    An arrival counts as a challenge finished in a window only if the challenge's previous
    arrival in a finished state (``prev_day``) lies before the window: so a challenge reopened
    and finished again counts once, and the counts of days and months add up. Keys are the
    challenge's *current* topic, region and target groups: an edit moves its rolled-up counts
    (``stats_breakdowns.challenge_recategorised``)."""

    span = models.CharField(max_length=1)
    day = models.DateField()
    dimension = models.CharField(max_length=16)
    key = models.BigIntegerField()
    prev_day = models.DateField(default=NO_EARLIER_FINISH)
    filed = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "day", "dimension", "key", "prev_day"],
                name="breakdown_count_unique",
            )
        ]
        # A window's months and days per dimension (``stats_breakdowns.counts``), and all
        # months of the topics and regions (``stats_counts``), read by index alone: the rows
        # of a span's days lie scattered over the table, a heap page per few rows.
        indexes = [
            models.Index(fields=["dimension", "span", "day", "key", "prev_day"],
                         name="breakdown_count_cover", include=["filed", "finished"]),
        ]
