"""From what someone typed to a filtered, ranked queryset.

A query is analysed like a document (``analysis``). Each word becomes a *concept* that a
document satisfies with any of its *alternatives*: the word's own stem, the other entries of
its synonym or abbreviation group, and, for a word the vocabulary does not know, the most
similar known terms (trigram similarity: typos). The parts of a compound are concepts of their
own at half weight, so "Pflegefachkräfte" also finds "Fachkräfte in der Pflege".

A document matches when it holds any alternative of any concept. Its rank adds, per concept,
the best of its alternatives, weighted by where it occurs (title 3, elsewhere 1) and by how rare
the term is (inverse document frequency from the vocabulary). On PostgreSQL every test reads the
stored weighted ``tsvector`` (``index.vector_literal``; weight A is the title): matching is
``vector @@ tsquery`` through its GIN index, and the rank's "in the title" is the weight-restricted
``'term':A`` — a lookup in the vector, not a scan of text. A challenge's vector is a column of
the challenge row (``expressions.ChallengeVector``), so the GIN index and the filters' B-tree
indexes meet in one table. SQLite matches the same terms as space-delimited words in the term
columns. Both compute the same rank, so both give the same order.

Suggestions (``apply_capped``) rank only a few candidates: those holding the rarest concepts of
the text (up to ``CANDIDATE_BUDGET`` documents by the vocabulary's counts; the next rarest when
those match nothing the caller may see), of which PostgreSQL
reads at most ``SCAN`` and keeps ``CANDIDATES`` (title matches first, then the newest) for the
finer rank. Lists by relevance (``apply_best``) do the same with every concept: on PostgreSQL
they rank ``BEST_RESULTS`` matches, so their cost no longer grows with the number of matches.
Their candidates are a literal id list whose length is the count (``CappedQuerySet``).

Preparing a query reads no table while this process holds the current synonym groups and the
counts of its words (``synonyms``, ``vocabulary``: process-local copies under a version in
Django's cache). The other modules of search: ``concepts`` (words to concepts), ``expressions``
(the PostgreSQL vector tests), ``highlight`` (snippets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Case, Expression, F, FloatField, Q, QuerySet, Value, When
from django.utils.safestring import SafeString

from . import analysis, local_cache, synonyms, vocabulary
from .capped import with_known_count
from .concepts import PART_WEIGHT, SYNONYM_WEIGHT, Alternative, Concept, concepts_of  # noqa: F401
from .expressions import ChallengeVector, VectorMatch
from .highlight import highlight
from .index import DOCUMENT_COUNT
from .models import Scope

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
TYPO_WEIGHT = 0.8
MAX_TYPO_LOOKUPS = 3  # one query each the first time this process meets the word
# Capped searches (suggestions): candidates from the rarest concepts up to about this many
# documents, of which at most SCAN are read and CANDIDATES get the finer rank.
CANDIDATE_BUDGET = 2_000
CANDIDATES = 200
# At most this many matching documents are read for a capped search (suggestions, lists by
# relevance), whatever the network's size; a list by relevance shows BEST_RESULTS of them.
SCAN = 500
BEST_RESULTS = 200
BROAD_SHARE = 0.1  # a capped search this broad reads rows instead of the GIN index
# A capped search whose rarest concepts match nothing tries the next rarest this many times.
WIDENINGS = 2


@dataclass
class PreparedQuery:
    """A query ready to narrow and rank querysets of its scope (and to mark snippets)."""

    scope: str
    concepts: list[Concept]
    idf: dict[str, float]
    df: dict[str, int] = field(default_factory=dict)  # documents holding each term
    documents: int = 0  # documents of the scope (the vocabulary's count)

    @property
    def empty(self) -> bool:
        return not self.concepts

    def terms(self) -> set[str]:
        return {t for c in self.concepts for a in c.alternatives for t in a.terms}

    def _alt_idf(self, alternative: Alternative) -> float:
        return sum(self.idf.get(t, 0.0) for t in alternative.terms) / len(alternative.terms)

    def vector(self, prefix: str) -> Expression:
        """PostgreSQL: the stored weighted vector of the queryset's documents."""
        if self.scope == Scope.CHALLENGE:
            return ChallengeVector()
        return F(f"{prefix}vector")

    def _condition(self, prefix: str, column: str, alternative: Alternative) -> Q | Expression:
        """The document holds every term of ``alternative`` (in its title: ``title_terms``)."""
        if connection.vendor == "postgresql":
            restrict = ":A" if column == "title_terms" else ""
            return VectorMatch(
                self.vector(prefix),
                " & ".join(f"'{t}'{restrict}" for t in alternative.terms),
            )
        return reduce(
            lambda a, b: a & b,
            (Q(**{f"{prefix}{column}__contains": f" {t} "}) for t in alternative.terms),
        )

    def rank_expression(self, prefix: str) -> Expression:
        total: Expression = Value(0.0, output_field=FloatField())
        for concept in self.concepts:
            options = []
            for alternative in concept.alternatives:
                base = concept.weight * alternative.weight * self._alt_idf(alternative)
                if base <= 0:
                    continue
                options.append((base * TITLE_WEIGHT, "title_terms", alternative))
                options.append((base * BODY_WEIGHT, "terms", alternative))
            if not options:
                continue
            options.sort(key=lambda o: -o[0])
            # One test first: most documents of a broad match lack most concepts, and then
            # that one test is all they cost. A document that passes it holds some
            # alternative anywhere, so when every better option failed the last one (the
            # lowest score, always an "anywhere" one) holds: it needs no test of its own.
            held = self._held(prefix, [alt for _score, column, alt in options
                                       if column == "terms"])
            total = total + Case(
                When(~held, then=Value(0.0)),
                *[
                    When(self._condition(prefix, column, alt), then=Value(round(score, 4)))
                    for score, column, alt in options[:-1]
                ],
                default=Value(round(options[-1][0], 4)),
                output_field=FloatField(),
            )
        return total

    def _held(self, prefix: str, alternatives: list[Alternative]) -> Q | Expression:
        """The document holds any of ``alternatives`` anywhere (title included)."""
        if connection.vendor == "postgresql":
            return VectorMatch(self.vector(prefix), " | ".join(
                "(" + " & ".join(f"'{t}'" for t in a.terms) + ")" for a in alternatives
            ))
        return reduce(or_, (self._condition(prefix, "terms", a) for a in alternatives))

    def _match_sets(self, concepts: list[Concept] | None) -> list[tuple[str, ...]]:
        """The term sets any of which makes a document match one of ``concepts``."""
        concepts = self.concepts if concepts is None else concepts
        return list(dict.fromkeys(a.terms for c in concepts for a in c.alternatives))

    def tsquery(self, concepts: list[Concept] | None = None) -> str:
        """PostgreSQL: any match of any of ``concepts`` (all by default)."""
        return " | ".join(
            "(" + " & ".join(f"'{t}'" for t in terms) + ")"
            for terms in self._match_sets(concepts)
        )

    def match_expression(self, prefix: str, concepts: list[Concept] | None = None, *,
                         indexed: bool = True) -> Q | Expression:
        sets = self._match_sets(concepts)
        if not sets:
            return Q(pk__in=[])
        if connection.vendor == "postgresql":
            return VectorMatch(self.vector(prefix), self.tsquery(concepts), indexed=indexed)
        return reduce(or_, (self._condition(prefix, "terms", Alternative(t)) for t in sets))

    def apply(self, queryset: QuerySet, *, prefix: str = "search_entry__") -> QuerySet:
        """``queryset`` narrowed to matching rows, annotated with ``search_rank``."""
        if self.empty:
            return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
        return queryset.filter(self.match_expression(prefix)).annotate(
            search_rank=self.rank_expression(prefix)
        )

    def candidate_concepts(self, budget: int, among: list[Concept] | None = None) -> list[Concept]:
        """The rarest matching concepts (of ``among``, default all) whose documents together
        stay within ``budget`` (by the vocabulary's counts, at least the rarest one): the
        candidates of a capped search. A document that holds only commoner words of a long
        text is rarely what it is about."""
        def documents(c: Concept) -> int:
            return sum(min(self.df.get(t, 0) for t in a.terms) for a in c.alternatives)

        matching = sorted(self.concepts if among is None else among,
                          key=lambda c: (documents(c), c.key))
        chosen: list[Concept] = []
        total = 0
        for concept in matching:
            n = documents(concept)
            if chosen and total + n > budget:
                break
            chosen.append(concept)
            total += n
        return chosen

    def apply_capped(
        self, queryset: QuerySet, *, candidates: int | None = None, budget: int | None = None,
        prefix: str = "search_entry__",
    ) -> QuerySet:
        """Like ``apply`` for a few best matches (suggestions): only documents of the rarest
        concepts (``candidate_concepts``) are candidates; on PostgreSQL at most ``SCAN`` of
        them are read and ``candidates`` of those (``_best_of``) get the finer rank
        (``search_rank``).

        The rarest concepts may match nothing the caller can see: a compound's parts that no
        document holds together, a word only another organisation's restricted challenges
        hold. Then the next rarest of the others are tried, up to ``WIDENINGS`` times (each
        try one bounded read), so the text's other words still suggest something."""
        if self.empty:
            return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
        candidates = CANDIDATES if candidates is None else candidates
        budget = CANDIDATE_BUDGET if budget is None else budget
        remaining = list(self.concepts)
        for _try in range(WIDENINGS + 1):
            concepts = self.candidate_concepts(budget, among=remaining)
            remaining = [c for c in remaining if c not in concepts]
            if connection.vendor == "postgresql":
                narrowed = self._best_of(queryset, concepts, candidates, prefix)
                if not remaining or narrowed.known_count():
                    break
            else:
                narrowed = queryset.filter(self.match_expression(prefix, concepts))
                if not remaining or narrowed.exists():
                    break
        return narrowed.annotate(search_rank=self.rank_expression(prefix))

    def apply_best(self, queryset: QuerySet, *, limit: int | None = None,
                   prefix: str = "search_entry__") -> QuerySet:
        """Like ``apply`` for a list ordered by relevance: on PostgreSQL only ``limit``
        (``BEST_RESULTS``) candidates of at most ``SCAN`` matches (``_best_of``) get the finer
        rank and are the result. A search of up to ``limit`` matches is ranked whole, as by
        ``apply``; a broad one costs the same at a million documents as at ten thousand.
        Elsewhere (SQLite) the same as ``apply``."""
        if self.empty or connection.vendor != "postgresql":
            return self.apply(queryset, prefix=prefix)
        limit = BEST_RESULTS if limit is None else limit
        return self._best_of(queryset, None, limit, prefix).annotate(
            search_rank=self.rank_expression(prefix)
        )

    def broad(self, concepts: list[Concept] | None = None) -> bool:
        """Whether, by the vocabulary's counts, at least ``BROAD_SHARE`` of the documents may
        match ``concepts``. The GIN index then has to merge posting lists of hundreds of
        thousands of rows before a capped scan could stop; reading rows in the filters' order
        and testing each vector finds ``SCAN`` matches after a few thousand rows."""
        if not self.documents:
            return False
        holding = sum(
            min(self.df.get(t, 0) for t in terms) for terms in self._match_sets(concepts)
        )
        return holding >= BROAD_SHARE * self.documents

    def _best_of(self, queryset: QuerySet, concepts: list[Concept] | None, candidates: int,
                 prefix: str) -> QuerySet:
        """PostgreSQL: ``queryset`` narrowed to ``candidates`` of at most ``SCAN`` documents
        matching ``concepts``: those holding a concept in their title first, then the newest.
        One query reads the scan without an order (it stops after ``SCAN`` rows of the index's
        bitmap) with one title test per row; the candidates' ids are then a literal list, so
        counting and paging them repeats none of that work, and only they get the finer
        rank. Every match of a smaller search is a candidate, so its ranking is ``apply``'s."""
        title = " | ".join(
            "(" + " & ".join(f"'{t}':A" for t in terms) + ")"
            for terms in self._match_sets(concepts)
        )
        scanned = list(
            queryset.filter(
                self.match_expression(prefix, concepts, indexed=not self.broad(concepts))
            )
            .order_by()
            .annotate(in_title=VectorMatch(self.vector(prefix), title))
            .values_list("pk", "in_title")[:SCAN]
        )
        scanned.sort(key=lambda row: (not row[1], -row[0]))
        ids = list(dict.fromkeys(pk for pk, _in_title in scanned))[:candidates]
        # Every filter is already in ``queryset``: the candidates are exactly its rows now.
        return with_known_count(queryset.filter(pk__in=ids), len(ids))

    def snippet(self, text: str, *, words: int = 30) -> SafeString:
        """An escaped excerpt of ``text`` around the first match, matches in ``<mark>``."""
        return highlight(text, self.terms(), words=words)


