"""Search at scale on PostgreSQL: ``BENCH_ROWS`` (default 100,000) challenges bulk-inserted
with their search terms, then the p95 of search + two filters through the API and of the
filing suggestions. Not part of the test suite; timings are never asserted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wn_bench BENCH_ROWS=100000 \\
        .venv/bin/python -m benchmarks.search_scale

``BENCH_KEEP=1`` keeps the seeded test database (``test_<name>``) and reuses it on the next run
with as many rows; ``BENCH_EXPLAIN=1`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of every query of
each request instead of timing them.
"""

from __future__ import annotations

import json
import os
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

from core.db import literal_cursor  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
DATA = Path(__file__).parent / "search"


def _quantiles(samples):
    samples = sorted(samples)
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1]


def p95(fn, repeat=REPEAT):
    """Median and p95 of the whole request and of the time its SQL took (ms), and the number
    of queries of the last run. The machine is shared: the SQL figure is the part the database
    answers for."""
    fn()
    total, sql = [], []
    spent = [0.0]
    queries = [0]

    def timed(execute, query, params, many, context):
        queries[0] += 1
        start = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start

    for _ in range(repeat):
        spent[0] = 0.0
        queries[0] = 0
        with connection.execute_wrapper(timed):
            start = time.perf_counter()
            fn()
            total.append((time.perf_counter() - start) * 1000)
        sql.append(spent[0] * 1000)
    return (*_quantiles(total), *_quantiles(sql), queries[0])


