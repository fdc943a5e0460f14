"""Pagination whose cost does not grow with the table (issue 14), for the API's lists and the
challenge list page alike: a bounded count, "is there a next page" from one extra row, and deep
pages that select their ids first. In core so both the api and the pages use one paginator."""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

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
        try:  # as Django's own: no page number or a word is "not an integer", never a 500
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        return super().validate_number(1) if number < 1 else number

    def get_page(self, number):
        """Like ``Paginator.get_page``; an estimated last page may be empty: then the first."""
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(1)

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
            raise EmptyPage(_("That page contains no results"))
        page = ScalablePage(rows, number, self)
        page.more = more
        return page


class ScalablePage(Page):
    more = False

    def has_next(self) -> bool:
        return self.more



# The counts per column of the board and per state "at a glance" are exact up to this many;
# above it they read "1,000+": each is a walk of at most this many index entries.
GLANCE_BOUND = 1_000


def bounded_counts(querysets: dict, bound: int = GLANCE_BOUND, *, ordered: bool = False) -> dict:
    """For each ``key: queryset`` the number of its rows, counting at most ``bound + 1`` (more
    than ``bound`` means "more than ``bound``"), all in ONE query of scalar subqueries; a
    ``COUNT(*) … GROUP BY`` would walk every matching row, a million at scale.

    ``ordered`` keeps each queryset's ordering: an ORDER BY that an index delivers makes
    PostgreSQL walk that index over exactly the matching entries. Without it a range it
    misjudges (``state_entered_at <= …`` within one state: 75,000 rows expected, none there)
    becomes a capped sequential scan that reads the whole table hoping to meet them."""
    if not querysets:
        return {}
    parts, params, alias = [], [], None
    for queryset in querysets.values():
        alias = queryset.db
        rows = queryset if ordered else queryset.order_by()
        try:
            sql, values = rows.values("pk")[: bound + 1].query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (``pk__in=[]``)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS bounded)")
        params.extend(values)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))
