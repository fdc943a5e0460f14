"""Pagination whose cost does not grow with the table (issue 14), for the API's lists and the
challenge list page alike: a bounded count, "is there a next page" from one extra row, and deep
pages that select their ids first. In core so both the api and the pages use one paginator."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.db import with_values_inline

# Up to this many rows the count is exact (one bounded query); above it, PostgreSQL's planner
# estimate stands in (never below the bound): an exact COUNT(*) walks every visible row.
EXACT_COUNT_UP_TO = 10_000
# From this offset on a page first selects only the ids of its rows (an index-only walk),
# then reads those rows: the offset no longer drags every earlier row's joins along.
DEFERRED_JOIN_FROM = 500
# A page past the estimated middle of a list too long for an exact count learns the exact
# count once (one walk of the ids, at a million rows ~7 times cheaper than the offset's walk
# through the rows) and reads from the end; the count is kept this many seconds for the next
# deep page of the same list. Rows filed meanwhile shift such a page by as many rows, as they
# shift any page between two requests.
EXACT_TOTAL_SECONDS = 60


def exact_total(queryset) -> int:
    """The exact number of rows of ``queryset``, kept ``EXACT_TOTAL_SECONDS`` per query."""
    queryset = queryset.order_by().values("pk")
    sql, params = queryset.query.sql_with_params()
    key = "pagination:total:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    total = cache.get(key)
    if total is None:
        total = queryset.count()
        cache.set(key, total, EXACT_TOTAL_SECONDS)
    return total


def bounded_count(queryset, bound: int = EXACT_COUNT_UP_TO) -> tuple[int, bool]:
    """The number of rows of ``queryset``, and whether it is exact: exact up to ``bound``
    (counting at most ``bound + 1`` rows), the planner's estimate above it on PostgreSQL, in
    the same statement (``wkn_row_estimate``, core migration 0009): one query whatever the
    size of the list."""
    # Only the ids: the columns and joins of a ``values()`` list row would otherwise be read
    # for every counted row (the page reads them for its rows alone).
    queryset = queryset.order_by().values("pk")
    # A queryset that knows its count (a capped search's candidates, ``known_count`` of
    # workflows.search.capped: core imports no app) answers without a query.
    known = getattr(queryset, "known_count", None)
    if known is not None and (count := known()) is not None:
        return count, True
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        exact = queryset[: bound + 1].count()
        return (exact, True) if exact <= bound else (queryset.count(), True)
    try:
        limited_sql, limited_params = queryset[: bound + 1].query.sql_with_params()
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (``pk__in=[]``)
        return 0, True
    # The estimated query goes to the function as text, its values quoted on the client.
    estimated = connection.ops.compose_sql(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n, CASE WHEN n > %s THEN wkn_row_estimate(%s) END "
            f"FROM (SELECT COUNT(*) AS n FROM ({limited_sql}) AS bounded) AS counted",
            [bound, estimated, *limited_params],
        )
        exact, estimate = cursor.fetchone()
    if exact <= bound:
        return exact, True
    return max(bound + 1, int(estimate)), False


class ScalablePaginator(Paginator):
    """A paginator whose cost does not grow with the table: the count is bounded (see
    ``bounded_count``), "is there a next page" comes from reading one row more than the page,
    deep pages select their ids first, and a page nearer the end than the start (with an
    order that ends on the id) is read from the end, in reverse (with the exact count, see
    ``EXACT_TOTAL_SECONDS``).

    ``rows`` turns the queryset into what a page holds (``values()`` of a list row, say): it
    is applied to the page alone, so the count never reads the columns or joins of a row."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True,
                 rows=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.rows = rows or (lambda queryset: queryset)

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
        if not hasattr(queryset, "values"):  # a list: nothing to walk
            rows = list(queryset[bottom : top + 1])
        elif bottom >= DEFERRED_JOIN_FROM and self._from_the_end(bottom):
            rows = self._tail(queryset, bottom, top)
        elif bottom >= DEFERRED_JOIN_FROM:
            ids = queryset.values("pk")[bottom : top + 1]
            # Same ordering, at most per_page + 1 rows.
            rows = list(self.rows(queryset.filter(pk__in=ids)))
        else:
            rows = list(self.rows(queryset)[bottom : top + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        page = ScalablePage(rows, number, self)
        page.more = more
        return page

    def _from_the_end(self, bottom: int) -> bool:
        """Whether reading backwards from the end walks fewer rows than the offset: only with
        an exact count (the end is known) and an order that ends on the id, so the reversed
        order is the same order backwards, ties and all."""
        if self.count - bottom >= bottom:  # nearer the start (by the estimate, if one)
            return False
        query = self.object_list.query
        ordering = list(query.order_by or (self.object_list.model._meta.ordering
                                           if query.default_ordering else []))
        last = ordering[-1] if ordering else None
        if not (isinstance(last, str) and last.lstrip("-") in ("pk", "id")):
            return False
        return self._total - bottom < bottom

    @cached_property
    def _total(self) -> int:
        """The exact count: the bounded one when exact, else ``exact_total``."""
        return self.count if self.count_is_exact else exact_total(self.object_list)

    def _tail(self, queryset, bottom: int, top: int) -> list:
        """Rows ``bottom`` to ``top`` (and one more, when there is one) read from the end: their
        ids in reverse order, then their rows in the page's order (one query)."""
        start, stop = max(0, self._total - top - 1), self._total - bottom
        if stop <= 0:
            return []
        ids = queryset.reverse().values("pk")[start:stop]
        return list(self.rows(queryset.filter(pk__in=ids)))


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
        # Planned for its values each time: a generic plan of a misjudged range is a scan.
        cursor.execute(*with_values_inline("SELECT " + ", ".join(parts), params, alias))
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))