def explain(fn):
    """``EXPLAIN (ANALYZE, BUFFERS)`` of every SELECT ``fn`` runs (BENCH_EXPLAIN=1)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    for number, query in enumerate(captured.captured_queries, 1):
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with literal_cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n-- query {number} ({query['time']} s)\n{sql[:1500]}\n{plan}")


STATES = ["reported", "analysed", "approach_proposed", "trialled", "evaluated", "closed"]


def _pick(salt: int, n: int) -> str:
    """SQL: a pseudo-random whole number in [0, n) for row ``g`` (the same on every run)."""
    return f"((hashint4(g + {salt}) & 2147483647) %% {n})"


def _has_challenge_vector() -> bool:
    """Whether the schema keeps the vector on the challenge row (workflows 0011 on)."""
    with literal_cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'workflows_challenge' "
            "AND column_name = 'search_vector' AND table_schema = current_schema()"
        )
        return cursor.fetchone() is not None


def seed(rows):
    """``rows`` challenges (the judged set's 60 texts, repeated, with a running number in the
    title) with their search entries and vocabulary. Each text is analysed once in Python;
    PostgreSQL multiplies them (``INSERT … SELECT`` over ``generate_series``), so a million
    rows take minutes. Works on the schema before and after migration workflows 0011 (the
    vector in the search table or on the challenge row), so both can be measured."""
    from django.utils import timezone

    from core.models import Membership, Organisation, Region, TargetGroup, Topic, User
    from workflows.models import Challenge
    from workflows.search.index import DOCUMENT_COUNT, _analysed, _join, vector_literal
    from workflows.search.models import Scope

    texts = json.loads((DATA / "challenges.json").read_text(encoding="utf-8"))
    regions = [r.pk for r in Region.objects.order_by("pk")]
    topics = [t.pk for t in Topic.objects.order_by("pk")]
    tg = TargetGroup.objects.order_by("pk").first()
    org = Organisation.objects.create(name="Bench", kind="employer", region_id=regions[0],
                                      status="admitted")
    user = User.objects.create_user(email="b@example.org", password="x", display_name="B",
                                    is_coordinator=True)
    Membership.objects.create(user=user, organisation=org)
    on_row = _has_challenge_vector()
    now = timezone.now()
    # Every column of the challenge table from a prototype row; the per-row ones are replaced.
    prototype = Challenge(title="", description="", topic_id=topics[0], region_id=regions[0],
                          organisation_id=org.pk, reporter_id=user.pk)
    per_row = {
        "id": "first + g",
        "title": "tp.title || ' (' || g || ')'",
        "description": "tp.description",
        "topic_id": f"(%(topics)s::bigint[])[1 + {_pick(1, len(topics))}]",
        "region_id": f"(%(regions)s::bigint[])[1 + {_pick(2, len(regions))}]",
        "state": f"(%(states)s::text[])[1 + {_pick(3, len(STATES))}]",
        "visibility": "CASE WHEN g %% 5 = 0 THEN 'restricted' ELSE 'network' END",
        "state_entered_at": "%(now)s::timestamptz - make_interval(mins => %(rows)s - g)",
        "created_at": "%(now)s::timestamptz - make_interval(mins => %(rows)s - g)",
        "updated_at": "%(now)s::timestamptz - make_interval(mins => %(rows)s - g)",
    }
    columns, values, params = [], [], {}
    for f in Challenge._meta.concrete_fields:
        columns.append(f.column)
        if f.column in per_row:
            values.append(per_row[f.column])
        else:
            params[f.column] = f.get_db_prep_save(getattr(prototype, f.attname), connection)
            values.append(f"%({f.column})s")
    if on_row:
        columns.append("search_vector")
        values.append("tp.vector || setweight(to_tsvector('simple', g::text), 'A')")
    params.update(topics=topics, regions=regions, states=STATES, now=now, rows=rows)
    vocabulary: Counter[str] = Counter()
    templates = []
    for k, text in enumerate(texts):
        title_terms, all_terms = _analysed(text["title"], [text["description"]])
        templates.append((k, text["title"], text["description"], _join(title_terms),
                          _join(all_terms), vector_literal(text["title"], [text["description"]])))
    with literal_cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM workflows_challenge")
        params["first"] = cursor.fetchone()[0] + 1
        cursor.execute(
            "CREATE TEMP TABLE bench_tpl (k int PRIMARY KEY, title text, description text, "
            "title_terms text, terms text, vector tsvector)"
        )
        cursor.executemany("INSERT INTO bench_tpl VALUES (%s, %s, %s, %s, %s, %s)", templates)
        cursor.execute(
            "CREATE TEMP TABLE bench_row AS SELECT g, "
            f"{_pick(0, len(texts))} AS k, %(first)s::bigint AS first "
            "FROM generate_series(0, %(rows)s - 1) AS g", params,
        )
        pick = "FROM bench_row r JOIN bench_tpl tp ON tp.k = r.k"
        cursor.execute(
            f"INSERT INTO workflows_challenge ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} {pick}", params,
        )
        print(f"  {rows} challenges", file=sys.stderr)
        entry_vector = "" if on_row else ", vector"
        entry_vector_value = (
            "" if on_row else ", tp.vector || setweight(to_tsvector('simple', g::text), 'A')"
        )
        cursor.execute(
            "INSERT INTO workflows_challengesearch (challenge_id, title_terms, terms, "
            f"indexed_at{entry_vector}) SELECT first + g, tp.title_terms || g || ' ', "
            f"tp.terms || g || ' ', %(now)s{entry_vector_value} {pick}", params,
        )
        through = Challenge.target_groups.through._meta.db_table
        cursor.execute(
            f"INSERT INTO {through} (challenge_id, targetgroup_id) "
            "SELECT first + g, %(tg)s FROM bench_row", {**params, "tg": tg.pk},
        )
        cursor.execute("SELECT k, count(*) FROM bench_row GROUP BY k")
        for k, n in cursor.fetchall():
            vocabulary.update({term: n for term in templates[k][4].split()})
        vocabulary[DOCUMENT_COUNT] = rows
        cursor.executemany(
            "INSERT INTO workflows_searchterm (scope, term, documents) VALUES (%s, %s, %s) "
            "ON CONFLICT (scope, term) DO UPDATE SET documents = EXCLUDED.documents",
            [(Scope.CHALLENGE, t, n) for t, n in vocabulary.items()],
        )
        # The running numbers are terms too, one document each.
        cursor.execute(
            "INSERT INTO workflows_searchterm (scope, term, documents) "
            "SELECT %(scope)s, g::text, 1 FROM bench_row ON CONFLICT (scope, term) DO NOTHING",
            {"scope": Scope.CHALLENGE},
        )
        cursor.execute("DROP TABLE bench_row, bench_tpl")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('workflows_challenge', 'id'), %s)",
            [params["first"] + rows],
        )
        cursor.execute("VACUUM ANALYZE")
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
            if os.environ.get("BENCH_EXPLAIN") == "1":
                print(f"\n==== {label}")
                explain(lambda url=url: client.get(url))
                continue
            rows.append((label, *p95(lambda url=url: client.get(url))))
        print(f"\n{ROWS} challenges on {connection.vendor}, {REPEAT} runs each\n")
        print("| what | median ms | p95 ms | SQL median ms | SQL p95 ms | queries |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, median, high, sql_median, sql_high, queries in rows:
            print(f"| {label} | {median:.0f} | {high:.0f} | {sql_median:.0f} | {sql_high:.0f} "
                  f"| {queries} |")
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
