from functools import partial

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from core.pagination import (  # noqa: F401  (re-exported: the API's paginator lives in core)
    DEFERRED_JOIN_FROM,
    EXACT_COUNT_UP_TO,
    ScalablePage,
    ScalablePaginator,
    bounded_count,
)

MAX_PAGE_SIZE = 200


class StandardPagination(PageNumberPagination):
    """``page`` and ``page_size`` (default 50, at most 200).

    Strict, unlike DRF's default which silently falls back to the default on nonsense: a
    ``page_size`` or ``page`` that is not one positive whole number (given once), or a page size
    above the maximum, is a 400 — a client asking for 500 rows should learn it gets 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = ScalablePaginator

    def _positive_int(self, request, name: str, maximum: int | None = None) -> None:
        values = request.query_params.getlist(name)
        if not values:
            return
        message = (
            _("Give one whole number from 1 to %(max)d.") % {"max": maximum}
            if maximum
            else _("Give one whole number from 1 on.")
        )
        value = values[0]
        if len(values) > 1 or not value.isascii() or not value.isdigit():
            raise ValidationError({name: [message]})
        number = int(value)
        if number < 1 or (maximum is not None and number > maximum):
            raise ValidationError({name: [message]})

    def paginate_queryset(self, queryset, request, view=None):
        self._positive_int(request, self.page_size_query_param, self.max_page_size)
        self._positive_int(request, self.page_query_param)
        rows = getattr(view, "page_rows", None)
        if rows is not None:
            # The view's rows (values of a list row) for the page only; the count reads ids.
            self.django_paginator_class = partial(ScalablePaginator, rows=rows)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["default"] = self.page_size
        return parameters

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = str(
            _(
                "Exact up to %(bound)s rows; above that PostgreSQL's estimate (never below "
                "the bound). `next` is always exact."
            )
            % {"bound": f"{EXACT_COUNT_UP_TO:,}"}
        )
        return response
