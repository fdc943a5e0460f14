"""The public open-data feeds (JSON and CSV) and the page that explains them."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import open_data

LINK = '<{url}>; rel="license"'


@require_GET
def feed_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(open_data.feed(), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Link"] = LINK.format(url=open_data.LICENCE["url"])
    response["Access-Control-Allow-Origin"] = "*"  # public data, meant to be read by others
    return response


@require_GET
def feed_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("\ufeff" + open_data.feed_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="good-practices.csv"'
    response["Link"] = LINK.format(url=open_data.LICENCE["url"])
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def open_data_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workflows/open_data.html",
        {
            "licence": open_data.LICENCE,
            "schema_version": open_data.SCHEMA_VERSION,
            "columns": open_data.CSV_COLUMNS,
            "example": json.dumps(
                {"schema_version": open_data.SCHEMA_VERSION, "licence": open_data.LICENCE},
                indent=1, ensure_ascii=False,
            ),
        },
    )
