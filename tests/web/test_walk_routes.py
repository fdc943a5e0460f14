"""The walk cannot forget a page: every named route of the URLconf that is not the API is
either walked (``walk_pages.PAGES``) or left out with a reason (``walk_pages.EXCLUDED``). A new
page fails here until it gets its line. Cheap (no browser, no database): part of ``make test``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from .walk_pages import EXCLUDED, EXCLUDED_PREFIXES, PAGES


def _named_routes(resolver=None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """``{"namespace:name": "route/prefix"}`` for every named pattern, through includes."""
    resolver = resolver or get_resolver()
    found: dict[str, str] = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(_named_routes(pattern, inner, route))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.setdefault(namespace + pattern.name, route)
    return found


def _page_routes() -> dict[str, str]:
    return {
        name: route
        for name, route in _named_routes().items()
        if not route.startswith("api/")  # the API has its own schema tests
        and not any(name.startswith(p) for p in EXCLUDED_PREFIXES)
    }


def test_every_named_page_is_walked_or_excluded_with_a_reason():
    walked = {page.route for page in PAGES}
    forgotten = sorted(set(_page_routes()) - walked - set(EXCLUDED))
    assert forgotten == [], (
        f"pages the walk does not know: {forgotten}. Add each to tests/web/walk_pages.py: "
        "PAGES (with the roles that see it) or EXCLUDED (with the reason)."
    )


def test_the_lists_name_only_routes_that_exist():
    routes = _named_routes()
    stale = sorted(
        name for name in {page.route for page in PAGES} | set(EXCLUDED)
        if name not in routes and not name.startswith("dev-mail")  # `make run` only
    )
    assert stale == []
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert not set(EXCLUDED) & {page.route for page in PAGES}


def test_each_walked_path_resolves_to_its_route():
    """A page's path (with stand-in objects) is the route it claims, so the list cannot drift."""
    class Stand:
        pk, slug = 1, "a-record"

    data = type("D", (), {})()
    for attr in ("reported", "analysed", "proposed", "trialled", "evaluated", "published",
                 "draft", "recommendation", "draft_recommendation", "event", "material", "news"):
        setattr(data, attr, Stand())
    data.people = type("P", (), {"partner": Stand(), "org": Stand()})()
    data.cancel_token = data.unsubscribe_token = data.email_change_token = "token"
    data.reset_path = "/password-reset/MQ/set-password/"
    for page in PAGES:
        match = resolve(page.url(data).split("?")[0])
        assert match.view_name == page.route, (page.label, match.view_name)

