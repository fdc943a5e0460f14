"""Shared input rules for every way in (forms, serializers, parsers, middleware): text without
control characters, dates within the years a case can plausibly span, web addresses that are
plain http(s) links. Issue 10, item 4/8: bad input is a clear 400, never a 500."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

# C0 controls and DEL, except tab, line feed and carriage return (text areas send those).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_MESSAGE = _(
    "Text must not contain control characters (such as the NUL character)."
)

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Enter a date between %(earliest)s and %(latest)s.")

URL_MESSAGE = _("Enter a web address starting with http:// or https://, without quotes or angle brackets.")
# Characters that have no business in a link we print into pages and mail.
_URL_FORBIDDEN = re.compile(r"[\"'<>`\s\\]")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def validate_no_control_characters(value: Any) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_characters")


def first_control_character_path(data: Any, path: str = "") -> str | None:
    """The location (``field`` or ``field.0.key``) of the first string in parsed JSON ``data``
    (keys included) that holds a control character, or ``None``."""
    if isinstance(data, str):
        return path or "body" if has_control_characters(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control_characters(key):
                return path or "body"
            found = first_control_character_path(value, where)
            if found:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = first_control_character_path(value, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def validate_plausible_date(value: datetime.date | None) -> None:
    """Dates of a case (trial start and end, filters) lie between 2000 and 2100: year 1 is a
    typo, not a trial that ran for 739,943 days."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            DATE_RANGE_MESSAGE,
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def validate_web_address(value: str) -> None:
    """An http(s) link with no quotes, angle brackets, backslashes or blanks."""
    if not value:
        return
    if _URL_FORBIDDEN.search(value) or not value.lower().startswith(("http://", "https://")):
        raise ValidationError(URL_MESSAGE, code="invalid_url")
    URLValidator(schemes=["http", "https"], message=URL_MESSAGE)(value)
