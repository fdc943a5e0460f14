"""When the digests are due, in local time (``TIME_ZONE``). One place for both readers: the beat
schedule in ``core/celery.py`` starts the runs at these times, and the catch-up scan
(``notifications/digest_runs.py``) starts a run that beat's message never brought. Plain data:
``core/celery.py`` imports it before Django is set up."""

import datetime

# Daily digest at 07:00, before the working day starts.
DAILY_DIGEST_AT = datetime.time(7, 0)
# Weekly digest on Monday (weekday 0) at 07:30, for the week's planning.
WEEKLY_DIGEST_WEEKDAY = 0
WEEKLY_DIGEST_AT = datetime.time(7, 30)
