"""The walk's URLconf: the site's own, plus the error states it checks (a view that raises 403
and one that raises 500) and the vendored axe-core served from the site's origin with a long
cache lifetime, so Chromium compiles its 650 kB once per walk instead of once per page (an
inline ``add_script_tag(content=…)`` cost about 0.8 s on every page)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

import core.urls

AXE_PATH = "/walk-axe.js"


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("the walk's 500")


def _axe(request):
    from .walk_browser import AXE

    response = HttpResponse(AXE.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "max-age=86400, immutable"
    return response


urlpatterns = [
    path(AXE_PATH.lstrip("/"), _axe),
    path("walk-errors/403/", _forbidden),
    path("walk-errors/500/", _broken),
    *core.urls.urlpatterns,
]
