"""A text as search understands it: each word a *concept* that a document satisfies with any of
its *alternatives* (the word's stem, the other entries of its synonym or abbreviation group;
the parts of a compound are concepts of their own at half weight)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import analysis

PART_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.9
MAX_QUERY_LENGTH = 500


@dataclass(frozen=True)
class Alternative:
    terms: tuple[str, ...]  # all must occur
    weight: float = 1.0


@dataclass
class Concept:
    key: str
    weight: float
    alternatives: list[Alternative] = field(default_factory=list)

    def add(self, terms: tuple[str, ...], weight: float) -> None:
        for existing in self.alternatives:
            if existing.terms == terms:
                return
        self.alternatives.append(Alternative(terms, weight))


def concepts_of(text: str, groups: list[list[tuple[str, ...]]]) -> list[Concept]:
    """The concepts of ``text`` (its first ``MAX_QUERY_LENGTH`` characters), each with its
    synonyms' and abbreviations' entries from ``groups`` as alternatives."""
    words = analysis.words(text[:MAX_QUERY_LENGTH])
    concepts: dict[str, Concept] = {}

    def concept_for(term: str, weight: float) -> Concept:
        concept = concepts.get(term)
        if concept is None:
            concept = concepts[term] = Concept(term, weight)
            concept.add((term,), 1.0)
        else:
            concept.weight = max(concept.weight, weight)
        for entries in groups:
            if (term,) in entries:
                for entry in entries:
                    concept.add(entry, SYNONYM_WEIGHT)
        return concept

    for word in words:
        concept_for(word.stem, 1.0)
        for part in word.parts:
            concept_for(part, PART_WEIGHT)
    # A phrase of several words that is an entry of a group ("Anerkennung ausländischer
    # Abschlüsse") brings the group's other entries along.
    stems = {w.stem for w in words}
    for entries in groups:
        for entry in entries:
            if len(entry) > 1 and set(entry) <= stems:
                concept = concepts.setdefault(" ".join(entry), Concept(" ".join(entry), 1.0))
                for other in entries:
                    concept.add(other, 1.0 if other == entry else SYNONYM_WEIGHT)
    return list(concepts.values())

