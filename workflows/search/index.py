"""Keeps the stored search terms current. The services call ``challenge_refresh`` and
``good_practice_refresh`` inside the transaction of every change to the texts they index;
``rebuild`` (``manage.py search_reindex`` and the data migration) fills everything anew.

The vocabulary (``SearchTerm``) counts in how many documents each term occurs. A change does
not touch those shared rows: it appends one ``SearchTermDelta`` row per term gained (+1) or lost
(−1), so two transitions with common words ("Pflege", the document count) never wait on each
other (issue 14: the locked vocabulary rows serialised transitions). ``fold_vocabulary`` (beat
job ``fold-search-vocabulary``, every minute) adds the deltas to ``SearchTerm`` after the
commit; the readers see counts up to a minute old, which only nudges term weights.

On PostgreSQL a challenge's weighted ``tsvector`` lives on the challenge row itself
(``workflows_challenge.search_vector``, migration workflows 0011), beside the columns every
filter and the visibility rule read; one GIN index holds the vector and those columns
(``btree_gin``), so "search + filters" is answered inside one index, without a join. It is a column Django does not know as a
field (so no query selects it and no ``save()`` of a stale instance overwrites it): only this
module writes it (``write_challenge_vectors``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.utils import timezone

from . import vocabulary as vocabulary_copies
from .analysis import terms
from .models import Scope

DOCUMENT_COUNT = ""  # the vocabulary row that counts documents
CHALLENGE_VECTOR_COLUMN = "search_vector"  # on workflows_challenge, PostgreSQL only


MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
WEIGHTS = ("A", "B", "C")  # title, the first body text (description, problem), the rest


def _join(values: Iterable[str]) -> str:
    values = list(values)
    return f" {' '.join(values)} " if values else ""


def vector_literal(title: str, body: list[str]) -> str:
    """The weighted ``tsvector`` of a document as PostgreSQL reads it: each term once per
    field it occurs in, at the position of its first appearance there, with the field's
    weight (``'arzt':1A,12B 'anerkenn':2A``)."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, texts in zip(WEIGHTS, ([title], body[:1], body[1:]), strict=True):
        seen: set[str] = set()
        for text in texts:
            for term in terms(text or ""):
                if term in seen:
                    continue
                seen.add(term)
                position = min(position + 1, MAX_POSITION)
                positions.setdefault(term[:100], []).append(f"{position}{weight}")
    return " ".join(
        "'" + term.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(at)
        for term, at in positions.items()
    )


def challenge_texts(challenge, *, evaluations_with_trials: bool = False) -> tuple[str, list[str]]:
    """Title and every other text of a challenge that search reads. ``evaluations_with_trials``:
    the trials were read with their evaluation (``select_related``), so the evaluations are
    taken from them (each evaluation belongs to one trial of its challenge), in their order."""
    body = [challenge.description]
    analysis = getattr(challenge, "analysis", None) if _has(challenge, "analysis") else None
    if analysis is not None:
        body += [analysis.root_causes, analysis.affected]
    for approach in challenge.approaches.all():
        body += [approach.title, approach.description]
    trials = challenge.trials.all()
    for trial in trials:
        body += [trial.plan, trial.abandoned_reason]
    if evaluations_with_trials:
        evaluations = sorted(
            (trial.evaluation for trial in trials if _has(trial, "evaluation")),
            key=lambda evaluation: (evaluation.created_at, evaluation.pk),
        )
    else:
        evaluations = challenge.evaluations.all()
    for evaluation in evaluations:
        body += [evaluation.evidence, evaluation.lessons_learned]
    return challenge.title, body


GOOD_PRACTICE_TEXT_FIELDS = (
    "problem", "approach", "context", "contact", "resources_cost", "resources_staff",
    "resources_time", "timescale", "evidence", "difficulties", "lessons_learnt",
    "transferability",
)


def good_practice_texts(record) -> tuple[str, list[str]]:
    return record.title, [getattr(record, name) or "" for name in GOOD_PRACTICE_TEXT_FIELDS]


