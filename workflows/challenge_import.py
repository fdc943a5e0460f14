"""Coordinators bring the challenges a network already lists in a sheet into the workflow:
each row is filed through ``challenge_file`` (so it is logged, evented and checked like any
filing), all rows or none."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from core.exceptions import MissingInput, PermissionDenied
from core.models import Organisation, Region, TargetGroup, Topic
from core.sheets import ImportReport, run_import

from . import hooks, permissions, services
from .models import Visibility

COLUMNS = {
    "title": ("Titel",),
    "description": ("Beschreibung",),
    "organisation": ("Organisation", "meldende Organisation"),
    "topic": ("Thema",),
    "target_groups": ("Zielgruppen", "Zielgruppe", "target group"),
    "region": ("Region", "Landkreis"),
    "visibility": ("Sichtbarkeit",),
}
VISIBILITY = {
    "": Visibility.NETWORK, "network": Visibility.NETWORK, "netzwerk": Visibility.NETWORK,
    "restricted": Visibility.RESTRICTED, "eingeschränkt": Visibility.RESTRICTED,
    "eingeschraenkt": Visibility.RESTRICTED,
}


def _match(value: str, items, *names: str):
    value = value.strip().casefold()
    if not value:
        return None
    for item in items:
        if value in {str(getattr(item, n)).casefold() for n in names}:
            return item
    return None


def challenges_import(*, actor: Any, rows: list[dict[str, str]], commit: bool) -> ImportReport:
    """Check (``commit=False``: the preview) or file every row as a challenge of the named
    admitted organisation; any row with an error files nothing. Topics, target groups (several
    separated by ";" or ",") and regions are matched by key or German or English name. The
    people are told of an import once, with the list (``services.challenges_imported_record``).
    Raises ``PermissionDenied`` (coordinators only)."""
    if not permissions.can_import_challenges(actor):
        raise PermissionDenied(_("Only coordinators import challenges."))
    organisations = list(Organisation.objects.filter(status=Organisation.Status.ADMITTED))
    topics, regions = list(Topic.objects.all()), list(Region.objects.all())
    target_groups = list(TargetGroup.objects.all())

    def create(row: dict[str, str]):
        errors: dict[str, list[str]] = {}
        organisation = _match(row.get("organisation", ""), organisations, "name")
        if organisation is None:
            errors["organisation"] = [_("No admitted organisation of this name.")]
        groups = []
        for part in (p for p in re.split(r"[;,]", row.get("target_groups", "")) if p.strip()):
            group = _match(part, target_groups, "slug", "name_de", "name_en")
            if group is None:
                errors.setdefault("target_groups", []).append(
                    _("Unknown target group: %(name)s") % {"name": part.strip()}
                )
            else:
                groups.append(group)
        topic = _match(row.get("topic", ""), topics, "slug", "name_de", "name_en")
        if topic is None and row.get("topic", "").strip():
            errors["topic"] = [_("Unknown topic: %(name)s") % {"name": row["topic"].strip()}]
        region = _match(row.get("region", ""), regions, "slug", "name")
        if region is None and row.get("region", "").strip():
            errors["region"] = [_("Unknown region: %(name)s") % {"name": row["region"].strip()}]
        visibility = VISIBILITY.get(row.get("visibility", "").strip().casefold())
        if visibility is None:
            errors["visibility"] = [_("Either “network” or “restricted”.")]
        if errors:
            raise MissingInput(fields=errors)
        # Each filing's own event is not told: the batch is, once (see ``announce``).
        with hooks.events_quiet():
            return services.challenge_file(
                actor=actor,
                organisation=organisation,
                title=row.get("title", ""),
                description=row.get("description", ""),
                topic=topic,
                target_groups=groups,
                region=region,
                visibility=visibility,
            )

    def announce(challenges: list) -> None:
        services.challenges_imported_record(actor=actor, challenges=challenges)

    return run_import(rows, create, commit=commit, finish=announce)
