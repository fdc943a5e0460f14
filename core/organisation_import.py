"""Coordinators bring the network's existing partner list in from a sheet: each row becomes an
admitted organisation (they are partners already), all rows or none."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.exceptions import MissingInput, PermissionDenied
from core.models import Organisation, Region
from core.sheets import ImportReport, run_import

COLUMNS = {
    "name": ("Name", "Organisation"),
    "kind": ("Art", "Typ", "type"),
    "region": ("Region", "Landkreis"),
    "website": ("Webseite", "Website", "url"),
    "description": ("Beschreibung",),
    "contact_email": ("E-Mail", "Email", "Kontakt", "contact"),
}


def _kind(value: str) -> str | None:
    value = value.strip().casefold()
    for kind in Organisation.Kind:
        if value in {kind.value, str(kind.label).casefold()}:
            return kind.value
    return None


def _region(value: str, regions: list[Region]) -> Region | None:
    value = value.strip().casefold()
    return next((r for r in regions if value in {r.slug, r.name.casefold()}), None)


def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    region: Region | None,
    website: str = "",
    description: str = "",
    contact_email: str = "",
) -> Organisation:
    """Add an organisation that already belongs to the network, admitted at once (coordinators
    only). Raises ``PermissionDenied``, ``MissingInput`` (missing or unknown name, kind or
    region, a name already known, a bad address)."""
    if not permissions.can_admit_organisation(actor):
        raise PermissionDenied(_("Only coordinators admit organisations."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > 200:
        errors["name"] = [_("At most %(max)d characters.") % {"max": 200}]
    elif Organisation.objects.filter(name__iexact=name).exists():
        errors["name"] = [_("An organisation of this name is already in the network or has applied.")]
    if kind not in Organisation.Kind.values:
        errors["kind"] = [_("Choose a kind of organisation.")]
    if region is None:
        errors["region"] = [_("Choose a region.")]
    if website:
        try:
            URLValidator()(website)
        except ValidationError:
            errors["website"] = [_("Enter a valid web address.")]
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid email address.")]
    if errors:
        raise MissingInput(fields=errors)
    with transaction.atomic():
        return Organisation.objects.create(
            name=name, kind=kind, region=region, website=website, description=description,
            contact_email=contact_email, status=Organisation.Status.ADMITTED,
            admitted_at=timezone.now(),
        )


def organisations_import(
    *, actor: Any, rows: list[dict[str, str]], commit: bool
) -> ImportReport:
    """Check (``commit=False``: the preview) or import every row as an admitted organisation;
    any row with an error imports nothing. Raises ``PermissionDenied``."""
    if not permissions.can_admit_organisation(actor):
        raise PermissionDenied(_("Only coordinators admit organisations."))
    regions = list(Region.objects.all())

    def create(row: dict[str, str]) -> Organisation:
        return organisation_create(
            actor=actor,
            name=row.get("name", ""),
            kind=_kind(row.get("kind", "")) or row.get("kind", ""),
            region=_region(row.get("region", ""), regions),
            website=row.get("website", ""),
            description=row.get("description", ""),
            contact_email=row.get("contact_email", ""),
        )

    return run_import(rows, create, commit=commit)
