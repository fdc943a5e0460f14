"""What ``workflows`` contributes to a person's data rights (registered in
``WorkflowsConfig.ready`` with ``core.personal_data``): the export of their challenges,
contributions and follows, their erasure, and the retention of events.

Erasure keeps contributions and history: the rows stay, their author is the anonymised account
("former member"); follows are deleted; where the person's name or address was written into a
text (a description, a comment, a note), it is replaced.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from core.personal_data import ErasedPerson, register, scrub_fields
from core.retention import retention_days

from .models import (
    Analysis,
    Approach,
    Challenge,
    Comment,
    Evaluation,
    Event,
    Follow,
    GoodPractice,
    TransitionLog,
    Trial,
)

TEXT_FIELDS: dict[type, list[str]] = {
    Challenge: ["title", "description", "referred_to"],
    Comment: ["body"],
    TransitionLog: ["note"],
    Analysis: ["root_causes", "affected"],
    Approach: ["title", "description"],
    Trial: ["plan", "abandoned_reason"],
    Evaluation: ["evidence", "lessons_learned"],
    GoodPractice: [
        "title", "problem", "approach", "context", "contact", "resources_cost",
        "resources_staff", "resources_time", "timescale", "evidence", "difficulties",
        "lessons_learnt", "transferability",
    ],
}


def export(person: Any) -> dict[str, Any]:
    return {
        "challenges_filed": [
            {
                "id": c.pk,
                "title": c.title,
                "description": c.description,
                "organisation": c.organisation.name,
                "state": c.state,
                "visibility": c.visibility,
                "created_at": c.created_at,
            }
            for c in Challenge.objects.filter(reporter=person)
            .select_related("organisation")
            .order_by("created_at", "id")
        ],
        "comments": [
            {"id": c.pk, "challenge_id": c.challenge_id, "body": c.body, "created_at": c.created_at}
            for c in Comment.objects.filter(author=person).order_by("created_at", "id")
        ],
        "transitions_performed": [
            {
                "challenge_id": t.challenge_id,
                "transition": t.transition,
                "from_state": t.from_state,
                "to_state": t.to_state,
                "at": t.at,
                "note": t.note,
            }
            for t in TransitionLog.objects.filter(actor=person).order_by("at", "id")
        ],
        "records_written": [
            {"kind": kind, "id": row.pk, "challenge_id": row.challenge_id, "created_at": row.created_at}
            for kind, model in (
                ("analysis", Analysis), ("approach", Approach), ("trial", Trial),
                ("evaluation", Evaluation),
            )
            for row in model.objects.filter(author=person).order_by("created_at", "id")
        ],
        "follows": [
            {"challenge_id": f.challenge_id, "since": f.created_at}
            for f in Follow.objects.filter(user=person).order_by("created_at", "id")
        ],
    }


def erase(person: ErasedPerson) -> None:
    Follow.objects.filter(user=person.user).delete()
    for model, fields in TEXT_FIELDS.items():
        scrub_fields(person, model, fields)


def prune() -> dict[str, int]:
    """Events older than ``RETENTION_EVENT_DAYS``: the digests and "recent activity" read
    only the last weeks; the transition log keeps the history."""
    cutoff = timezone.now() - datetime.timedelta(days=retention_days("RETENTION_EVENT_DAYS"))
    deleted, _per_model = Event.objects.filter(created_at__lt=cutoff).delete()
    return {"events": deleted}


def register_personal_data() -> None:
    register("workflows", export=export, erase=erase, prune=prune)
