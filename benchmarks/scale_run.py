"""One size of the scale benchmark (run by ``benchmarks.scale`` with DATABASE_URL set to the
seeded database): prepares who asks (tokens, sessions), starts gunicorn, runs the load
generator as its own process, times the reminder scan, prints one JSON object on stdout."""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("BENCH_COUNT", "60"))  # requests per side and row
MAX_SECONDS = int(os.environ.get("BENCH_MAX_SECONDS", "60"))  # per row
# Only these rows (comma-separated keys, e.g. ``BENCH_ONLY=transition`` or
# ``BENCH_ONLY=list_coord_1,reminder_scan``), to measure one change without the whole run.
WARMUP_TRANSITIONS = 8  # spare transitions sent before the load, on challenges not measured
ONLY = {key.strip() for key in os.environ.get("BENCH_ONLY", "").split(",") if key.strip()}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def identities():
    from core.models import Membership, User
    from core.tokens import token_create

    coordinator = User.objects.filter(is_coordinator=True, email__endswith="@scale.example") \
        .order_by("pk").first()
    partner_id = Membership.objects.filter(user__email__endswith="@scale.example") \
        .order_by("user_id").values_list("user_id", flat=True).first()
    partner = User.objects.get(pk=partner_id)
    people = {}
    for role, user in (("coordinator", coordinator), ("partner", partner)):
        _token, key = token_create(actor=user, name="bench", lifetime_days=None)
        client = Client()
        client.force_login(user)
        people[role] = {
            "id": user.pk,
            "api": {"Authorization": f"Token {key}", "Host": "localhost"},
            "page": {"Cookie": f"{settings.SESSION_COOKIE_NAME}="
                               f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
                     "Host": "localhost"},
        }
    return people


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "core.wsgi:application", "--workers", "2",
         "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


# A partner's first sentences while filing (issue 12's "suggestions while typing").
SIMILAR_TEXT = ("Unsere Pflegefachkräfte aus dem Ausland warten zu lange auf die Anerkennung "
                "ihrer Abschlüsse und finden keine Wohnung")


