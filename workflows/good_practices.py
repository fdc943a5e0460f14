"""Good-practice records aggregated from evaluated trials.

A record belongs to an approach "family": every ``Approach`` linked to it through
``Approach.good_practice``. Its aggregate is recomputed from the database on every call, never
incremented, so running it again (a retry, ``rebuild_good_practices``) gives the same record.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.models import Organisation

from .models import Approach, Evaluation, GoodPractice, Outcome
from .search import index as search_index

SUCCESSFUL_OUTCOMES = (Outcome.SUCCESSFUL, Outcome.PARTLY)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "good-practice"
    slug, n = base, 2
    while GoodPractice.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def good_practice_record_for(*, approach_id: int) -> GoodPractice | None:
    """Create or refresh the draft record fed by approach ``approach_id``. Returns ``None`` when
    no trial of the approach was evaluated (partly) successfully: unsuccessful evaluations are
    kept as lessons on the challenge, not published."""
    with transaction.atomic():
        approach = (
            Approach.objects.select_for_update(of=("self",))
            .select_related("challenge", "challenge__working_group", "challenge__organisation")
            .get(pk=approach_id)
        )
        successful = Evaluation.objects.filter(
            trial__approach=approach, outcome__in=SUCCESSFUL_OUTCOMES
        ).exists()
        if approach.good_practice_id is None:
            if not successful:
                return None
            challenge = approach.challenge
            now = timezone.now()
            record = GoodPractice.objects.create(
                title=approach.title,
                slug=_unique_slug(approach.title),
                working_group=challenge.working_group,
                problem=challenge.description,
                approach=approach.description,
                context=f"{challenge.region} · {challenge.organisation}",
                contact=challenge.working_group.name if challenge.working_group else "",
                created_at=now,
                updated_at=now,
            )
            Approach.objects.filter(pk=approach.pk).update(good_practice=record)
        else:
            record = approach.good_practice
        return good_practice_recompute(good_practice_id=record.pk)


def good_practice_recompute(*, good_practice_id: int) -> GoodPractice:
    """Recompute the aggregate of one record from every evaluated trial of its approaches."""
    with transaction.atomic():
        # The lock serialises concurrent evaluations of the same approach family, so the last
        # recompute sees every committed evaluation.
        record = GoodPractice.objects.select_for_update().get(pk=good_practice_id)
        evaluations = list(
            Evaluation.objects.filter(trial__approach__good_practice=record)
            .select_related("trial", "challenge")
            .order_by("created_at", "id")
        )
        challenges = {e.challenge_id: e.challenge for e in evaluations}
        durations = [
            max((e.created_at.date() - e.trial.start).days, 0)
            for e in evaluations
            if e.outcome in SUCCESSFUL_OUTCOMES
        ]
        record.trial_count = len(evaluations)
        record.success_count = sum(e.outcome == Outcome.SUCCESSFUL for e in evaluations)
        record.partial_count = sum(e.outcome == Outcome.PARTLY for e in evaluations)
        record.region_count = len({c.region_id for c in challenges.values()})
        record.typical_duration_days = int(statistics.median(durations)) if durations else None
        if not record.evidence:
            record.evidence = "\n\n".join(
                e.evidence for e in evaluations if e.outcome in SUCCESSFUL_OUTCOMES
            )
        if not record.lessons_learnt:
            record.lessons_learnt = "\n\n".join(e.lessons_learned for e in evaluations)
        record.updated_at = timezone.now()
        record.save()
        record.regions.set({c.region_id for c in challenges.values()})
        record.topics.set({c.topic_id for c in challenges.values()})
        record.target_groups.set(_target_group_ids(challenges.keys()))
        record.partners.set(
            set(
                Organisation.objects.filter(trials__evaluation__in=evaluations).values_list(
                    "id", flat=True
                )
            )
            | {c.organisation_id for c in challenges.values()}
        )
        search_index.good_practice_refresh(record.pk)
    return record


def _target_group_ids(challenge_ids) -> set[int]:
    from .models import Challenge

    through = Challenge.target_groups.through
    return set(
        through.objects.filter(challenge_id__in=list(challenge_ids)).values_list(
            "targetgroup_id", flat=True
        )
    )


def good_practices_rebuild(*, progress: Callable[[GoodPractice], None] | None = None) -> int:
    """Create the missing records (approaches with a (partly) successful evaluation and no
    record yet), then recompute every record once from the database; returns how many records
    exist. Running it twice gives the same records. ``progress`` sees each record when done."""
    missing = (
        Evaluation.objects.filter(outcome__in=SUCCESSFUL_OUTCOMES, trial__approach__good_practice=None)
        .values_list("trial__approach_id", flat=True)
        .distinct()
    )
    for approach_id in list(missing):
        good_practice_record_for(approach_id=approach_id)
    record_ids = list(GoodPractice.objects.order_by("pk").values_list("id", flat=True))
    for record_id in record_ids:
        record = good_practice_recompute(good_practice_id=record_id)
        if progress is not None:
            progress(record)
    return len(record_ids)
