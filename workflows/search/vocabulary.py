"""What search reads of the vocabulary (``SearchTerm``): in how many documents each term
occurs (for its weight) and, for a word it does not know, the similar known terms (typos).

Each process keeps what it read (``local_cache``) under a version per scope, set anew by the
index whenever the counts of that scope move (the fold of the pending deltas, a rebuild), and for at most ``MAX_AGE`` seconds (the
counts only weigh terms: a minute-old count ranks the same). So a search repeated with the same
words reads no vocabulary at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from . import analysis, local_cache
from .models import SearchTerm

MAX_AGE = 300.0
TYPO_MIN_SIMILARITY = 0.4
TYPO_CANDIDATES = 3


def copy_name(scope: str) -> str:
    return f"vocabulary:{scope}"


def changed(scope: str) -> None:
    """The counts of ``scope`` moved (a fold of the pending deltas or a rebuild). (Set before
    the commit, not again after it: a search in between may keep the old counts, for at most
    ``MAX_AGE`` seconds; writes register no on-commit work for this.)"""
    local_cache.bump(copy_name(scope))


def _copy(scope: str, version: str | None) -> dict:
    name = copy_name(scope)
    if version is None:
        version = local_cache.versions(name)[name]
    return local_cache.copy(name, version, max_age=MAX_AGE)


def document_counts(scope: str, terms: Iterable[str], *, version: str | None = None
                    ) -> dict[str, int]:
    """How many documents of ``scope`` hold each of ``terms`` (0: none); one query for the
    terms this process has not read yet, none for the rest."""
    held = _copy(scope, version)
    wanted = list(dict.fromkeys(terms))
    missing = [t for t in wanted if ("df", t) not in held]
    if missing:
        found = dict(
            SearchTerm.objects.filter(scope=scope, term__in=missing).values_list(
                "term", "documents"
            )
        )
        for term in missing:
            held[("df", term)] = found.get(term) or 0
    return {t: held[("df", t)] for t in wanted}


def similar_terms(scope: str, term: str, *, version: str | None = None
                  ) -> list[tuple[str, float]]:
    """Known terms like ``term`` (a typo), most similar first: pg_trgm on PostgreSQL, the same
    measure in Python over terms of a similar length elsewhere. One query the first time."""
    held = _copy(scope, version)
    key = ("similar", term)
    if key not in held:
        found = _similar_terms(scope, term)
        held[key] = [(t, s) for t, s, _n in found]
        for t, _s, n in found:  # the counts come along: no second query for their weights
            held[("df", t)] = n
    return held[key]


def _similar_terms(scope: str, term: str) -> list[tuple[str, float, int]]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term, similarity(term, %s) AS sim, documents FROM workflows_searchterm "
                "WHERE scope = %s AND documents > 0 AND term %% %s "
                "ORDER BY sim DESC, term LIMIT %s",
                [term, scope, term, TYPO_CANDIDATES * 2],
            )
            found = [(t, float(s), n) for t, s, n in cursor.fetchall()]
    else:
        candidates = SearchTerm.objects.filter(
            scope=scope, documents__gt=0,
            term__regex=rf"^.{{{max(len(term) - 3, 1)},{len(term) + 3}}}$",
        ).values_list("term", "documents")
        found = sorted(
            ((t, analysis.similarity(term, t), n) for t, n in candidates),
            key=lambda p: (-p[1], p[0]),
        )
    return [p for p in found if p[1] >= TYPO_MIN_SIMILARITY and p[0] != term][:TYPO_CANDIDATES]
