"""The public start page: what the network is, who takes part (the district map), the latest
good practices, the next events, the latest news and how to join.

Its sections come from ``network.public_sections`` (filled at start-up by network itself and by
the layer above, see there); ``/`` shows this page to visitors who are not signed in through
``workflows.hooks.provide_public_home``; ``/welcome/`` shows it to everyone.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import public_sections, region_map, selectors_public


def start_page(request: HttpRequest) -> HttpResponse:
    partners = selectors_public.partners_by_region()
    return render(
        request,
        "public_site/start.html",
        {
            "sections": public_sections.sections_for(request),
            "map_regions": region_map.map_regions(partners),
            "map_view_box": region_map.view_box(),
            "partner_rows": partners,
            "partner_total": sum(row["count"] for row in partners),
        },
    )
