"""`make bench`: how long the hot paths take, on a throw-away test database.

Measures wall-clock medians over repeated runs (speed is never asserted in tests). Uses the
database of DATABASE_URL (PostgreSQL in production) or SQLite by default; prints a Markdown table
to paste into docs/benchmarks.md with the machine and the date.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def measure(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, float]:
    fn()  # warm up caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> int:
    from core.models import Membership, Organisation, Region, TargetGroup, Topic, User, WorkingGroup
    from tests.builders import advance, file_challenge
    from workflows import services
    from workflows.models import State
    from workflows.selectors import challenge_detail_for, challenges_visible_to

    region, topic, tg = Region.objects.first(), Topic.objects.first(), TargetGroup.objects.first()
    org = Organisation.objects.create(name="Bench org", kind="employer", region=region, status="admitted")
    other = Organisation.objects.create(name="Bench other", kind="employer", region=region, status="admitted")
    partner = User.objects.create_user(email="bench@example.org", password="x", display_name="Bench")
    Membership.objects.create(user=partner, organisation=org)
    coordinator = User.objects.create_user(email="coord@example.org", password="x", display_name="C", is_coordinator=True)
    member = User.objects.create_user(email="wg@example.org", password="x", display_name="W")
    group = WorkingGroup.objects.create(name="Bench group", slug="bench")
    group.members.add(member)

    print(f"seeding {ROWS} challenges…", file=sys.stderr)
    ids = []
    for i in range(ROWS):
        c = services.challenge_file(
            actor=partner if i % 2 else coordinator, organisation=org if i % 2 else other,
            title=f"Challenge {i}", description="Beschreibung " * 20, topic=topic,
            target_groups=[tg], region=region, visibility="restricted" if i % 5 == 0 else "network",
        )
        ids.append(c.pk)

    results: list[tuple[str, float, float]] = []

    def file_one():
        file_challenge(actor=partner, organisation=org)

    results.append(("service: file a challenge", *measure(file_one)))

    def whole_lifecycle():
        c = file_challenge(actor=partner, organisation=org)
        advance(c, State.EVALUATED, actor=member, group=group)

    results.append(("service: file + 4 transitions to evaluated", *measure(whole_lifecycle, repeat=max(REPEAT // 3, 5))))

    results.append(("selector: first 50 visible challenges (partner)",
                    *measure(lambda: list(challenges_visible_to(partner).order_by("-created_at")[:50]))))
    results.append(("selector: challenge detail with history",
                    *measure(lambda: challenge_detail_for(coordinator, ids[-1]))))

    client = Client()
    client.force_login(partner)
    for label, url in [
        ("API: GET /api/v1/challenges/?page_size=50", "/api/v1/challenges/?page_size=50"),
        ("API: GET /api/v1/challenges/{id}/", f"/api/v1/challenges/{ids[-1]}/"),
        ("page: GET /challenges/", "/challenges/"),
        ("page: GET /challenges/board/", "/challenges/board/"),
        ("page: GET /challenges/{id}/", f"/challenges/{ids[-1]}/"),
    ]:
        if client.get(url).status_code != 200:
            print(f"skipped {url}: not served", file=sys.stderr)
            continue
        results.append((label, *measure(lambda url=url: client.get(url))))

    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"database: {connection.vendor}; {ROWS} challenges seeded; {REPEAT} runs each.\n")
    print("| what | median ms | p95 ms |")
    print("|---|---:|---:|")
    for label, median, p95 in results:
        print(f"| {label} | {median:.1f} | {p95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
