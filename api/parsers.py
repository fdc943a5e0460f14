"""The API's JSON parser: DRF's, with the limits an unauthenticated stranger must not get past
(issue 10, item 4). Every body is refused with a clear 4xx before anything looks at it when it

- is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413; DRF reads the stream itself, so
  Django's own limit on ``request.body`` never applies here),
- nests arrays/objects deeper than ``MAX_JSON_DEPTH`` (400; Python's decoder recurses and
  answered ~2 KB of ``[[[[…`` with a RecursionError, a 500),
- holds a control character (NUL and friends) in any string or key (400 naming the field;
  PostgreSQL refuses NUL in text, which was a 500 in 15 fields of the transition bodies).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from core.validators import CONTROL_CHARACTER_MESSAGE, first_control_character_path

MAX_JSON_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, brackets inside strings ignored.
    Linear and without recursion, so it is safe on any input."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub('""', text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class LimitedJSONParser(BaseParser):
    """Not a subclass of DRF's ``JSONParser`` on purpose: DRF reads ``request.body`` for those
    before the parser runs, where Django's size limit answers with an HTML 400 page."""

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(_("The body is not valid UTF-8 text.")) from exc
        if json_depth(text) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(
                _("The JSON body nests deeper than %(max)d levels.") % {"max": MAX_JSON_DEPTH}
            )
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(_("The body is not valid JSON.")) from exc
        where = first_control_character_path(data)
        if where:
            raise exceptions.ValidationError({where: [str(CONTROL_CHARACTER_MESSAGE)]})
        return data


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON (DRF's strict mode refuses them too).
    raise ValueError(f"{name} is not valid JSON")