def _has(obj, name: str) -> bool:
    try:
        getattr(obj, name)
    except Exception:  # RelatedObjectDoesNotExist of a missing one-to-one row
        return False
    return True


def _entry_values(title: str, body: list[str], *, vector: bool = True) -> dict[str, str]:
    """The stored columns of one document (without ``vector`` for a challenge: its vector is
    on the challenge row, ``write_challenge_vectors``)."""
    title_terms, all_terms = _analysed(title, body)
    values = {"title_terms": _join(title_terms), "terms": _join(all_terms)}
    if vector:
        values["vector"] = vector_literal(title, body)
    return values


def write_challenge_vectors(rows: Iterable[tuple[int, str]]) -> None:
    """PostgreSQL: store each ``(challenge id, vector literal)`` on its challenge row, 500 rows
    per statement. Elsewhere there is no such column (SQLite matches the term columns)."""
    if connection.vendor != "postgresql":
        return
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s::tsvector)"] * len(chunk))
            cursor.execute(
                f"UPDATE workflows_challenge AS c SET {CHALLENGE_VECTOR_COLUMN} = v.vector "
                f"FROM (VALUES {values}) AS v(id, vector) WHERE c.id = v.id",
                [value for row in chunk for value in row],
            )


def _analysed(title: str, body: list[str]) -> tuple[list[str], list[str]]:
    title_terms = terms(title)
    all_terms = dict.fromkeys(title_terms)
    for text in body:
        for term in terms(text or ""):
            all_terms.setdefault(term, None)
    return title_terms, list(all_terms)


def _count(registry, scope: str, added: set[str], removed: set[str], new_document: bool) -> None:
    """Append the document's changes to the vocabulary as delta rows (one INSERT, no lock on
    a shared row); ``fold_vocabulary`` adds them up later."""
    SearchTermDelta = registry.get_model("workflows", "SearchTermDelta")
    if new_document:
        added = added | {DOCUMENT_COUNT}
    if not added and not removed:
        return
    SearchTermDelta.objects.bulk_create(
        [SearchTermDelta(scope=scope, term=term[:100], change=1) for term in sorted(added)]
        + [SearchTermDelta(scope=scope, term=term[:100], change=-1) for term in sorted(removed)]
    )


FOLD_BATCH = 5000  # deltas per transaction of the fold
_UPSERT_ROWS = 500  # rows per INSERT … ON CONFLICT statement


def fold_vocabulary(*, batch: int = FOLD_BATCH, registry=global_apps) -> int:
    """Add the pending ``SearchTermDelta`` rows to the vocabulary and return how many were
    folded. Each batch is one transaction that deletes the deltas it takes (``DELETE …
    RETURNING``; on PostgreSQL ``SKIP LOCKED``, so concurrent folds take disjoint rows without
    waiting) and adds their sums to ``SearchTerm`` in (scope, term) order, so folds never
    deadlock. A delta is counted exactly once however often, or however concurrently, this
    runs: the transaction that deleted it is the one that added it."""
    folded = 0
    while True:
        with transaction.atomic():
            taken = _take_deltas(batch)
            sums: Counter[tuple[str, str]] = Counter()
            for scope, term, change in taken:
                sums[(scope, term)] += change
            _add_to_vocabulary(registry, sums)
        folded += len(taken)
        if len(taken) < batch:
            return folded


def _take_deltas(batch: int) -> list[tuple[str, str, int]]:
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM workflows_searchtermdelta WHERE id IN (SELECT id FROM "
            f"workflows_searchtermdelta ORDER BY id LIMIT %s{lock}) RETURNING scope, term, change",
            [batch],
        )
        return cursor.fetchall()


