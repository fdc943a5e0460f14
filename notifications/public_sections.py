"""What the layer above both floors adds to the public start page (``network.public_sections``):
the latest published good practices, which live in ``workflows``; and the start page itself as
what ``/`` shows visitors (``workflows.hooks.provide_public_home``). ``network`` and
``workflows`` never import each other; this module may import both."""

from __future__ import annotations

from typing import Any

START_PAGE_GOOD_PRACTICES = 3


def latest_good_practices(request: Any) -> list[Any]:
    from django.contrib.auth.models import AnonymousUser

    from workflows.models import GoodPractice
    from workflows.selectors import good_practices_visible_to

    # What a visitor may see (published only), also for signed-in people: it is the public page.
    return list(
        good_practices_visible_to(AnonymousUser())
        .filter(status=GoodPractice.Status.PUBLISHED)
        .prefetch_related(None)
        .order_by("-published_at", "-id")[:START_PAGE_GOOD_PRACTICES]
    )


def register() -> None:
    from network import public_sections
    from network.views_start import start_page
    from workflows import hooks

    public_sections.register_section("good_practices", latest_good_practices)
    hooks.provide_public_home(start_page)
