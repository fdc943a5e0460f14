"""The good-practice catalogue (public; drafts for coordinators and a group's own records)
and one record's page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import NotFound
from core.models import TargetGroup

from . import selectors, views_editorial
from .forms import GoodPracticeFilterForm
from .search import query as search_query
from .search.models import Scope


def good_practice_catalogue(request: HttpRequest) -> HttpResponse:
    """The public catalogue; coordinators (and a group for its own records) also see drafts."""
    form = GoodPracticeFilterForm(request.GET or None)
    qs = selectors.good_practices_visible_to(request.user).prefetch_related(
        "target_groups", "topics", "regions"
    )
    prepared = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("topic"):
            qs = qs.filter(topics=data["topic"])
        if data.get("target_group"):
            qs = qs.filter(target_groups=data["target_group"])
        if data.get("region"):
            qs = qs.filter(regions=data["region"])
        if data.get("q"):
            prepared = search_query.prepare(data["q"], scope=Scope.GOOD_PRACTICE)
    if prepared is not None:
        # Filters on many-to-many fields may repeat a row: rank the distinct records.
        qs = prepared.apply(
            qs.model.objects.filter(pk__in=qs.values("pk")).prefetch_related(
                "target_groups", "topics", "regions"
            )
        ).order_by("-search_rank", "status", "-published_at", "title")
    else:
        qs = qs.order_by("status", "-published_at", "title").distinct()
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    if prepared is not None:
        for record in page.object_list:
            record.snippet = prepared.snippet(record.approach or record.problem)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/good_practice_catalogue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "target_groups": TargetGroup.objects.all(),
        },
    )


def good_practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        record = selectors.good_practice_detail_for(request.user, slug=slug)
    except NotFound:
        raise Http404() from None
    return render(
        request,
        "workflows/good_practice_detail.html",
        {**views_editorial.detail_context(request.user, record),
         "network_name": settings.NETWORK_NAME},  # the printed record names the network
    )
