"""The coordinators' synonym and abbreviation groups as search reads them, and the services
that change them.

Every search reads the groups; they change a few times a year. So each process keeps them
(``local_cache``) under a version in Django's cache, and the services below set a new version
with every change: the next search everywhere reads them anew (one query), every other search
reads none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import analysis, local_cache
from .models import Synonym

COPY = "synonyms"

Groups = list[list[tuple[str, ...]]]


def _read() -> Groups:
    groups = []
    for synonym in Synonym.objects.only("words"):
        entries = []
        for entry in synonym.entries():
            stems = tuple(dict.fromkeys(w.stem for w in analysis.words(entry)))
            if stems:
                entries.append(stems)
        if len(entries) > 1:
            groups.append(entries)
    return groups


def synonym_groups(version: str | None = None) -> Groups:
    """Each group's entries as tuples of word stems ("Industrie- und Handelskammer" ->
    (industri, handelskamm)); no query while this process holds the current version."""
    if version is None:
        version = local_cache.versions(COPY)[COPY]
    held = local_cache.copy(COPY, version)
    if "groups" not in held:
        held["groups"] = _read()
    return held["groups"]


def _changed() -> None:
    # Now and again after the commit: a search between the two would otherwise keep the old
    # groups under the new version.
    local_cache.bump(COPY)
    transaction.on_commit(lambda: local_cache.bump(COPY))


def synonym_save(*, actor: Any, synonym: Synonym) -> Synonym:
    """Store a new or edited group; it counts from the next search on (no re-indexing:
    synonyms act at query time)."""
    with transaction.atomic():
        synonym.updated_at = timezone.now()
        synonym.save()
        _changed()
    return synonym


def synonym_delete(*, actor: Any, synonyms: Iterable[Synonym]) -> None:
    """Delete groups; searches stop using them at once."""
    with transaction.atomic():
        Synonym.objects.filter(pk__in=[s.pk for s in synonyms]).delete()
        _changed()
