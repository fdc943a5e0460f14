"""The sums of the rolled-up days the statistics read, held per process for one generation of
the rollups (issue 14).

Between two refreshes (every ten minutes) the rolled-up days do not change, so every
coordinator's statistics for the same window sum the same rows: at a million challenges,
48,000 organisation-month rows for a year's breakdowns and the length classes of all history,
about half of a request's database time. Every write to the rollups gives the mark a new
``generation`` (``stats_rollup.refresh``, ``stats_breakdowns.challenge_recategorised``); the
rows after the mark and the percentile reads stay live.

A sum is held only when the mark still had the caller's generation in the snapshot the sum
was read in (one more row of the same statement): a refresh that commits between the caller's
reading of the mark and the sum cannot leave a sum under a generation whose rows it did not
read. Held values are tuples of rows (immutable); a new generation drops every held sum.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from .models_stats import StatsMark

MAX_HELD = 32  # windows per generation (the page's default and a few chosen ones)

_lock = threading.Lock()
_state: dict[str, Any] = {"generation": None, "held": {}}


def rolled(
    generation: uuid.UUID | None, key: tuple, sql: str, params: list, *, width: int,
    fetch: Callable[[str, list], list[tuple]],
) -> tuple[tuple, ...]:
    """The rows of ``sql`` (the rolled-up part of a statistic, ``width`` columns, the first a
    text), from this process's copy for ``generation`` and ``key`` if it holds one, else read
    with ``fetch`` (and held)."""
    if generation is None:
        return tuple(fetch(sql, params))
    with _lock:
        if _state["generation"] == generation and key in _state["held"]:
            return _state["held"][key]
    rows = fetch(
        f"SELECT 0 AS memo_tag, r.* FROM ({sql}) AS r UNION ALL "
        f"SELECT 1, CAST(generation AS VARCHAR(36)), {', '.join(['NULL'] * (width - 1))} "
        f"FROM {StatsMark._meta.db_table} WHERE key = 'rollup'",
        params,
    )
    data = tuple(tuple(row[1:]) for row in rows if row[0] == 0)
    seen = [row[1] for row in rows if row[0] == 1]
    if seen and seen[0] is not None and uuid.UUID(str(seen[0])) == generation:
        with _lock:
            if _state["generation"] != generation:
                _state["generation"], _state["held"] = generation, {}
            held = _state["held"]
            if key not in held and len(held) >= MAX_HELD:
                held.pop(next(iter(held)))
            held[key] = data
    return data


def forget() -> None:
    """Drop every held sum (tests that rewrite the rollups under one generation)."""
    with _lock:
        _state["generation"], _state["held"] = None, {}