def _add_to_vocabulary(registry, sums: Counter[tuple[str, str]]) -> None:
    rows = sorted((key, n) for key, n in sums.items() if n)
    if not rows:
        return
    for scope in sorted({scope for (scope, _term), _n in rows}):
        vocabulary_copies.changed(scope)  # searches re-read the counts they weigh terms by
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _UPSERT_ROWS):
            chunk = rows[start : start + _UPSERT_ROWS]
            cursor.execute(
                "INSERT INTO workflows_searchterm (scope, term, documents) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(chunk))
                + " ON CONFLICT (scope, term) DO UPDATE SET "
                "documents = workflows_searchterm.documents + EXCLUDED.documents",
                [value for (scope, term), n in chunk for value in (scope, term, n)],
            )
    # A term no document holds any more leaves the vocabulary, as in a rebuild. Only rows at
    # exactly 0: a missing row is the same as 0 to the next fold's upsert, whereas a row below
    # 0 (its −1 folded before a concurrent fold's +1) still has to meet its +1.
    SearchTerm = registry.get_model("workflows", "SearchTerm")
    touched: dict[str, list[str]] = {}
    for (scope, term), _n in rows:
        if term != DOCUMENT_COUNT:
            touched.setdefault(scope, []).append(term)
    for scope, names in touched.items():
        for start in range(0, len(names), _UPSERT_ROWS):
            SearchTerm.objects.filter(
                scope=scope, term__in=names[start : start + _UPSERT_ROWS], documents=0
            ).delete()


_UNREAD = object()


def _store(registry, model_name: str, key: str, obj, scope: str, title: str, body: list[str],
           entry=_UNREAD):
    Entry = registry.get_model("workflows", model_name)
    if entry is _UNREAD:
        entry = Entry.objects.filter(**{key: obj.pk}).only("terms").first()
    values = {**_entry_values(title, body, vector=_has_field(Entry, "vector")),
              "indexed_at": timezone.now()}
    old = set((entry.terms if entry else "").split())
    new = set(values["terms"].split())
    if (model_name == "ChallengeSearch" and entry is not None
            and connection.vendor == "postgresql" and "vector" not in values):
        # The row's vector and the entry in one statement (a transition's lock is held).
        Challenge = registry.get_model("workflows", "Challenge")
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH v AS (UPDATE {Challenge._meta.db_table} "
                f"SET {CHALLENGE_VECTOR_COLUMN} = %s::tsvector WHERE id = %s) "
                f"UPDATE {Entry._meta.db_table} SET title_terms = %s, terms = %s, "
                "indexed_at = %s WHERE challenge_id = %s",
                [vector_literal(title, body), obj.pk, values["title_terms"], values["terms"],
                 values["indexed_at"], obj.pk],
            )
    else:
        if model_name == "ChallengeSearch":
            write_challenge_vectors([(obj.pk, vector_literal(title, body))])
        if entry is None:
            Entry.objects.create(**{key: obj.pk}, **values)
        else:
            Entry.objects.filter(**{key: obj.pk}).update(**values)
    _count(registry, scope, new - old, old - new, new_document=entry is None)


def challenge_refresh(challenge_id: int, *, registry=global_apps) -> None:
    """Re-analyse one challenge (title, description, analysis, approaches, trials, lessons)."""
    Challenge = registry.get_model("workflows", "Challenge")
    # The analysis and the search entry in the same query: a transition holds the challenge's
    # row lock meanwhile, so each query saved is time every other step on it waits less.
    challenge = (
        Challenge.objects.select_related("analysis", "search_entry")
        .filter(pk=challenge_id).first()
    )
    if challenge is None:
        return
    title, body = challenge_texts(challenge)
    entry = challenge.search_entry if _has(challenge, "search_entry") else None
    _store(registry, "ChallengeSearch", "challenge_id", challenge, Scope.CHALLENGE, title, body,
           entry=entry)


def challenge_refresh_loaded(challenge, *, registry=global_apps) -> None:
    """:func:`challenge_refresh` of a challenge the caller read with its texts and search
    entry (``select_related("analysis", "search_entry")``, its approaches and its trials with
    their evaluation prefetched, all current: a transition reads them under its row lock after
    writing the step's records). Reads nothing more."""
    title, body = challenge_texts(challenge, evaluations_with_trials=True)
    entry = challenge.search_entry if _has(challenge, "search_entry") else None
    _store(registry, "ChallengeSearch", "challenge_id", challenge, Scope.CHALLENGE, title, body,
           entry=entry)


