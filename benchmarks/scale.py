"""`make bench`, the scale part (issue 14): the product under load from outside, each figure
beside its floor, at several sizes of the same network.

For each size (``BENCH_SIZES``, default ``10k,100k``; ``1m`` too if you have ~15 min for the
seed) it uses the PostgreSQL database ``<BENCH_DB_PREFIX>_<size>`` of the server in
DATABASE_URL (default prefix ``wkn_bench``), seeding it with ``manage.py seed_scale`` when it
is empty; starts gunicorn (2 sync workers, ``benchmarks.settings``: the product plus the floor's
bare views of ``benchmarks.floor``) on a free loopback port; runs ``benchmarks.load`` as a
separate process, which alternates bursts of the product's requests with bursts of the floor's;
times the reminder scan in process beside the same SQL run raw, with its ``EXPLAIN``; and writes
everything to ``docs/benchmarks.md`` (``BENCH_OUT`` to write elsewhere).

Every load is bounded: a fixed number of requests per row and at most ``max_seconds`` each.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": (10_000, 10_000), "100k": (100_000, 100_000), "1m": (1_000_000, 100_000)}
PY = sys.executable


def _db_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _psql(base: str, sql: str, db: str = "postgres") -> str:
    parts = urlsplit(base)
    cmd = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
           "-U", parts.username or "postgres", "-d", db, "-Atc", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def ensure_database(base: str, name: str, challenges: int, users: int) -> float | None:
    """Create, migrate and seed ``name`` unless it holds a seeded network; returns the
    seconds the seed took (None: already there)."""
    if not _psql(base, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        _psql(base, f"CREATE DATABASE {name}")
    env = {**os.environ, "DATABASE_URL": _db_url(base, name),
           "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=900)
    have = _psql(base, "SELECT count(*) FROM workflows_challenge", db=name)
    if int(have or 0) >= challenges:
        return None
    started = time.monotonic()
    subprocess.run([PY, "manage.py", "seed_scale", "--challenges", str(challenges),
                    "--users", str(users)], cwd=ROOT, env=env, check=True, timeout=1800)
    return time.monotonic() - started


def main() -> int:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        print("benchmarks.scale needs DATABASE_URL=postgres://… (skipped)", file=sys.stderr)
        return 0
    prefix = os.environ.get("BENCH_DB_PREFIX", "wkn_bench")
    sizes = [s.strip() for s in os.environ.get("BENCH_SIZES", "10k,100k").split(",") if s]
    results = []
    for size in sizes:
        challenges, users = SIZES[size]
        name = f"{prefix}_{size}"
        print(f"== {size}: database {name}", file=sys.stderr, flush=True)
        seed_seconds = ensure_database(base, name, challenges, users)
        env = {**os.environ, "DATABASE_URL": _db_url(base, name),
               "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        out = subprocess.run([PY, "-m", "benchmarks.scale_run"], cwd=ROOT, env=env,
                             check=True, capture_output=True, text=True, timeout=1800)
        sys.stderr.write(out.stderr)
        result = json.loads(out.stdout)
        result.update(size=size, database=name, seed_seconds=seed_seconds)
        results.append(result)
    target = Path(os.environ.get("BENCH_OUT", ROOT / "docs" / "benchmarks.md"))
    target.write_text(render(results))
    print(f"wrote {target}", file=sys.stderr)
    return 0


# --- the report ---------------------------------------------------------------------------------


def _fmt(value, unit: str = "") -> str:
    return "–" if value is None else f"{value:,.1f}{unit}"


def render(results: list[dict]) -> str:
    first = results[0]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/scale.py`, then `benchmarks/search_quality.py`).",
        "Reproduce: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
        "REDIS_URL=redis://127.0.0.1:6379/5 BENCH_SIZES=10k,100k make bench`.",
        "",
        f"Run: {first['date']} on {first['machine']}. Server: gunicorn, 2 sync workers, "
        "`benchmarks.settings` (the product's base settings, no throttling), PostgreSQL on the "
        "same machine; load from a separate process (`benchmarks/load.py`, threads with "
        "`http.client`, loopback, a new connection per request), token auth for the API, a "
        "session cookie for the pages. Each row alternates bursts of the product's requests "
        "with bursts of its **floor**: a bare Django view (`benchmarks/floor.py`) answering "
        "the same request from one hand-written SQL query with the same visibility filter. "
        "*ratio* = product throughput ÷ floor throughput (1.0: as fast as the floor).",
        "",
        "The machine is shared with other work while this runs (2 cores): read the ratios, "
        "which compare figures taken in the same seconds, before the absolute numbers.",
        "",
    ]
    for result in results:
        seed = result.get("seed_seconds")
        lines += [
            f"## {result['size']}: {result['challenges']:,} challenges, {result['users']:,} "
            f"people (`{result['database']}`)",
            "",
            "Seeded by `manage.py seed_scale` in "
            + (f"{seed:,.0f} s." if seed else "an earlier run (not re-seeded)."),
            "",
            "| request | c | p50 ms | p95 ms | req/s | floor p50 ms | floor p95 ms | floor req/s "
            "| ratio | failures |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in result["rows"]:
            p, f = row["product"], row.get("reference") or {}
            ratio = (p["rps"] / f["rps"]) if f.get("rps") and p.get("rps") else None
            lines.append(
                f"| {row['name']} | {row['concurrency']} | {_fmt(p['p50'])} | {_fmt(p['p95'])} "
                f"| {_fmt(p['rps'])} | {_fmt(f.get('p50'))} | {_fmt(f.get('p95'))} "
                f"| {_fmt(f.get('rps'))} | {'–' if ratio is None else f'{ratio:.2f}'} "
                f"| {p['failures']}/{f.get('failures', 0)} |"
            )
        scan = result.get("reminder_scan")
        if scan:
            lines += [
                "",
                f"Reminder scan (`challenges_due_for_reminder`, level 1, {scan['rows']:,} due "
                f"of {result['challenges']:,}): ORM p50 {scan['orm_p50']:.1f} ms, p95 "
                f"{scan['orm_p95']:.1f} ms; the same SQL raw p50 {scan['raw_p50']:.1f} ms.",
                "",
                "```",
                scan["explain"],
                "```",
            ]
        lines.append("")
    lines += [
        "What the figures mean, what was changed because of them and what is still missing: "
        "`docs/scaling.md`. The in-process figures of `benchmarks/run.py` (1,000 challenges, "
        "test client) and the search quality of `benchmarks/search_quality.py` are printed by "
        "`make bench` on the terminal.",
        "",
    ]
    return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
