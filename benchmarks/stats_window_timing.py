"""Time ``stats_window.window_stats_for`` for a coordinator over a one-year window ending today
(p50/p95 over N calls) and the reminder scan's selector, on the database of DATABASE_URL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wkn_stats_100k \\
    DJANGO_SETTINGS_MODULE=benchmarks.settings .venv/bin/python benchmarks/stats_window_timing.py 20
"""

import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())

import django

django.setup()

from django.db import connection
from django.utils import timezone

from core.models import User
from workflows import stats_window


def main(calls: int) -> None:
    coordinator = User.objects.filter(is_coordinator=True, email__endswith="@scale.example") \
        .order_by("pk").first()
    today = timezone.localdate()
    window = stats_window.Window(today - datetime.timedelta(days=364), today)
    stats_window.window_stats_for(coordinator, window)  # warm
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        stats_window.window_stats_for(coordinator, window)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"window_stats_for {coordinator} {window.start}..{window.end}: "
          f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms over {calls} calls "
          f"({connection.vendor})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
