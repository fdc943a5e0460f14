"""``search=`` on the challenge and good-practice lists: the German full-text search of
``workflows.search``, ranked by relevance unless ``ordering`` asks for another order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from workflows.search import query
from workflows.search.models import Scope

SEARCH_PARAM = "search"
MAX_LENGTH = 200


def search_text(request) -> str:
    """The search words of ``request``; a clear 400 when they are too long."""
    text = (request.query_params.get(SEARCH_PARAM) or "").strip()
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {SEARCH_PARAM: [_("At most %(max)d characters.") % {"max": MAX_LENGTH}]}
        )
    return text


class GermanSearchFilter(BaseFilterBackend):
    """Narrows to matching rows and orders them by relevance (then the view's own order)."""

    def filter_queryset(self, request, queryset, view):
        text = search_text(request)
        if not text:
            return queryset
        scope = getattr(view, "search_scope", Scope.CHALLENGE)
        prepared = query.prepare(text, scope=scope)
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        if request.query_params.get("ordering"):
            # Another order than relevance: every match, in that order.
            return prepared.apply(queryset).order_by("-search_rank", *ordering, "-pk")
        # By relevance: the best matches only, at a cost that does not grow with the network.
        return prepared.apply_best(queryset).order_by("-search_rank", *ordering, "-pk")

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": SEARCH_PARAM,
                "required": False,
                "in": "query",
                "description": str(
                    _(
                        "German full-text search (stems, compound words, umlauts and ß either "
                        "way, typos, the network's synonyms and abbreviations). Results come "
                        "by relevance unless `ordering` is given: by relevance, the best "
                        "%(best)d matches; with `ordering`, every match."
                    )
                    % {"best": query.BEST_RESULTS}
                ),
                "schema": {"type": "string", "maxLength": MAX_LENGTH},
            }
        ]
