"""The challenge list's rows rendered from plain values (issue 14).

Profiled on a 10,000-challenge network (pyinstrument and CPU timers, a page of 50), the list
spent ~15 ms of CPU building six model instances per row and ~14 ms more in the nested
``ChallengeListSerializer``, against ~3 ms for the query itself. Here the page is read with
``values()`` (the same joins, one query) and its target groups with one query on the
through table; each row is a dict built directly. ``ChallengeListSerializer`` stays the
schema's declaration of the row, and ``tests/api/test_list_rows.py`` holds both to the same
output.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core.models import english_names
from workflows.models import Challenge

COLUMNS = (
    "id",
    "title",
    "topic_id",
    "topic__slug",
    "topic__name_de",
    "topic__name_en",
    "region_id",
    "region__slug",
    "region__name",
    "region__kind",
    "visibility",
    "organisation_id",
    "organisation__name",
    "reporter_id",
    "reporter__display_name",
    "working_group_id",
    "working_group__slug",
    "working_group__name",
    "state",
    "state_entered_at",
    "created_at",
    "updated_at",
)



def _datetime_renderer():
    """DRF's ``DateTimeField`` output (ISO 8601 in the current time zone, "Z" for UTC), with
    the time zone looked up once per page: DRF looks it up per value, a fifth of the list's
    CPU in the profile."""
    zone = timezone.get_current_timezone()

    def render(value):
        if not value:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return render


def list_values(queryset: QuerySet[Challenge]) -> QuerySet:
    """``queryset`` (visible, filtered, ordered challenges) as the values one list row shows:
    its joins stay one query, its rows are dicts."""
    return queryset.prefetch_related(None).values(*COLUMNS)


def _target_groups_of(ids: list[int], english: bool) -> dict[int, list[dict[str, Any]]]:
    """The target groups of the challenges ``ids`` in one query, each challenge's in the
    order of ``TargetGroup.Meta.ordering`` (as the prefetch gave them)."""
    through = Challenge.target_groups.through
    rows = (
        through.objects.filter(challenge_id__in=ids)
        .order_by("targetgroup__name_de", "targetgroup_id")
        .values_list(
            "challenge_id",
            "targetgroup_id",
            "targetgroup__slug",
            "targetgroup__name_de",
            "targetgroup__name_en",
        )
    )
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for challenge_id, pk, slug, name_de, name_en in rows:
        groups[challenge_id].append(
            {
                "id": pk,
                "slug": slug,
                "name": name_en if english else name_de,
                "name_de": name_de,
                "name_en": name_en,
            }
        )
    return groups


def render_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON of ``ChallengeListSerializer`` for rows of ``list_values`` (+1 query: the
    target groups of the whole page)."""
    rows = list(rows)
    if not rows:
        return []
    english = english_names()  # TranslatedName.name's rule, decided once per page
    groups = _target_groups_of([row["id"] for row in rows], english)
    when = _datetime_renderer()
    rendered = []
    for row in rows:
        group_id = row["working_group_id"]
        rendered.append(
            {
                "id": row["id"],
                "title": row["title"],
                "topic": {
                    "id": row["topic_id"],
                    "slug": row["topic__slug"],
                    "name": row["topic__name_en"] if english else row["topic__name_de"],
                    "name_de": row["topic__name_de"],
                    "name_en": row["topic__name_en"],
                },
                "target_groups": groups.get(row["id"], []),
                "region": {
                    "id": row["region_id"],
                    "slug": row["region__slug"],
                    "name": row["region__name"],
                    "kind": row["region__kind"],
                },
                "visibility": row["visibility"],
                "organisation": {"id": row["organisation_id"], "name": row["organisation__name"]},
                "reporter": {
                    "id": row["reporter_id"],
                    "display_name": row["reporter__display_name"],
                },
                "working_group": None
                if group_id is None
                else {
                    "id": group_id,
                    "slug": row["working_group__slug"],
                    "name": row["working_group__name"],
                },
                "state": row["state"],
                "state_entered_at": when(row["state_entered_at"]),
                "created_at": when(row["created_at"]),
                "updated_at": when(row["updated_at"]),
            }
        )
    return rendered
