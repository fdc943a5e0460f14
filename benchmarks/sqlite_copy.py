"""The embedded default's row of the scale benchmark: copy a seeded PostgreSQL network into a
fresh SQLite file (``python -m benchmarks.sqlite_copy <postgres-url> <sqlite-path>``), so the
SQLite figures are taken on exactly the rows the PostgreSQL ones were. ``seed_scale`` itself
generates rows with PostgreSQL's SQL; copying is simpler than a second generator.

Every table of the SQLite schema (made by ``migrate``) is emptied and filled with the same
table's rows from PostgreSQL, the columns both have, in chunks; values become what Django's
SQLite backend stores (naive UTC datetimes, JSON text; the PostgreSQL-only search vector stays
empty, SQLite matches the stored term columns). Foreign keys are off while copying.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 5_000
SKIP = {"django_migrations", "sqlite_sequence"}


def _value(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):  # Django keeps a UUID as 32 hex digits on SQLite
        return value.hex
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (memoryview, bytes)):
        return bytes(value)
    return value


def copy(source_url: str, target: Path) -> dict[str, int]:
    import sqlite3

    import psycopg

    rows: dict[str, int] = {}
    dst = sqlite3.connect(target)
    dst.execute("PRAGMA foreign_keys = OFF")
    dst.execute("PRAGMA synchronous = OFF")
    tables = [r[0] for r in dst.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    with psycopg.connect(source_url) as src:
        src.execute("SET TIME ZONE 'UTC'")
        for table in tables:
            if table in SKIP:
                continue
            have = {r[1] for r in dst.execute(f'PRAGMA table_info("{table}")')}
            info = src.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s", [table]).fetchall()
            if not info:
                continue
            columns = [name for name, kind in info if name in have and kind != "tsvector"]
            empty = [name for name, kind in info if name in have and kind == "tsvector"]
            dst.execute(f'DELETE FROM "{table}"')
            names = columns + empty
            insert = (f'INSERT INTO "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
                      f'VALUES ({", ".join("?" for _ in names)})')
            select = f'SELECT {", ".join(chr(34) + n + chr(34) for n in columns)} FROM "{table}"'
            count = 0
            with src.cursor(name=f"copy_{table}") as cur:
                cur.itersize = CHUNK
                cur.execute(select)
                while batch := cur.fetchmany(CHUNK):
                    dst.executemany(insert, [[_value(v) for v in row] + [""] * len(empty)
                                             for row in batch])
                    count += len(batch)
            rows[table] = count
        dst.commit()
    dst.execute("ANALYZE")
    dst.close()
    return rows


def challenges(target: Path) -> int | None:
    """How many challenges an earlier copy at ``target`` holds (None: none there)."""
    import sqlite3

    if not target.exists():
        return None
    try:
        with sqlite3.connect(target) as db:
            return db.execute("SELECT count(*) FROM workflows_challenge").fetchone()[0]
    except sqlite3.Error:
        return None


def build(source_url: str, target: Path) -> float:
    """A fresh migrated SQLite file at ``target`` holding the rows of ``source_url``; returns
    the seconds it took."""
    started = time.monotonic()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}",
           "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True, timeout=900)
    copied = copy(source_url, target)
    print(f"copied {sum(copied.values()):,} rows into {target} "
          f"({copied.get('workflows_challenge', 0):,} challenges)", file=sys.stderr)
    return time.monotonic() - started


if __name__ == "__main__":
    print(f"{build(sys.argv[1], Path(sys.argv[2])):.1f} s")
