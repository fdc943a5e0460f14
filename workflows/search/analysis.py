"""German text analysis for search, the same for documents and queries, on every database.

``terms(text)`` lower-cases the text, splits it into words, drops stop words, splits compounds
into the parts ``lexicon.COMPOUND_PARTS`` knows, and stems every word and part with the Snowball
German stemmer (``snowballstemmer``, which also folds umlauts and ß either way: "Ärzte" and
"Aerzte" both become ``arzt``, "Straße" and "Strasse" ``strass``). The database stores these
terms; PostgreSQL indexes them with its ``simple`` configuration, SQLite matches them as words,
so both see the same terms (see README, "Search").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from .lexicon import COMPOUND_PARTS, FEMALE_ENDINGS, IRREGULAR, STOP_WORDS

WORD_RE = re.compile(r"[^\W\d_]+|\d+")
MIN_PART = 3
MIN_COMPOUND = 6
# Linking elements (Fugen) between the parts of a compound: Arbeit-s-markt, Kind-er-garten.
LINKING = ("", "s", "es", "n", "en", "e", "er", "ns")
# Consonants after which Snowball's s-ending rule removes a final "s" from some forms of a word
# but not from others ("Kurs" -> kur, "Kurse" -> kurs): the analyser drops that "s" always.
_S_ENDING = set("bdfghklmnrt")
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})

_stemmer = snowballstemmer.stemmer("german")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lower-case word, umlauts folded; female forms join the others
    ("Ärztinnen", "Ärztin" -> arzt) and a few irregular forms their word."""
    word = IRREGULAR.get(word.lower(), word.lower())
    if len(word) >= 8 and word.endswith("innen"):
        word = word[:-5]
    elif len(word) >= 6 and word.endswith(FEMALE_ENDINGS):
        word = word[:-2]
    stemmed = _stemmer.stemWord(word).translate(_UMLAUTS)
    if len(stemmed) >= 4 and stemmed[-1] == "s" and stemmed[-2] in _S_ENDING:
        stemmed = stemmed[:-1]
    elif len(stemmed) >= 5 and stemmed[-1] == "s" and stemmed[-2] in "aiouy":
        stemmed = stemmed[:-1]  # plurals of loan words: Azubis, Kitas, Autos
    return stemmed


PART_STEMS = frozenset(stem(word) for word in COMPOUND_PARTS)


def _part_base(piece: str, *, head: bool) -> str | None:
    """The lexicon stem ``piece`` stands for, or ``None``. A head (last part) is inflected
    like the whole word; other parts may carry a linking element."""
    if head:
        base = stem(piece)
        return base if len(piece) >= MIN_PART and base in PART_STEMS else None
    for linking in LINKING:
        if linking and not piece.endswith(linking):
            continue
        core = piece[: len(piece) - len(linking)] if linking else piece
        if len(core) >= MIN_PART and stem(core) in PART_STEMS:
            return stem(core)
    return None


@lru_cache(maxsize=50_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The stems of the parts of compound ``word`` (lower case), fewest parts first; ``()``
    when it is not a compound of known parts. "pflegefachkräfte" -> (pfleg, fachkraft)."""
    if len(word) < MIN_COMPOUND:
        return ()
    best: tuple[str, ...] = ()
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        left = _part_base(word[:cut], head=False)
        if left is None:
            continue
        right = word[cut:]
        head = _part_base(right, head=True)
        candidate = (left, head) if head else ((left, *split_compound(right)) if split_compound(right) else ())
        if candidate and (not best or len(candidate) < len(best)):
            best = candidate
    return best


@dataclass(frozen=True)
class WordTerms:
    """One word of a text: its own stem and the stems of its parts (and theirs)."""

    word: str
    stem: str
    parts: tuple[str, ...]


def _expand_parts(word: str) -> tuple[str, ...]:
    parts = list(split_compound(word))
    seen = set(parts)
    # A part may itself be a compound ("fachkraft" -> fach, kraft).
    for part in list(parts):
        for sub in split_compound(part):
            if sub not in seen:
                parts.append(sub)
                seen.add(sub)
    return tuple(parts)


def words(text: str) -> list[WordTerms]:
    """The words of ``text`` with their terms, stop words and one-letter words left out."""
    result = []
    for match in WORD_RE.finditer(text or ""):
        word = match.group(0).lower()
        if len(word) < 2 or word in STOP_WORDS:
            continue
        word_stem = stem(word)
        parts = tuple(p for p in _expand_parts(word) if p != word_stem)
        result.append(WordTerms(word=word, stem=word_stem, parts=parts))
    return result


def terms(text: str) -> list[str]:
    """Every distinct term of ``text`` in order of first appearance (stems and compound parts)."""
    seen: dict[str, None] = {}
    for word in words(text):
        seen.setdefault(word.stem, None)
        for part in word.parts:
            seen.setdefault(part, None)
    return list(seen)


def trigrams(term: str) -> set[str]:
    """pg_trgm's trigrams of one term (padded with two spaces in front, one behind)."""
    padded = f"  {term} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity``: shared trigrams over all trigrams of both terms."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0
