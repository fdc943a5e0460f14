"""Open data: the published good practices and recommendations as a JSON and a CSV feed under
CC BY 4.0, and the import of another network's feed.

The feed's shape is documented in ``docs/open-data.md``; ``schema_version`` follows semantic
versioning (a new optional field raises the minor version, anything that breaks a reader the
major one). Each record has a stable URI: the address of its page, which never changes (the
slug is fixed when the record is created).

Import keeps where a record came from (``source_name``, ``source_url``, ``licence``) and is
keyed on the record's URI at the source (``source_uri``), so a second run updates the records
of the first instead of adding them again. Imported records arrive as drafts: a coordinator
reviews them like any other record before they join the public catalogue.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exceptions import MissingInput
from core.models import Region, TargetGroup, Topic

from . import editorial
from .models import GoodPractice
from .models_editorial import GoodPracticeVersion, Recommendation
from .search import index as search_index

SCHEMA_VERSION = "1.0"
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
MAX_FEED_BYTES = 20 * 1024 * 1024
CSV_COLUMNS = [
    "uri", "title", "problem", "approach", "context", "target_groups", "topics", "regions",
    "partners", "contact", "resources_cost", "resources_staff", "resources_time", "timescale",
    "evidence", "difficulties", "lessons_learnt", "transferability", "trials",
    "successful_trials", "partly_successful_trials", "regions_with_trials",
    "typical_duration_days", "published_at", "updated_at", "source_name", "source_url",
    "licence", "schema_version",
]


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def good_practice_uri(record: GoodPractice) -> str:
    return _absolute(reverse("good-practice-detail", args=[record.slug]))


def recommendation_uri(recommendation: Recommendation) -> str:
    return _absolute(reverse("recommendation-detail", args=[recommendation.slug]))


def _terms(items) -> list[dict[str, str]]:
    return [{"slug": item.slug, "name": item.name} for item in items]


def _published_records():
    return (
        GoodPractice.objects.filter(status=GoodPractice.Status.PUBLISHED)
        .prefetch_related("regions", "target_groups", "topics", "partners")
        .order_by("published_at", "id")
    )


def _record_json(record: GoodPractice) -> dict[str, Any]:
    return {
        "uri": good_practice_uri(record),
        "title": record.title,
        "problem": record.problem,
        "approach": record.approach,
        "context": record.context,
        "target_groups": _terms(record.target_groups.all()),
        "topics": _terms(record.topics.all()),
        "regions": _terms(record.regions.all()),
        "partners": [p.name for p in record.partners.all()],
        "contact": record.contact,
        "resources": {
            "cost": record.resources_cost,
            "staff": record.resources_staff,
            "time": record.resources_time,
        },
        "timescale": record.timescale,
        "evidence": record.evidence,
        "difficulties": record.difficulties,
        "lessons_learnt": record.lessons_learnt,
        "transferability": record.transferability,
        "trials": {
            "count": record.trial_count,
            "successful": record.success_count,
            "partly_successful": record.partial_count,
            "regions": record.region_count,
            "typical_duration_days": record.typical_duration_days,
        },
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "updated_at": record.updated_at.isoformat(),
        "source": (
            {"name": record.source_name, "url": record.source_url, "uri": record.source_uri,
             "licence": record.licence}
            if record.source_name else None
        ),
    }


def feed() -> dict[str, Any]:
    """The JSON feed: every published good practice and recommendation (a constant number of
    queries: records with their four relations, recommendations with their target group and
    cited records)."""
    records = list(_published_records())
    recommendations = (
        Recommendation.objects.filter(status=Recommendation.Status.PUBLISHED)
        .select_related("target_group")
        .prefetch_related("good_practices")
        .order_by("published_at", "id")
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "schema": _absolute("/open-data/") + "#schema",
        "publisher": {"name": settings.NETWORK_NAME, "url": settings.SITE_URL},
        "licence": LICENCE,
        "attribution": _("Source: %(network)s, licensed under CC BY 4.0.")
        % {"network": settings.NETWORK_NAME},
        "generated_at": timezone.now().isoformat(),
        "good_practices": [_record_json(r) for r in records],
        "recommendations": [
            {
                "uri": recommendation_uri(rec),
                "title": rec.title,
                "target_group": {"slug": rec.target_group.slug, "name": rec.target_group.name},
                "text": rec.text,
                "good_practices": [
                    good_practice_uri(r) for r in rec.good_practices.all()
                    if r.status == GoodPractice.Status.PUBLISHED
                ],
                "published_at": rec.published_at.isoformat() if rec.published_at else None,
                "updated_at": rec.updated_at.isoformat(),
            }
            for rec in recommendations
        ],
    }


def feed_csv() -> str:
    """The good practices of the feed as CSV, one row per record; lists are joined with "; "
    and every row names the licence and the schema version."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    licence = f"{LICENCE['name']} {LICENCE['url']}"
    for record in _published_records():
        row = _record_json(record)
        writer.writerow({
            **{k: row[k] for k in (
                "uri", "title", "problem", "approach", "context", "contact", "timescale",
                "evidence", "difficulties", "lessons_learnt", "transferability",
                "published_at", "updated_at",
            )},
            "target_groups": "; ".join(t["name"] for t in row["target_groups"]),
            "topics": "; ".join(t["name"] for t in row["topics"]),
            "regions": "; ".join(t["name"] for t in row["regions"]),
            "partners": "; ".join(row["partners"]),
            "resources_cost": record.resources_cost,
            "resources_staff": record.resources_staff,
            "resources_time": record.resources_time,
            "trials": record.trial_count,
            "successful_trials": record.success_count,
            "partly_successful_trials": record.partial_count,
            "regions_with_trials": record.region_count,
            "typical_duration_days": record.typical_duration_days or "",
            "source_name": record.source_name,
            "source_url": record.source_url,
            "licence": record.licence or licence,
            "schema_version": SCHEMA_VERSION,
        })
    return out.getvalue()


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def read_feed(location: str) -> dict[str, Any]:
    """Load a feed from an http(s) address or a file. Raises ``MissingInput`` when it cannot
    be read or is not a feed of a schema version 1.x."""
    try:
        if location.startswith(("http://", "https://")):
            with urllib.request.urlopen(location, timeout=30) as response:  # noqa: S310
                raw = response.read(MAX_FEED_BYTES + 1)
        else:
            raw = Path(location).read_bytes()
        if len(raw) > MAX_FEED_BYTES:
            raise ValueError("too large")
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise MissingInput(_("The feed could not be read: %(error)s") % {"error": exc}) from None
    version = str(data.get("schema_version", "")) if isinstance(data, dict) else ""
    if not version.startswith("1.") or not isinstance(data.get("good_practices"), list):
        raise MissingInput(_("This is not a good-practice feed of schema version 1."))
    return data


