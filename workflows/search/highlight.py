"""Highlighted snippets of search results: an excerpt around the first match, matches in
``<mark>``, everything else escaped."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import analysis

_WORD_SPLIT = re.compile(r"([^\W\d_]+|\d+)")


def highlight(text: str, terms: set[str], *, words: int = 30) -> SafeString:
    """An escaped excerpt of ``text`` (about ``words`` words) around the first word whose
    terms meet ``terms``; such words are wrapped in ``<mark>``."""
    pieces = _WORD_SPLIT.split(text or "")
    # pieces alternate: separator, word, separator, word, ...
    marked: list[bool] = []
    first = None
    for index, piece in enumerate(pieces):
        hit = False
        if index % 2 == 1:
            analysed = analysis.words(piece)
            hit = bool(analysed) and bool(
                ({analysed[0].stem, *analysed[0].parts}) & terms
            )
            if hit and first is None:
                first = index
        marked.append(hit)
    start = 0
    if first is not None:
        start = max(first - words // 3 * 2, 0)
        start -= start % 2
    end = min(start + words * 2, len(pieces))
    out = []
    if start > 0:
        out.append("… ")
    for index in range(start, end):
        piece = escape(pieces[index])
        out.append(f"<mark>{piece}</mark>" if marked[index] else piece)
    if end < len(pieces):
        out.append(" …")
    return mark_safe("".join(out).strip())
