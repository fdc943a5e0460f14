"""`make bench` (and `python -m benchmarks.search_quality`): how well search finds what people
mean, on the German judged set in benchmarks/search/ (written for this purpose, not the demo
data). Runs on a throw-away test database of DATABASE_URL (PostgreSQL) or SQLite by default.

Prints, for the search (each query's first ten results):
- recall@10: share of the judged relevant challenges among the first ten, averaged over queries;
- precision@10: share of relevant ones among the results shown (at most ten);
- MRR: mean of 1 / rank of the first relevant result (0 when none is in the first ten);
and for duplicate suggestion the share of near-duplicate pairs whose original is among the
first three suggestions while the other one is being filed. The substring search the API had
before (every word in title or description, newest first) is measured alongside.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

DATA = Path(__file__).parent / "search"
VERBOSE = "-v" in sys.argv


def load():
    challenges = json.loads((DATA / "challenges.json").read_text(encoding="utf-8"))
    judged = json.loads((DATA / "queries.json").read_text(encoding="utf-8"))
    return challenges, judged["queries"], judged["near_duplicates"]


def seed(challenges):
    from core.models import Membership, Organisation, Region, TargetGroup, Topic, User
    from workflows import services

    region, topic, tg = Region.objects.first(), Topic.objects.first(), TargetGroup.objects.first()
    org = Organisation.objects.create(
        name="Bewertungsnetz", kind="employer", region=region, status="admitted"
    )
    coordinator = User.objects.create_user(
        email="judge@example.org", password="x", display_name="Judge", is_coordinator=True
    )
    Membership.objects.create(user=coordinator, organisation=org)
    keys = {}
    for item in challenges:
        challenge = services.challenge_file(
            actor=coordinator, organisation=org, title=item["title"],
            description=item["description"], topic=topic, target_groups=[tg], region=region,
        )
        keys[challenge.pk] = item["key"]
    # The vocabulary counts the new documents once their pending deltas are folded in (the
    # beat job's minute): the judged set is searched as a network would search it after that.
    from workflows.search import index as search_index

    search_index.fold_vocabulary()
    return coordinator, keys


def substring_search(user, text):
    """What the API's `search=` did before: every word in title or description, newest first."""
    import operator
    from functools import reduce

    from django.db.models import Q

    from workflows.selectors import challenges_visible_to

    words = text.split()
    q = reduce(operator.and_, (Q(title__icontains=w) | Q(description__icontains=w) for w in words))
    return list(challenges_visible_to(user).filter(q).order_by("-created_at", "-id")
                .values_list("pk", flat=True)[:10])


def german_search(user, text):
    from workflows.search import query
    from workflows.selectors import challenges_visible_to

    prepared = query.prepare(text)
    # apply_best: what the API and the list use when ordered by relevance (capped on PostgreSQL)
    return list(prepared.apply_best(challenges_visible_to(user)).order_by(
        "-search_rank", "-created_at", "-id").values_list("pk", flat=True)[:10])


def score(ranked_keys, relevant):
    hits = [k for k in ranked_keys if k in relevant]
    recall = len(hits) / len(relevant)
    precision = len(hits) / len(ranked_keys) if ranked_keys else 0.0
    rr = next((1 / (i + 1) for i, k in enumerate(ranked_keys) if k in relevant), 0.0)
    return recall, precision, rr


def evaluate(name, search, user, keys, queries):
    totals = [0.0, 0.0, 0.0]
    for item in queries:
        ranked = [keys[pk] for pk in search(user, item["text"])]
        r, p, rr = score(ranked, item["relevant"])
        totals = [totals[0] + r, totals[1] + p, totals[2] + rr]
        if VERBOSE and (r < 1 or rr < 1):
            print(f"  {name}: {item['text']!r}: recall {r:.2f}, RR {rr:.2f}; got {ranked}; "
                  f"wanted {sorted(item['relevant'])}", file=sys.stderr)
    n = len(queries)
    return [t / n for t in totals]


def duplicates(user, keys, pairs):
    from workflows.search.suggest import similar_challenges

    found = 0
    for pair in pairs:
        top = [keys[c.pk] for c in similar_challenges(
            user, title=pair["title"], description=pair["description"], limit=3)]
        found += pair["original"] in top
        if VERBOSE and pair["original"] not in top:
            print(f"  duplicate missed: {pair['title']!r}: got {top}, wanted {pair['original']}",
                  file=sys.stderr)
    return found / len(pairs)


def run() -> dict:
    challenges, queries, pairs = load()
    user, keys = seed(challenges)
    ours = evaluate("search", german_search, user, keys, queries)
    before = evaluate("substring", substring_search, user, keys, queries)
    dup = duplicates(user, keys, pairs)
    print(f"\nSearch quality on the judged set ({len(challenges)} challenges, {len(queries)} "
          f"queries, {len(pairs)} near-duplicate pairs), database: {connection.vendor}\n")
    print("| figure | German search | substring search (before) | target |")
    print("|---|---:|---:|---:|")
    print(f"| recall@10 | {ours[0]:.2f} | {before[0]:.2f} | ≥ 0.90 |")
    print(f"| precision@10 | {ours[1]:.2f} | {before[1]:.2f} | — |")
    print(f"| MRR | {ours[2]:.2f} | {before[2]:.2f} | ≥ 0.85 |")
    print(f"| near-duplicate original in top 3 suggestions | {dup:.0%} | — | ≥ 90 % |")
    return {"recall": ours[0], "precision": ours[1], "mrr": ours[2], "duplicates": dup}


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
