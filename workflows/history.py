"""Who changed what, when: field edits and (re)assignments of a challenge recorded with before
and after, and the one history (steps, edits, assignments) read by the page, the API and mail.

The services of ``workflows.services`` call :func:`record_changes` inside their transaction, so a
change and its record commit together or not at all (no signal, no second transaction).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from django.utils.text import capfirst

from .models import Challenge, ChallengeChange, Event, TransitionLog, Visibility

TEXT_FIELDS = ("title", "description")


def snapshot_value(value: Any) -> Any:
    """A field value as the history keeps it: text as is, a record as id and name, several
    records as a list of those (sorted by name), a choice as its stored value."""
    if value is None:
        return None
    if isinstance(value, Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return sorted(
            ({"id": item.pk, "name": str(item)} for item in value), key=lambda r: r["name"]
        )
    return value


def record_changes(
    *,
    actor: Any,
    challenge: Challenge,
    changes: dict[str, tuple[Any, Any]],
    event: Event | None,
    at: Any,
) -> list[ChallengeChange]:
    """Write one row per changed field (``field → (before, after)`` as snapshot values), tied
    to the event that announces the change. Call inside the changing service's transaction."""
    return ChallengeChange.objects.bulk_create(
        [
            ChallengeChange(
                challenge=challenge,
                actor=actor,
                at=at,
                field=name,
                before=before,
                after=after,
                event=event,
            )
            for name, (before, after) in changes.items()
        ]
    )


_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(before: str, after: str) -> list[dict[str, str]]:
    """A word-level diff: a list of ``{"op": equal|delete|insert, "text": …}`` pieces."""
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    pieces: list[dict[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append({"op": "equal", "text": "".join(old[i1:i2])})
            continue
        if op in ("delete", "replace"):
            pieces.append({"op": "delete", "text": "".join(old[i1:i2])})
        if op in ("insert", "replace"):
            pieces.append({"op": "insert", "text": "".join(new[j1:j2])})
    return pieces


def display(value: Any) -> str:
    """A snapshot value as one line of text."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(str(item.get("name", item)) if isinstance(item, dict) else str(item)
                         for item in value)
    return str(value)


@dataclass
class HistoryEntry:
    """One line of a challenge's history: a step (``kind == "transition"``) or a change of
    fields by one person at one time (``kind == "change"``, several fields at once)."""

    kind: str
    at: Any
    actor: Any
    log: TransitionLog | None = None
    changes: list[ChallengeChange] = field(default_factory=list)


def challenge_history(challenge: Challenge) -> list[HistoryEntry]:
    """Steps, edits and assignments of ``challenge`` in time order (two queries)."""
    entries = [
        HistoryEntry("transition", log.at, log.actor, log=log)
        for log in TransitionLog.objects.filter(challenge=challenge).select_related("actor")
    ]
    grouped: dict[tuple, HistoryEntry] = {}
    for change in ChallengeChange.objects.filter(challenge=challenge).select_related("actor"):
        key = (change.event_id or f"c{change.pk}", change.at, change.actor_id)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = HistoryEntry("change", change.at, change.actor)
            entries.append(entry)
        entry.changes.append(change)
    entries.sort(key=lambda e: (e.at, 0 if e.kind == "transition" else 1))
    return entries


def value_text(field_name: str, value: Any) -> str:
    """A recorded value as one line in the reader's language."""
    if field_name == "visibility" and value in Visibility.values:
        return str(Visibility(value).label)
    return display(value)


def describe_change(change: ChallengeChange) -> dict[str, Any]:
    """A recorded change as the page, the API and mail show it: the field's label, before
    and after (as stored and as text) and, for title and description, a word diff."""
    return {
        "field": change.field,
        "label": str(capfirst(Challenge._meta.get_field(change.field).verbose_name)),
        "before": change.before,
        "after": change.after,
        "before_text": value_text(change.field, change.before),
        "after_text": value_text(change.field, change.after),
        "diff": (
            text_diff(change.before or "", change.after or "")
            if change.field in TEXT_FIELDS else None
        ),
    }


def history_rows(challenge: Challenge) -> list[dict[str, Any]]:
    """The history as plain rows (the API's shape): steps with their recorded input, changes
    with before, after and diff."""
    rows = []
    for entry in challenge_history(challenge):
        log = entry.log
        rows.append(
            {
                "kind": entry.kind,
                "id": log.pk if log else entry.changes[0].pk,
                "at": entry.at,
                "actor": entry.actor,
                "transition": log.transition if log else "",
                "from_state": log.from_state if log else "",
                "to_state": log.to_state if log else "",
                "note": log.note if log else "",
                "inputs": log.inputs if log else {},
                "changes": [describe_change(c) for c in entry.changes],
            }
        )
    return rows
