"""The Celery app and the one registry of periodic jobs.

Configuration comes from Django settings (``CELERY_*`` in ``core/settings/base.py``). Each
periodic job only selects what is due in the database and fans out per-id work; every job is safe
to run twice, so a beat that restarts, or two beats by mistake, send nothing twice.
"""

import os

from celery import Celery
from celery.schedules import crontab

from notifications import schedule as digest_schedule  # plain data, no Django needed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.dev")

app = Celery("willkommensnetz")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def bounded_countdown(seconds: float) -> float:
    """A countdown (retry, delayed task) kept below half the broker's visibility timeout: Redis
    hands a message not acknowledged within that timeout to another worker, so a longer
    countdown would run its task again and again (celery#7009, PITFALLS.md). Every countdown
    in the code base is a literal below that or goes through here; a test reads the code for it
    (tests/test_countdowns.py). Far-off work is found by periodic database scans instead."""
    from django.conf import settings

    return max(0.0, min(float(seconds), settings.BROKER_VISIBILITY_TIMEOUT / 2))


# Times are local (CELERY_TIMEZONE = Europe/Berlin), so digests arrive at the same wall-clock
# time in summer and winter.
app.conf.beat_schedule = {
    # Safety net for lost messages: events not yet fanned out and mails not yet sent (older
    # than two minutes) are enqueued again. Every 5 minutes: a broker hiccup delays mail by
    # minutes, and the scan is two indexed queries.
    "scan-outbox": {
        "task": "notifications.scan_outbox",
        "schedule": crontab(minute="*/5"),
    },
    # Safety net for digest runs, rebuilt from the database: a run whose scheduled time passed
    # without it (beat's message lost) is started, and batches of a run not done within their
    # lease (message lost with Redis, worker killed) are handed out again. Every 5 minutes,
    # between the outbox scans: a lost digest is late by minutes, never lost.
    "catch-up": {
        "task": "notifications.catch_up",
        "schedule": crontab(minute="2-59/5"),
    },
    # Stale challenges: reminders (level 1) and escalations (level 2). Ages are counted in
    # days, so a quarter-hourly scan is punctual enough; each reminder is decided once per
    # challenge, state entry and level (the Reminder table), however often this runs. This
    # scan is itself the catch-up for reminders: it decides from the database alone, so a lost
    # run is simply done by the next one.
    "send-reminders": {
        "task": "notifications.send_reminders",
        "schedule": crontab(minute="7,22,37,52"),
    },
    # Event reminders the day before (notifications/events_mail.py): registrations whose event
    # starts on the next local day get one mail each, keyed by the registration, so hourly runs
    # (a lost one caught by the next, late registrations included) never send two.
    "event-reminders": {
        "task": "notifications.send_event_reminders",
        "schedule": crontab(minute=17),
    },
    # Daily digest at 07:00, before the working day starts (notifications/schedule.py). The job
    # only creates the run and its batches; the batches fan out as per-id tasks.
    "daily-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(
            hour=digest_schedule.DAILY_DIGEST_AT.hour, minute=digest_schedule.DAILY_DIGEST_AT.minute
        ),
        "args": ("daily",),
    },
    # Weekly digest on Monday at 07:30, for the week's planning.
    "weekly-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(
            hour=digest_schedule.WEEKLY_DIGEST_AT.hour,
            minute=digest_schedule.WEEKLY_DIGEST_AT.minute,
            day_of_week=(digest_schedule.WEEKLY_DIGEST_WEEKDAY + 1) % 7,  # cron: 0 is Sunday
        ),
        "args": ("weekly",),
    },
    # Statistics' rollups (workflows/stats_rollup.py): ended days folded into the day tables,
    # running stays recounted. Every 10 minutes keeps the stays read after the mark to minutes
    # of work; the statistics are exact either way, a missed run only makes them slower, and a
    # repeated one changes nothing (it works under the mark row's lock).
    "stats-rollup": {
        "task": "workflows.refresh_stats_rollup",
        "schedule": crontab(minute="4-59/10"),
    },
    # Search vocabulary (workflows/search/index.py): the +1/−1 deltas every change to a
    # searched text appends are added to the term counts. Every minute: typo tolerance and
    # term weights read counts at most about a minute old; the fold takes only pending rows,
    # so a run with nothing to do is one cheap statement, and a repeated or concurrent one
    # counts nothing twice.
    "fold-search-vocabulary": {
        "task": "workflows.fold_search_vocabulary",
        "schedule": crontab(),
    },
    # Good-practice records recomputed from the database at 03:15, when nobody works: repairs
    # any drift (a record edited by hand, an approach relinked) and is harmless to repeat.
    "rebuild-good-practices": {
        "task": "workflows.rebuild_good_practices",
        "schedule": crontab(hour=3, minute=15),
    },
    # Retention (DSGVO): sent mails and events older than RETENTION_SENT_MAIL_DAYS /
    # RETENTION_EVENT_DAYS are deleted at 03:45, after the rebuild. Daily is enough for ages
    # counted in months; it selects by age only, so a repeated run deletes nothing more.
    "prune-personal-data": {
        "task": "core.prune_personal_data",
        "schedule": crontab(hour=3, minute=45),
    },
}
