"""The bundled map of Saxony-Anhalt (``network/static/network/sachsen-anhalt.svg``), read once:
one polygon per district and district-free city, its id the region's key (``Region.slug``).
The start page draws these shapes inline, each a link with the region's partner count, so the
map needs no script, no tiles and no request to another site."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

SVG_PATH = Path(__file__).resolve().parent / "static" / "network" / "sachsen-anhalt.svg"
_NS = {"svg": "http://www.w3.org/2000/svg"}


@dataclass(frozen=True)
class Shape:
    slug: str
    name: str
    kind: str  # district | city
    points: str
    label_x: float
    label_y: float


@functools.lru_cache(maxsize=1)
def shapes() -> tuple[Shape, ...]:
    root = ET.parse(SVG_PATH).getroot()  # our own bundled file, not user input
    found = []
    for polygon in root.iterfind("svg:polygon", _NS):
        points = polygon.get("points", "")
        xy = [tuple(float(v) for v in pair.split(",")) for pair in points.split()]
        # The mean of the corners is inside these (near-convex) shapes: where the count goes.
        label_x = round(sum(x for x, _ in xy) / len(xy), 1)
        label_y = round(sum(y for _, y in xy) / len(xy), 1)
        found.append(Shape(
            slug=polygon.get("id", ""), name=polygon.get("data-name", ""),
            kind=polygon.get("data-kind", "district"), points=points,
            label_x=label_x, label_y=label_y,
        ))
    # Districts first, the cities drawn on top of the districts around them.
    return tuple(sorted(found, key=lambda s: s.kind == "city"))


def view_box() -> str:
    return ET.parse(SVG_PATH).getroot().get("viewBox", "0 0 340 440")


def map_regions(partner_rows: list[dict]) -> list[dict]:
    """The shapes joined with the partner rows of ``selectors_public.partners_by_region`` (by
    region key), with a colour step by count for the template."""
    by_slug = {row["slug"]: row for row in partner_rows}
    joined = []
    for shape in shapes():
        row = by_slug.get(shape.slug)
        count = row["count"] if row else 0
        step = 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3
        joined.append({
            "shape": shape, "count": count, "step": step,
            "name": row["region"].name if row else shape.name,
        })
    return joined
