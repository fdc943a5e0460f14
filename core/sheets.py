"""Lists as networks keep them: a CSV file or an Excel workbook read into rows of text.

openpyxl reads the workbook (read-only, values not formulas); CSV is decoded as UTF-8 (with or
without BOM, falling back to Windows-1252, which spreadsheet programs still write) with its
delimiter sniffed (";" from German Excel, or ","). Headers are matched case-insensitively
against the aliases a caller gives (German and English), so a sheet may say "Titel" or "title".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError, MissingInput

MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MissingInput(fields={"file": [_("The file is not readable text.")]})


def _csv_rows(content: bytes) -> list[list[str]]:
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise MissingInput(fields={"file": [_("The file is not an Excel workbook (.xlsx).")]}) from None
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else str(v) for v in values])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return rows


def read_rows(filename: str, content: bytes, columns: Mapping[str, tuple[str, ...]]) -> list[dict[str, str]]:
    """The data rows of a ``.csv`` or ``.xlsx`` file as ``{column: text}``, keyed by the
    names of ``columns`` (each with its accepted header spellings). Raises ``MissingInput``
    (field ``file``) for an unknown type, an unreadable or empty file, a missing required
    header, or more than ``MAX_ROWS`` rows."""
    if len(content) > MAX_BYTES:
        raise MissingInput(fields={"file": [_("The file is larger than 5 MB.")]})
    name = filename.lower()
    if name.endswith(".csv"):
        raw = _csv_rows(content)
    elif name.endswith(".xlsx"):
        raw = _xlsx_rows(content)
    else:
        raise MissingInput(fields={"file": [_("Upload a .csv or .xlsx file.")]})
    raw = [row for row in raw if any(cell.strip() for cell in row)]
    if not raw:
        raise MissingInput(fields={"file": [_("The file has no rows.")]})
    header = [cell.strip().casefold() for cell in raw[0]]
    index: dict[str, int] = {}
    for column, aliases in columns.items():
        for alias in (column, *aliases):
            if alias.casefold() in header:
                index[column] = header.index(alias.casefold())
                break
    if not index:
        raise MissingInput(
            fields={"file": [_("The first row must name the columns: %(columns)s.")
                             % {"columns": ", ".join(columns)}]}
        )
    if len(raw) - 1 > MAX_ROWS:
        raise MissingInput(
            fields={"file": [_("At most %(n)d rows per import.") % {"n": MAX_ROWS}]}
        )
    return [
        {column: (row[i].strip() if i < len(row) else "") for column, i in index.items()}
        for row in raw[1:]
    ]


# --- all-or-nothing import with a preview -------------------------------------------------------


@dataclass(frozen=True)
class RowResult:
    number: int  # the row's line in the sheet (the header is line 1)
    values: dict[str, str]
    errors: dict[str, list[str]]


@dataclass(frozen=True)
class ImportReport:
    rows: list[RowResult]
    committed: bool

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)


class _Rollback(Exception):
    pass


def run_import(
    rows: list[dict[str, str]], create_row: Callable[[dict[str, str]], object], *, commit: bool,
    finish: Callable[[list[object]], object] | None = None,
) -> ImportReport:
    """Run ``create_row`` (a service call that raises domain errors) for every row inside one
    transaction, each row in a savepoint so every row is checked. The transaction is rolled
    back for a preview (``commit=False``) and whenever any row fails: nothing or everything is
    imported, and events recorded for rolled-back rows never leave the database. ``finish``
    gets what the rows created, in the same transaction, once every row succeeded and the
    import commits (e.g. to announce the batch)."""
    results: list[RowResult] = []
    created: list[object] = []
    committed = False
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):
                try:
                    with transaction.atomic():
                        made = create_row(row)
                except DomainError as exc:
                    errors = dict(exc.fields) or {"row": [exc.message]}
                    results.append(RowResult(number, row, errors))
                else:
                    results.append(RowResult(number, row, {}))
                    created.append(made)
            if not commit or any(r.errors for r in results):
                raise _Rollback
            if finish is not None and created:
                finish(created)
            committed = True
    except _Rollback:
        pass
    return ImportReport(rows=results, committed=committed)