def good_practice_refresh(good_practice_id: int, *, registry=global_apps) -> None:
    """Re-analyse one good-practice record (every text field)."""
    GoodPractice = registry.get_model("workflows", "GoodPractice")
    record = GoodPractice.objects.filter(pk=good_practice_id).first()
    if record is None:
        return
    title, body = good_practice_texts(record)
    _store(
        registry, "GoodPracticeSearch", "good_practice_id", record, Scope.GOOD_PRACTICE, title, body
    )


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _challenge_vector_column_exists() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'workflows_challenge' "
            "AND column_name = %s AND table_schema = current_schema()",
            [CHALLENGE_VECTOR_COLUMN],
        )
        return cursor.fetchone() is not None


def _clear_challenge_vectors() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE workflows_challenge SET {CHALLENGE_VECTOR_COLUMN} = NULL "
                f"WHERE {CHALLENGE_VECTOR_COLUMN} IS NOT NULL"
            )


def rebuild(*, registry=global_apps, progress=None) -> dict[str, int]:
    """Analyse every challenge and good practice anew and recount the vocabulary. Running it
    twice gives the same tables."""
    Challenge = registry.get_model("workflows", "Challenge")
    GoodPractice = registry.get_model("workflows", "GoodPractice")
    SearchTerm = registry.get_model("workflows", "SearchTerm")
    try:
        SearchTermDelta = registry.get_model("workflows", "SearchTermDelta")
    except LookupError:  # the data migrations before the delta table (0013) run this too
        SearchTermDelta = None
    counts: dict[str, int] = {}
    for scope, model, entry_name, key, texts in (
        (Scope.CHALLENGE, Challenge, "ChallengeSearch", "challenge_id", challenge_texts),
        (Scope.GOOD_PRACTICE, GoodPractice, "GoodPracticeSearch", "good_practice_id",
         good_practice_texts),
    ):
        Entry = registry.get_model("workflows", entry_name)
        Entry.objects.all().delete()
        vocabulary: Counter[str] = Counter()
        batch = []
        n = 0
        queryset = model.objects.order_by("pk")
        if model is Challenge:
            queryset = queryset.select_related("analysis").prefetch_related(
                "approaches", "trials", "evaluations"
            )
        # The data migrations before 0011 run this too, when the vector was still a column of
        # the search table and the challenge row had none.
        on_row = model is Challenge and _challenge_vector_column_exists()
        entry_vector = _has_field(Entry, "vector")
        vectors: list[tuple[int, str]] = []
        if on_row:
            _clear_challenge_vectors()
        for obj in queryset.iterator(chunk_size=500):
            title, body = texts(obj)
            values = _entry_values(title, body, vector=entry_vector)
            if on_row:
                vectors.append((obj.pk, vector_literal(title, body)))
            vocabulary.update(values["terms"].split())
            batch.append(Entry(**{key: obj.pk}, **values))
            n += 1
            if len(batch) >= 500:
                Entry.objects.bulk_create(batch)
                write_challenge_vectors(vectors)
                batch, vectors = [], []
                if progress:
                    progress(scope, n)
        Entry.objects.bulk_create(batch)
        write_challenge_vectors(vectors)
        vocabulary[DOCUMENT_COUNT] = n
        # The counts just made include every change so far: pending deltas would count twice.
        if SearchTermDelta is not None:
            SearchTermDelta.objects.filter(scope=scope).delete()
        SearchTerm.objects.filter(scope=scope).delete()
        SearchTerm.objects.bulk_create(
            [SearchTerm(scope=scope, term=t[:100], documents=c) for t, c in vocabulary.items()],
            batch_size=1000,
            ignore_conflicts=True,
        )
        counts[scope] = n
        vocabulary_copies.changed(scope)
    return counts
