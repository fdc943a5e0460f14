"""A recommendation as a PDF, to hand out at the network meeting.

ReportLab (BSD, maintained since 2000, pure-Python wheel on PyPI, no system libraries or font
downloads): its built-in Helvetica with WinAnsi encoding covers German text, "€" and typographic
quotes, so the PDF needs no bundled font.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from .models_editorial import Recommendation


def _paragraphs(text: str, style) -> list[Paragraph]:
    return [
        Paragraph(escape(block).replace("\n", "<br/>"), style)
        for block in text.replace("\r\n", "\n").split("\n\n")
        if block.strip()
    ]


def recommendation_pdf(
    recommendation: Recommendation, *, network: str, address: str, day
) -> bytes:
    """The recommendation with the network's name, the date and the page's address."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=recommendation.title, author=network,
    )
    story = [
        Paragraph(escape(network), styles["Normal"]),
        Paragraph(
            escape(
                _("Recommendation for %(group)s") % {"group": recommendation.target_group.name}
            ),
            styles["Heading3"],
        ),
        Paragraph(escape(recommendation.title), styles["Title"]),
        *_paragraphs(recommendation.text, styles["BodyText"]),
        Spacer(1, 6 * mm),
    ]
    cited = list(recommendation.good_practices.all())
    if cited:
        story.append(Paragraph(escape(_("Supported by these good practices")), styles["Heading2"]))
        story.append(
            ListFlowable(
                [ListItem(Paragraph(escape(r.title), styles["BodyText"])) for r in cited],
                bulletType="bullet",
            )
        )
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            escape(f"{network} · {formats.date_format(day, 'SHORT_DATE_FORMAT')} · {address}"),
            styles["Italic"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
