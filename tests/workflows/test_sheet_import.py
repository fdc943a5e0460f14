"""Importing challenges and organisations from a CSV or Excel sheet: every row checked in a
preview, per-row errors, all rows or none."""

import io

import pytest
from openpyxl import Workbook

from core import organisation_import
from core.exceptions import MissingInput, PermissionDenied
from core.models import Organisation
from core.sheets import read_rows
from workflows import challenge_import
from workflows.models import Challenge, Event, TransitionLog

pytestmark = pytest.mark.django_db

CHALLENGES_CSV = (
    "Titel;Beschreibung;Organisation;Thema;Zielgruppen;Region;Sichtbarkeit\n"
    "Wartezeiten;Verfahren dauern lange;IHK Magdeburg;recognition;Arbeitgeber, Familien;magdeburg;\n"
    "Wohnungen fehlen;Kaum Wohnraum;Stadt Halle;Wohnen;employers;Halle (Saale);eingeschränkt\n"
)


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_read_rows_from_csv_and_excel():
    rows = read_rows("liste.csv", CHALLENGES_CSV.encode("utf-8-sig"), challenge_import.COLUMNS)
    assert rows[0]["title"] == "Wartezeiten" and rows[1]["visibility"] == "eingeschränkt"
    xlsx = _xlsx([["title", "description", "organisation"], ["A", "B", None]])
    assert read_rows("liste.xlsx", xlsx, challenge_import.COLUMNS) == [
        {"title": "A", "description": "B", "organisation": ""}
    ]
    # Windows-1252 from an old spreadsheet program, comma-separated.
    legacy = "Titel,Beschreibung\nÄrger,Größe\n".encode("cp1252")
    assert read_rows("alt.csv", legacy, challenge_import.COLUMNS)[0]["title"] == "Ärger"
    for name, content in (("liste.pdf", b"x"), ("leer.csv", b""), ("kaputt.xlsx", b"nope"),
                          ("fremd.csv", b"foo;bar\n1;2\n")):
        with pytest.raises(MissingInput) as error:
            read_rows(name, content, challenge_import.COLUMNS)
        assert "file" in error.value.fields


def test_challenges_preview_then_import(network):
    rows = read_rows("liste.csv", CHALLENGES_CSV.encode(), challenge_import.COLUMNS)
    preview = challenge_import.challenges_import(actor=network.coordinator, rows=rows, commit=False)
    assert preview.error_count == 0 and not preview.committed
    assert Challenge.objects.count() == 0 and Event.objects.count() == 0
    done = challenge_import.challenges_import(actor=network.coordinator, rows=rows, commit=True)
    assert done.committed
    first, second = Challenge.objects.order_by("id")
    assert first.organisation == network.org and first.visibility == "network"
    assert sorted(first.target_groups.values_list("slug", flat=True)) == ["employers", "families"]
    assert second.visibility == "restricted" and second.region.slug == "halle-saale"
    assert TransitionLog.objects.filter(transition="file").count() == 2  # filed like any other


def test_one_bad_row_imports_nothing_and_says_which(network):
    Organisation.objects.filter(pk=network.other_org.pk).update(status="pending")
    csv = CHALLENGES_CSV + "Ohne Beschreibung;;Unbekannt e.V.;Mond;Marsianer;Atlantis;geheim\n"
    rows = read_rows("liste.csv", csv.encode(), challenge_import.COLUMNS)
    report = challenge_import.challenges_import(actor=network.coordinator, rows=rows, commit=True)
    assert not report.committed
    assert Challenge.objects.count() == 0
    errors = {row.number: row.errors for row in report.rows}
    assert set(errors[3]) == {"organisation"}  # Stadt Halle is not admitted
    assert set(errors[4]) >= {"organisation", "topic", "target_groups", "region", "visibility"}
    assert errors[2] == {}


def test_only_coordinators_import(network):
    for person in (network.partner, network.group_member):
        with pytest.raises(PermissionDenied):
            challenge_import.challenges_import(actor=person, rows=[], commit=False)
        with pytest.raises(PermissionDenied):
            organisation_import.organisations_import(actor=person, rows=[], commit=False)


def test_organisations_import_all_or_nothing(network):
    xlsx = _xlsx([
        ["Name", "Art", "Region", "Webseite", "E-Mail"],
        ["Handwerkskammer Halle", "chamber", "halle-saale", "https://hwk.example", "info@hwk.example"],
        ["Caritas Magdeburg", "Wohlfahrtsverband", "Magdeburg", "", ""],
    ])
    rows = read_rows("partner.xlsx", xlsx, organisation_import.COLUMNS)
    report = organisation_import.organisations_import(actor=network.coordinator, rows=rows, commit=True)
    assert report.committed
    hwk = Organisation.objects.get(name="Handwerkskammer Halle")
    assert hwk.status == "admitted" and hwk.kind == "chamber"
    assert Organisation.objects.get(name="Caritas Magdeburg").kind == "welfare"
    # The same sheet again: every name is known now, nothing changes.
    again = organisation_import.organisations_import(actor=network.coordinator, rows=rows, commit=True)
    assert not again.committed and again.error_count == 2
    assert Organisation.objects.filter(name="Handwerkskammer Halle").count() == 1