def synonym_groups() -> synonyms.Groups:
    """The synonym groups as ``prepare`` reads them (pass them on to ``prepare`` to analyse
    several texts with one read; no query while this process holds them)."""
    return synonyms.synonym_groups()


def prepare(text: str, *, scope: str = Scope.CHALLENGE, max_concepts: int | None = None,
            title: str = "", typos: bool = True,
            groups: synonyms.Groups | None = None) -> PreparedQuery:
    """Analyse ``text`` (and, for suggestions, a ``title`` weighted double) into concepts with
    their term weights; ``max_concepts`` keeps only the most telling ones (the rarest);
    ``typos`` looks up similar terms for unknown words (at most ``MAX_TYPO_LOOKUPS``).
    Reads the synonyms and the vocabulary only where this process holds no current copy."""
    counts_of = vocabulary.copy_name(scope)
    versions = local_cache.versions(counts_of, *([synonyms.COPY] if groups is None else []))
    if groups is None:
        groups = synonyms.synonym_groups(versions[synonyms.COPY])
    concepts = concepts_of(f"{title} {text}" if title else text, groups)
    if title:
        title_stems = {w.stem for w in analysis.words(title)}
        for concept in concepts:
            if concept.key in title_stems:
                concept.weight *= 2
    wanted = {t for c in concepts for a in c.alternatives for t in a.terms}
    known = vocabulary.document_counts(scope, [*sorted(wanted), DOCUMENT_COUNT],
                                       version=versions[counts_of])
    # Typos: a whole word the vocabulary does not know gains its nearest known terms.
    unknown = [
        c for c in concepts
        if typos and c.weight >= 1.0 and len(c.key) >= 4 and " " not in c.key
        and not known.get(c.key)
    ]
    for concept in unknown[:MAX_TYPO_LOOKUPS]:
        for term, sim in vocabulary.similar_terms(scope, concept.key,
                                                  version=versions[counts_of]):
            concept.add((term,), TYPO_WEIGHT * sim)
    missing = {t for c in concepts for a in c.alternatives for t in a.terms} - known.keys()
    if missing:
        known.update(vocabulary.document_counts(scope, sorted(missing),
                                                version=versions[counts_of]))
    total = max(known.get(DOCUMENT_COUNT) or 0, 1)

    def idf(term: str) -> float:
        df = known.get(term) or 0
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    idfs = {t: idf(t) for c in concepts for a in c.alternatives for t in a.terms}
    if max_concepts is not None and len(concepts) > max_concepts:
        # Only concepts some document holds can tell documents apart.
        def telling(c: Concept) -> float:
            present = [idfs[a.terms[0]] for a in c.alternatives if known.get(a.terms[0])]
            return c.weight * max(present) if present else 0.0

        concepts = sorted(concepts, key=telling, reverse=True)[:max_concepts]
        concepts = [c for c in concepts if telling(c) > 0]
    frequencies = {t: known.get(t) or 0 for t in idfs}
    return PreparedQuery(scope=scope, concepts=concepts, idf=idfs, df=frequencies,
                         documents=known.get(DOCUMENT_COUNT) or 0)


__all__ = [
    "Alternative",
    "ChallengeVector",
    "Concept",
    "PreparedQuery",
    "VectorMatch",
    "highlight",
    "prepare",
    "synonym_groups",
]