def rows_for(people) -> list[dict]:
    from core.models import Topic, WorkingGroup
    from workflows.models import Challenge
    from workflows.search.analysis import terms

    coord, partner = people["coordinator"], people["partner"]
    c_id, p_id = coord["id"], partner["id"]
    total = Challenge.objects.count()
    last_page = math.ceil(total / 50)
    detail_ids = list(Challenge.objects.filter(state="evaluated").order_by("-id")
                      .values_list("pk", flat=True)[:20])
    topic = Topic.objects.order_by("pk").first().pk
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    word = "Pflegefachkräfte"
    term = terms(word)[0]

    def api(path, who=coord):
        return {"path": path, "headers": who["api"]}

    def page(path, who=coord):
        return {"path": path, "headers": who["page"]}

    def floor(path, user_id=c_id):
        sep = "&" if "?" in path else "?"
        return {"path": f"{path}{sep}user={user_id}", "headers": {"Host": "localhost"}}

    def row(key, name, product, reference, c=1, count=COUNT):
        return {"key": key, "name": name, "concurrency": c, "count": count, "rounds": 3,
                "max_seconds": MAX_SECONDS, "product": product, "reference": reference}

    list_floor = [floor("/_floor/challenges/")]
    details = [api(f"/api/v1/challenges/{pk}/") for pk in detail_ids]
    detail_floor = [floor(f"/_floor/challenges/{pk}/") for pk in detail_ids]
    rows = [
        row("list_coord_1", "API list, page of 50, coordinator",
            [api("/api/v1/challenges/?page_size=50")], list_floor),
        row("list_coord_8", "API list, page of 50, coordinator",
            [api("/api/v1/challenges/?page_size=50")], list_floor, c=8),
        row("list_partner_1", "API list, page of 50, partner",
            [api("/api/v1/challenges/?page_size=50", partner)],
            [floor("/_floor/challenges/", p_id)]),
        row("list_partner_8", "API list, page of 50, partner",
            [api("/api/v1/challenges/?page_size=50", partner)],
            [floor("/_floor/challenges/", p_id)], c=8),
        row("last_page", f"API list, last page ({last_page:,}), coordinator",
            [api(f"/api/v1/challenges/?page_size=50&page={last_page}")],
            [floor(f"/_floor/challenges/?offset={(last_page - 1) * 50}")]),
        row("search", f"API search `{word}` + state + topic, coordinator",
            [api(f"/api/v1/challenges/?search={quote(word)}&state=analysed&topic={topic}")],
            [floor(f"/_floor/challenges/?search={term}&state=analysed&topic={topic}")]),
        # Issue 12: suggestions while filing, as the form asks while a partner types.
        row("similar", "API suggestions while filing (`similar/?text=…`), partner",
            [api(f"/api/v1/challenges/similar/?text={quote(SIMILAR_TEXT)}", partner)],
            [floor(f"/_floor/challenges/?search={term}", p_id)]),
        row("detail", "API challenge detail", details, detail_floor),
        row("history", "API challenge history",
            [api(f"/api/v1/challenges/{pk}/history/") for pk in detail_ids], detail_floor),
        row("transitions_list", "API transitions list",
            [api(f"/api/v1/challenges/{pk}/transitions/") for pk in detail_ids], detail_floor),
        row("stats", "API statistics, one-year window",
            [api(f"/api/v1/stats/?from={year_ago}&to={today}")], [floor("/_floor/stats/")],
            count=min(COUNT, 30)),
        row("page_my_work", "page: my work `/`", [page("/")], list_floor, count=min(COUNT, 30)),
        row("page_list", "page: challenge list `/challenges/`", [page("/challenges/")], list_floor),
        row("page_board", "page: board `/challenges/board/`", [page("/challenges/board/")], list_floor,
            count=min(COUNT, 30)),
        row("page_detail", "page: challenge detail", [page(f"/challenges/{pk}/") for pk in detail_ids],
            detail_floor),
    ]
    # Transitions: distinct reported challenges, half through the API, half the bare view.
    steps = int(os.environ.get("BENCH_TRANSITIONS", "120"))
    reported = list(Challenge.objects.filter(state="reported").order_by("?")
                    .values_list("pk", flat=True)[: 2 * steps + WARMUP_TRANSITIONS])
    if len(reported) < 2 * steps + WARMUP_TRANSITIONS:
        # Every run moves its challenges on for good: a network run often enough has too few.
        raise SystemExit(
            f"only {len(reported)} reported challenges are left in "
            f"{connection.settings_dict['NAME']}, the transitions row needs "
            f"{2 * steps + WARMUP_TRANSITIONS}: drop the database to have it seeded anew"
        )
    spare, reported = reported[:WARMUP_TRANSITIONS], reported[WARMUP_TRANSITIONS:]
    group = WorkingGroup.objects.order_by("pk").first().pk
    body = {"expected_state": "reported", "working_group": group,
            "root_causes": "Zu wenige Beratungsstellen", "affected": "Pflegekräfte"}
    rows.append({
        "key": "transition",
        "name": "transition `analyse` through the API, distinct challenges",
        "concurrency": 8, "count": len(reported) // 2, "rounds": 3, "max_seconds": MAX_SECONDS,
        "expect": 200,
        "product": [{"method": "POST", "path": f"/api/v1/challenges/{pk}/transitions/analyse/",
                     "headers": coord["api"], "body": body} for pk in reported[::2]],
        "reference": [{"method": "POST", "path": f"/_floor/transition/{pk}/?user={c_id}",
                       "headers": {"Host": "localhost"}} for pk in reported[1::2]],
        # Not measured: each gunicorn worker's first step imports the URLconf and opens the
        # broker connection (seconds on this machine), which the floor never pays.
        "warmup": [{"method": "POST", "path": f"/api/v1/challenges/{pk}/transitions/analyse/",
                    "headers": coord["api"], "body": body} for pk in spare],
    })
    if connection.vendor == "sqlite":
        # The embedded default's row: the list (its target) and the detail, both with floors.
        keep = ("list_coord_1", "list_partner_1", "detail", "page_list")
        rows = [r for r in rows if r["key"] in keep]
    if ONLY:
        rows = [r for r in rows if r["key"] in ONLY]
    return rows


def transitions_checked(rows: list[dict]) -> dict:
    """Every transition the API answered with 200 is logged and has its event."""
    from workflows.models import Challenge, Event, TransitionLog

    spec = next((r for r in rows if r["key"] == "transition"), None)
    if spec is None:
        return {}
    ids = [int(r["path"].split("/")[4]) for r in spec["product"]]
    moved = Challenge.objects.filter(pk__in=ids, state="analysed").count()
    logged = TransitionLog.objects.filter(challenge_id__in=ids, transition="analyse").count()
    evented = Event.objects.filter(challenge_id__in=ids, transition_log__transition="analyse") \
        .count()
    return {"moved": moved, "logged": logged, "evented": evented}


