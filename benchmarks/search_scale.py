"""Search at scale on PostgreSQL: ``BENCH_ROWS`` (default 100,000) challenges bulk-inserted
with their search terms, then the p95 of search + two filters through the API and of the
filing suggestions. Not part of the test suite; timings are never asserted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wn_bench BENCH_ROWS=100000 \\
        .venv/bin/python -m benchmarks.search_scale
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
DATA = Path(__file__).parent / "search"


def p95(fn, repeat=REPEAT):
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1]


def _copy(cursor, model, objects):
    """COPY unsaved ``objects`` (primary keys set) into their table."""
    fields = model._meta.concrete_fields
    sql = f"COPY {model._meta.db_table} ({', '.join(f.column for f in fields)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for obj in objects:
            copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection)
                            for f in fields])


def seed(rows):
    """``rows`` challenges (the judged set's texts, repeated, with a running number in the
    title) with their search entries and vocabulary, loaded by COPY in batches of 20,000."""
    from django.utils import timezone

    from core.models import Membership, Organisation, Region, TargetGroup, Topic, User
    from workflows.models import Challenge
    from workflows.search.index import DOCUMENT_COUNT, _entry_values
    from workflows.search.models import ChallengeSearch, Scope, SearchTerm

    texts = json.loads((DATA / "challenges.json").read_text(encoding="utf-8"))
    regions, topics = list(Region.objects.all()), list(Topic.objects.all())
    tg = TargetGroup.objects.first()
    org = Organisation.objects.create(name="Bench", kind="employer", region=regions[0],
                                      status="admitted")
    user = User.objects.create_user(email="b@example.org", password="x", display_name="B",
                                    is_coordinator=True)
    Membership.objects.create(user=user, organisation=org)
    rng = random.Random(7)
    vocabulary: Counter[str] = Counter()
    states = ["reported", "analysed", "approach_proposed", "trialled", "evaluated", "closed"]
    now = timezone.now()
    through = Challenge.target_groups.through
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM workflows_challenge")
        first_id = cursor.fetchone()[0] + 1
    batch = 20_000
    for start in range(0, rows, batch):
        challenges, entries, links = [], [], []
        for i in range(start, min(start + batch, rows)):
            k = rng.randrange(len(texts))
            title = f"{texts[k]['title']} ({i})"
            pk = first_id + i
            created = now - datetime.timedelta(minutes=rows - i)
            challenges.append(Challenge(
                pk=pk, title=title, description=texts[k]["description"],
                topic_id=rng.choice(topics).pk, region_id=rng.choice(regions).pk,
                organisation_id=org.pk, reporter_id=user.pk, state=rng.choice(states),
                visibility="restricted" if i % 5 == 0 else "network",
                state_entered_at=created, created_at=created, updated_at=created,
            ))
            values = _entry_values(title, [texts[k]["description"]])
            vocabulary.update(values["terms"].split())
            entries.append(ChallengeSearch(challenge_id=pk, indexed_at=now, **values))
            links.append((pk, tg.pk))
        with connection.cursor() as cursor:
            _copy(cursor, Challenge, challenges)
            _copy(cursor, ChallengeSearch, entries)
            with cursor.cursor.copy(
                f"COPY {through._meta.db_table} (challenge_id, targetgroup_id) FROM STDIN"
            ) as copy:
                for row in links:
                    copy.write_row(row)
        print(f"  {min(start + batch, rows)} challenges", file=sys.stderr)
    vocabulary[DOCUMENT_COUNT] = rows
    SearchTerm.objects.bulk_create(
        [SearchTerm(scope=Scope.CHALLENGE, term=t, documents=n) for t, n in vocabulary.items()],
        ignore_conflicts=True, batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('workflows_challenge', 'id'), %s)",
            [first_id + rows],
        )
        cursor.execute("ANALYZE")
    return user


def _seeded(rows) -> bool:
    """BENCH_KEEP=1: whether the kept test database of an earlier run holds ``rows``."""
    import psycopg

    settings = connection.settings_dict
    try:
        with psycopg.connect(
            host=settings["HOST"] or None, port=settings["PORT"] or None,
            user=settings["USER"], dbname=connection.creation._get_test_db_name(),
        ) as conn:
            found = conn.execute(
                "SELECT count(*) FROM workflows_challenge WHERE organisation_id = "
                "(SELECT id FROM core_organisation WHERE name = 'Bench')"
            ).fetchone()[0]
    except psycopg.Error:
        return False
    return found == rows


def main() -> int:
    setup_test_environment()
    keep = os.environ.get("BENCH_KEEP") == "1"
    old_name = connection.settings_dict["NAME"]
    if keep and _seeded(ROWS):
        connection.close()
        connection.settings_dict["NAME"] = connection.creation._get_test_db_name()
        from core.models import User

        user = User.objects.get(email="b@example.org")
    else:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        user = seed(ROWS)
    from core.models import Topic

    topics = list(Topic.objects.all())
    try:
        client = Client()
        client.force_login(user)
        topic = topics[0].pk
        rows = []
        for label, url in [
            ("API: no search, state=reported&topic=… (the list's own floor)",
             f"/api/v1/challenges/?state=reported&topic={topic}&page_size=50"),
            ("API: search=Anerkennung Pflegekräfte&state=reported&topic=…",
             f"/api/v1/challenges/?search=Anerkennung%20Pflegekr%C3%A4fte&state=reported&topic={topic}&page_size=50"),
            ("API: search=Wohnung&state=analysed&topic=…",
             f"/api/v1/challenges/?search=Wohnung&state=analysed&topic={topic}&page_size=50"),
            ("API: search=Anerkenung (typo)&state=reported&topic=…",
             f"/api/v1/challenges/?search=Anerkenung&state=reported&topic={topic}&page_size=50"),
            ("API: similar (filing suggestions)",
             "/api/v1/challenges/similar/?title=Keine%20Wohnung%20f%C3%BCr%20Pflegekr%C3%A4fte"
             "&text=Vermieter%20verlangen%20Schufa%20und%20Gehaltsnachweise"),
            ("page: challenge list, q + state + topic",
             f"/challenges/?q=Kinderbetreuung&state=reported&topic={topic}"),
        ]:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            rows.append((label, *p95(lambda url=url: client.get(url))))
        print(f"\n{ROWS} challenges on {connection.vendor}, {REPEAT} runs each\n")
        print("| what | median ms | p95 ms |")
        print("|---|---:|---:|")
        for label, median, high in rows:
            print(f"| {label} | {median:.0f} | {high:.0f} |")
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
