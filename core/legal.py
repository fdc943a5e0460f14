"""The privacy notice and the imprint: the operator's text (``LegalNotice`` in the admin) or,
while that is empty, the shipped template for the language.

The text is plain text with three conventions, so an operator needs no HTML: a line starting
with ``# `` is a heading, lines starting with ``- `` form a list, other lines are paragraphs
(single line breaks kept). ``[[…]]`` marks a placeholder the operator still has to fill in; it
is shown highlighted. Everything is escaped: the admin cannot inject markup into the page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.models import LegalNotice

TEMPLATES = Path(__file__).resolve().parent / "legal"
PLACEHOLDER = re.compile(r"\[\[(.+?)\]\]")


@lru_cache
def shipped_text(kind: str, language: str) -> str:
    """The template shipped for ``kind`` ("privacy" or "imprint") in ``language``."""
    return (TEMPLATES / f"{kind}.{language}.txt").read_text(encoding="utf-8")


def _language(language: str | None) -> str:
    return "en" if (language or "de").startswith("en") else "de"


def legal_text(kind: str, language: str | None) -> str:
    """The text the operator set for ``kind`` in ``language``, else the shipped template."""
    assert kind in LegalNotice.KINDS
    language = _language(language)
    return getattr(LegalNotice.current(), f"{kind}_{language}").strip() or shipped_text(
        kind, language
    )


def has_placeholders(text: str) -> bool:
    return bool(PLACEHOLDER.search(text))


def _inline(line: str) -> str:
    return PLACEHOLDER.sub(
        lambda m: f'<mark class="placeholder">[[{m.group(1)}]]</mark>', escape(line)
    )


def render_legal(text: str) -> SafeString:
    """The plain text as HTML: headings, lists, paragraphs; placeholders highlighted."""
    html: list[str] = []
    for number, block in enumerate(re.split(r"\n\s*\n", text.strip())):
        lines = [line.rstrip() for line in block.strip().splitlines()]
        if len(lines) == 1 and lines[0].startswith("# "):
            tag = "h1" if number == 0 else "h2"  # the first heading is the page's title
            html.append(f"<{tag}>{_inline(lines[0][2:])}</{tag}>")
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text went through escape()


