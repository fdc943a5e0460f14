import json

from django.core.paginator import Page, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 200
# Up to this many rows the count is exact (one bounded query); above it, PostgreSQL's planner
# estimate stands in (never below the bound): an exact COUNT(*) walks every visible row.
EXACT_COUNT_UP_TO = 10_000
# From this offset on a page first selects only the ids of its rows (an index-only walk),
# then reads those rows: the offset no longer drags every earlier row's joins along.
DEFERRED_JOIN_FROM = 500


def bounded_count(queryset, bound: int = EXACT_COUNT_UP_TO) -> tuple[int, bool]:
    """The number of rows of ``queryset``, and whether it is exact: exact up to ``bound``
    (counting at most ``bound + 1`` rows), the planner's estimate above it on PostgreSQL."""
    exact = queryset.order_by()[: bound + 1].count()
    if exact <= bound:
        return exact, True
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), True
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(bound + 1, int(plan[0]["Plan"]["Plan Rows"])), False


class ScalablePaginator(Paginator):
    """A paginator whose cost does not grow with the table: the count is bounded (see
    ``bounded_count``), "is there a next page" comes from reading one row more than the page,
    and deep pages select their ids first."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return bounded_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1]

    def validate_number(self, number):
        # An estimated count may be short of the truth: any page is valid then, an empty one
        # past the end is answered by ``page`` (DRF turns EmptyPage into a 404).
        if self.count_is_exact:
            return super().validate_number(number)
        return super().validate_number(1) if int(number) < 1 else int(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        queryset = self.object_list
        if bottom >= DEFERRED_JOIN_FROM and hasattr(queryset, "values"):
            ids = queryset.values("pk")[bottom : top + 1]
            rows = list(queryset.filter(pk__in=ids))  # same ordering, at most per_page + 1
        else:
            rows = list(queryset[bottom : top + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            from django.core.paginator import EmptyPage

            raise EmptyPage(_("That page contains no results"))
        page = ScalablePage(rows, number, self)
        page.more = more
        return page


class ScalablePage(Page):
    more = False

    def has_next(self) -> bool:
        return self.more


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
