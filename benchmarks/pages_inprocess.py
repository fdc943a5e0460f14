"""Server time of the four work pages (my work, challenge list, board, challenge detail) in
process, with Django's test client, for a coordinator and a partner member of a seeded
database (``manage.py seed_scale``): p50 / p95 over ``PAGES_COUNT`` requests after 3 warm-ups,
the number of queries, and with ``PAGES_EXPLAIN=1`` the EXPLAIN ANALYZE of each page's slowest
query. Not part of the product or of ``make test``; complements the load benchmark
(``benchmarks.scale``), which measures the same pages from outside through gunicorn.

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=postgres://…/db \
        .venv/bin/python -m benchmarks.pages_inprocess
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

COUNT = int(os.environ.get("PAGES_COUNT", "20"))
WARM = 3
EXPLAIN = os.environ.get("PAGES_EXPLAIN") == "1"
SLOW_MS = float(os.environ.get("PAGES_SLOW_MS", "0"))  # also explain every query this slow


def people():
    from core.models import Membership, User

    coordinator = User.objects.filter(is_coordinator=True, email__endswith="@scale.example") \
        .order_by("pk").first()
    partner_id = Membership.objects.filter(user__email__endswith="@scale.example",
                                           user__is_coordinator=False) \
        .order_by("user_id").values_list("user_id", flat=True).first()
    return {"coordinator": coordinator, "partner": User.objects.get(pk=partner_id)}


def detail_pk(user) -> int:
    from workflows import selectors

    return selectors.challenges_visible_to(user).prefetch_related(None).select_related(None) \
        .order_by("-created_at", "-id").values_list("pk", flat=True)[500]


def measure(client: Client, path: str) -> dict:
    times = []
    for n in range(WARM + COUNT):
        start = time.perf_counter()
        response = client.get(path, HTTP_HOST="localhost")
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            return {"error": response.status_code}
        if n >= WARM:
            times.append(elapsed)
    with CaptureQueriesContext(connection) as captured:
        client.get(path, HTTP_HOST="localhost")
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    times.sort()
    result = {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": len(queries),
        "sql_ms": round(sum(t for t, _sql in queries), 1),
    }
    slowest = max(queries, default=(0, ""))
    result["slowest_ms"] = round(slowest[0], 1)
    if EXPLAIN and slowest[1]:
        result["slowest_plan"] = explain(slowest[1])
    if SLOW_MS:  # every query slower than that, with its plan
        result["slow"] = [{"ms": round(ms, 1), "sql": sql, "plan": explain(sql)}
                          for ms, sql in queries if ms >= SLOW_MS]
    return result


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    from django.conf import settings

    settings.DEBUG = True  # connection.queries
    reset_queries()
    from workflows.models import Challenge

    results = {"challenges": Challenge.objects.count()}
    for role, user in people().items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        pages = {
            "my_work": "/",
            "list": "/challenges/",
            "board": "/challenges/board/",
            "detail": f"/challenges/{detail_pk(user)}/",
        }
        for name, path in pages.items():
            only = os.environ.get("PAGES_ONLY")
            if only and name not in only.split(","):
                continue
            result = measure(client, path)
            results[f"{role}/{name}"] = result
            if "error" in result:
                print(f"{role:12} {name:8} answered {result['error']}", file=sys.stderr)
                continue
            print(f"{role:12} {name:8} p50 {result['p50_ms']:8.1f} ms  p95 {result['p95_ms']:8.1f}"
                  f" ms  {result['queries']:3} queries, sql {result['sql_ms']:7.1f} ms, slowest"
                  f" {result['slowest_ms']:7.1f} ms", file=sys.stderr, flush=True)
            if "slowest_plan" in result:
                print(result["slowest_plan"], file=sys.stderr, flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