def query_counts(rows: list[dict]) -> dict[str, int]:
    """Queries of one request of each GET row, in process through the test client (after one
    warm-up request): they must not grow with the data (compare the sizes)."""
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for row in rows:
        request = row["product"][0]
        if request.get("method", "GET") != "GET" or row["key"] in counts:
            continue
        headers = {k: v for k, v in request["headers"].items() if k != "Host"}
        client = Client(HTTP_HOST="localhost")
        client.get(request["path"], headers=headers)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(request["path"], headers=headers).status_code
        counts[row["key"]] = len(captured) if status < 400 else -status
    return counts


def reminder_scan() -> dict:
    from notifications.selectors import LEVEL_REMIND, challenges_due_for_reminder

    now = timezone.now()
    qs = challenges_due_for_reminder(now=now, level=LEVEL_REMIND)
    orm, raw = [], []
    sql, params = qs.query.sql_with_params()
    rows = 0
    for _ in range(7):
        start = time.perf_counter()
        rows = len(list(qs.all()))
        orm.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, params)
            cur.fetchall()
        raw.append((time.perf_counter() - start) * 1000)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            explain = "\n".join(str(r[-1]) for r in cur.fetchall())
        else:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql, params)
            explain = "\n".join(r[0] for r in cur.fetchall())
    orm.sort()
    return {"rows": rows, "orm_p50": statistics.median(orm), "orm_p95": orm[-1],
            "raw_p50": statistics.median(raw), "explain": explain}


def machine() -> str:
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT 'SQLite ' || sqlite_version()")
        else:
            cur.execute("SELECT 'PostgreSQL ' || current_setting('server_version')")
        database = cur.fetchone()[0]
    return (f"{platform.machine()} {model}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, Django {django.get_version()}, {database}")


def main() -> int:
    from workflows.models import Challenge
    from core.models import User

    people = identities()
    rows = rows_for(people)
    result = {
        "date": timezone.now().strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
        "challenges": Challenge.objects.count(),
        "users": User.objects.filter(email__endswith="@scale.example").count(),
    }
    if not ONLY or "reminder_scan" in ONLY:
        log("reminder scan…")
        result["reminder_scan"] = reminder_scan()
    # The statistics read the rollups up to their mark and the stays since it. In production
    # the beat job ``stats-rollup`` moves the mark every 10 minutes; no beat runs here, so the
    # bench runs that job once, as beat would, rather than measure a mark as old as the seed.
    from workflows import stats_rollup

    log("statistics rollup, as the beat job runs it…")
    started = time.perf_counter()
    refreshed = stats_rollup.refresh()
    result["stats_rollup"] = {"seconds": round(time.perf_counter() - started, 2),
                              "days_through": str(refreshed["days_through"])}
    log("queries per request…")
    result["queries"] = query_counts(rows)
    connection.close()
    port = int(os.environ.get("BENCH_PORT") or 0) or _free_port()
    server = start_server(port)
    try:
        # Each gunicorn worker's first request imports the URLconf and fills its caches
        # (about a second here): the first of each row's requests four times (both workers
        # get some), and the transitions' spare steps, before anything is measured. Without
        # it the SQLite run, which has no transition row, counted two cold starts in its 60.
        warm = [row["product"][0] for row in rows if row["key"] != "transition"] * 4
        warm_up(port, warm + [request for row in rows for request in row.pop("warmup", [])])
        spec = {"host": "127.0.0.1", "port": port, "rows": rows}
        load = subprocess.Popen([sys.executable, "-m", "benchmarks.load"], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        load.stdin.write(json.dumps(spec))
        load.stdin.close()
        measured = []
        for line in load.stdout:
            row = json.loads(line)
            log(f"  {row['name']} c={row['concurrency']}: p50 {row['product']['p50']} ms, "
                f"{row['product']['rps']}/s; floor {row.get('reference', {}).get('p50')} ms, "
                f"{row.get('reference', {}).get('rps')}/s; failures "
                f"{row['product']['failures']} {row['product']['failure_sample']}")
            measured.append(row)
        load.wait(timeout=60)
        result["rows"] = measured
        result["transitions_checked"] = transitions_checked(rows)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(result))
    return 0


def warm_up(port: int, requests: list[dict]) -> None:
    """Send ``requests`` four at a time (so both workers get some) and wait for them."""
    import http.client
    import threading

    def send(request: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {**request["headers"], "Content-Type": "application/json"}
        conn.request(request.get("method", "GET"), request["path"],
                     body=json.dumps(request.get("body")).encode(), headers=headers)
        conn.getresponse().read()
        conn.close()

    for start in range(0, len(requests), 4):
        threads = [threading.Thread(target=send, args=(r,)) for r in requests[start : start + 4]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