def _text(item: dict, key: str, limit: int | None = None) -> str:
    value = item.get(key) or ""
    value = value if isinstance(value, str) else str(value)
    return value[:limit] if limit else value


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "good-practice"
    slug, n = base, 2
    while GoodPractice.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def good_practices_import(*, data: dict[str, Any], source_url: str = "") -> ImportResult:
    """Create or update one draft record per good practice of ``data`` (a feed read by
    :func:`read_feed`), keyed on its URI at the source; the source's name, address and licence
    stay on each record, and each created or changed record gets a version. All or nothing:
    an invalid item (no URI or title) raises ``MissingInput`` and nothing is imported."""
    publisher = data.get("publisher") or {}
    source_name = _text(publisher, "name", 200) or source_url[:200]
    licence_info = data.get("licence") or {}
    licence = (
        f"{_text(licence_info, 'name')} {_text(licence_info, 'url')}".strip()[:200]
        if isinstance(licence_info, dict) else str(licence_info)[:200]
    )
    items = data["good_practices"]
    errors = {
        f"good_practices[{i}]": [_("Each record needs a “uri” and a “title”.")]
        for i, item in enumerate(items)
        if not isinstance(item, dict) or not _text(item, "uri") or not _text(item, "title")
    }
    if errors:
        raise MissingInput(fields=errors)
    topics = {t.slug: t.pk for t in Topic.objects.all()}
    regions = {r.slug: r.pk for r in Region.objects.all()}
    target_groups = {t.slug: t.pk for t in TargetGroup.objects.all()}

    def known(values, lookup) -> list[int]:
        slugs = [v.get("slug") for v in values or [] if isinstance(v, dict)]
        return sorted({lookup[s] for s in slugs if s in lookup})

    created = updated = unchanged = 0
    with transaction.atomic():
        for item in items:
            uri = _text(item, "uri", 500)
            resources = item.get("resources") if isinstance(item.get("resources"), dict) else {}
            partners = [p for p in item.get("partners") or [] if isinstance(p, str)]
            context = _text(item, "context")
            if partners:
                context = (context + "\n\n" if context else "") + _("Partners: %(names)s") % {
                    "names": ", ".join(partners)
                }
            fields = {
                "title": _text(item, "title", 200),
                "problem": _text(item, "problem"),
                "approach": _text(item, "approach"),
                "context": context,
                "contact": _text(item, "contact", 200),
                "resources_cost": _text(resources, "cost"),
                "resources_staff": _text(resources, "staff"),
                "resources_time": _text(resources, "time"),
                "timescale": _text(item, "timescale", 200),
                "evidence": _text(item, "evidence"),
                "difficulties": _text(item, "difficulties"),
                "lessons_learnt": _text(item, "lessons_learnt"),
                "transferability": _text(item, "transferability"),
            }
            relations = {
                "topics": known(item.get("topics"), topics),
                "regions": known(item.get("regions"), regions),
                "target_groups": known(item.get("target_groups"), target_groups),
            }
            source = {
                "source_name": source_name,
                "source_url": uri if uri.startswith(("http://", "https://")) else source_url,
                "licence": licence,
            }
            record = GoodPractice.objects.select_for_update().filter(source_uri=uri).first()
            if record is None:
                now = timezone.now()
                record = GoodPractice.objects.create(
                    slug=_unique_slug(fields["title"]), source_uri=uri, created_at=now,
                    updated_at=now, **fields, **source,
                )
                before: dict[str, Any] = {}
            else:
                before = editorial.snapshot(record)
                for name, value in {**fields, **source}.items():
                    setattr(record, name, value)
            for name, ids in relations.items():
                getattr(record, name).set(ids)
            changed = editorial.changes_between(before, editorial.snapshot(record))
            if before:
                if changed:
                    record.updated_at = timezone.now()
                record.save()
            if not before:
                created += 1
            elif changed:
                updated += 1
            else:
                unchanged += 1
            if changed:
                search_index.good_practice_refresh(record.pk)
                editorial.version_record(
                    good_practice=record, kind=GoodPracticeVersion.Kind.IMPORTED, before=before,
                    note=source["source_url"] or source_name,
                )
    return ImportResult(created=created, updated=updated, unchanged=unchanged)
