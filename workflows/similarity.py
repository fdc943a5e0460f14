"""Which existing good-practice records look like a new approach.

A deliberately simple text similarity that behaves the same on PostgreSQL and SQLite: titles
are normalised (case, umlauts, punctuation, filler words) and compared with ``difflib``'s
sequence ratio averaged with the Dice overlap of their words (or the ratio of the titles
without spaces, when higher: compounds are written with and without hyphens). The catalogue holds hundreds of
records, not millions, so comparing in Python over the titles alone is cheap (one query).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import QuerySet

from .models import GoodPractice

# Offered to people as "looks like" from this score on.
SUGGEST_THRESHOLD = 0.5
# An approach whose title scores this high joins the existing record by itself when its first
# trial succeeds: the same approach under a slightly different title, not a related one.
JOIN_THRESHOLD = 0.8

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_FILLER = frozenset(
    "der die das den dem des ein eine einer eines einem einen und oder fuer mit von zu zum zur "
    "im in am an auf bei aus the a an and or for of to in on with at by".split()
)


def normalise(text: str) -> str:
    """Lower-case, fold umlauts and accents, drop punctuation and filler words."""
    text = (text or "").casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in _FILLER)


def similarity(a: str, b: str) -> float:
    """0.0 (nothing alike) … 1.0 (the same after normalising)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ratio = SequenceMatcher(None, na, nb).ratio()
    wa, wb = set(na.split()), set(nb.split())
    dice = 2 * len(wa & wb) / (len(wa) + len(wb))
    # German writes the same compound with or without hyphens and spaces ("Lotsen-Programm").
    joined = SequenceMatcher(None, na.replace(" ", ""), nb.replace(" ", "")).ratio()
    return max((ratio + dice) / 2, joined)


@dataclass(frozen=True)
class Match:
    good_practice_id: int
    title: str
    slug: str
    score: float


def similar_good_practices(
    title: str,
    *,
    among: QuerySet[GoodPractice] | None = None,
    threshold: float = SUGGEST_THRESHOLD,
    limit: int = 5,
    exclude_id: int | None = None,
) -> list[Match]:
    """Records among ``among`` (default: all) whose title looks like ``title``, best first."""
    qs = GoodPractice.objects.all() if among is None else among
    rows = qs.order_by().prefetch_related(None).values_list("id", "title", "slug")
    matches = [
        Match(pk, record_title, slug, round(similarity(title, record_title), 3))
        for pk, record_title, slug in rows
        if pk != exclude_id
    ]
    matches = [m for m in matches if m.score >= threshold]
    matches.sort(key=lambda m: (-m.score, m.title))
    return matches[:limit]
