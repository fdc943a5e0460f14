"""Search at scale on PostgreSQL: ``BENCH_ROWS`` (default 100,000) challenges bulk-inserted
with their search terms, then the p95 of search + two filters through the API and of the
filing suggestions. Not part of the test suite; timings are never asserted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wn_bench BENCH_ROWS=100000 \\
        .venv/bin/python -m benchmarks.search_scale
"""

from __future__ import annotations

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


def seed(rows):
    from core.models import Membership, Organisation, Region, TargetGroup, Topic, User
    from workflows.models import Challenge
    from workflows.search.index import DOCUMENT_COUNT, _analysed, _join
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
    analysed = [_analysed(t["title"], [t["description"]]) for t in texts]
    vocabulary: Counter[str] = Counter()
    states = ["reported", "analysed", "approach_proposed", "trialled", "evaluated", "closed"]
    batch, entries = [], []
    for i in range(rows):
        k = rng.randrange(len(texts))
        batch.append(Challenge(
            title=f"{texts[k]['title']} ({i})", description=texts[k]["description"],
            topic=rng.choice(topics), region=rng.choice(regions), organisation=org,
            reporter=user, state=rng.choice(states),
            visibility="restricted" if i % 5 == 0 else "network",
        ))
        title_terms, all_terms = analysed[k]
        entries.append((title_terms, all_terms))
        vocabulary.update(all_terms)
        if len(batch) == 5000 or i == rows - 1:
            created = Challenge.objects.bulk_create(batch)
            ChallengeSearch.objects.bulk_create([
                ChallengeSearch(challenge_id=c.pk, title_terms=_join(t), terms=_join(a))
                for c, (t, a) in zip(created, entries)
            ])
            Challenge.target_groups.through.objects.bulk_create([
                Challenge.target_groups.through(challenge_id=c.pk, targetgroup_id=tg.pk)
                for c in created
            ])
            batch, entries = [], []
            print(f"  {i + 1} challenges", file=sys.stderr)
    vocabulary[DOCUMENT_COUNT] = rows
    SearchTerm.objects.bulk_create(
        [SearchTerm(scope=Scope.CHALLENGE, term=t, documents=n) for t, n in vocabulary.items()],
        ignore_conflicts=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, topics, regions


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user, topics, _regions = seed(ROWS)
        client = Client()
        client.force_login(user)
        topic = topics[0].pk
        rows = []
        for label, url in [
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
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
