"""A queryset narrowed to a literal list of ids whose count is that list's length.

A capped search (``PreparedQuery.apply_best`` / ``apply_capped``) has already read its
candidates' ids, after every filter: counting them again in the database (the paginator's
``COUNT``) would repeat the visibility and filter tests for nothing. ``count()`` answers from the
list's length as long as the query still selects those rows (the same ``WHERE``, tables and
grouping: a later ``filter``, ``exclude``, ``none`` or a join changes that, and then the
database counts); slices are applied to the length as the database would.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import QuerySet


def _shape(queryset: QuerySet) -> object:
    """What decides which rows ``queryset`` selects, ignoring order, slice and selected columns."""
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        where = compiler.compile(query.where)
    except EmptyResultSet:
        where = ("<nothing>", ())
    except FullResultSet:
        where = ("", ())
    sql, params = where
    return (
        sql, tuple(map(repr, params)), tuple(query.alias_map), query.distinct,
        tuple(query.distinct_fields), query.combinator, bool(query.group_by), query.is_empty(),
    )


class KnownCountMixin:
    _known_count: tuple[int, object] | None = None

    def _clone(self):
        clone = super()._clone()
        clone._known_count = self._known_count
        return clone

    def known_count(self) -> int | None:
        """The count without asking the database, while the query still selects the known
        rows (``None`` once it does not). ``core.pagination.bounded_count`` asks for it."""
        known = self._known_count
        if known is None or self._result_cache is not None or _shape(self) != known[1]:
            return None
        low, high = self.query.low_mark, self.query.high_mark
        n = max(known[0] - low, 0)
        return n if high is None else min(n, high - low)

    def count(self) -> int:
        known = self.known_count()
        return super().count() if known is None else known


_classes: dict[type, type] = {}


def with_known_count(queryset: QuerySet, count: int) -> QuerySet:
    """``queryset`` (already narrowed to ``count`` rows by a literal id list) that counts
    itself without asking the database."""
    cls = type(queryset)
    if not issubclass(cls, KnownCountMixin):
        cls = _classes.setdefault(cls, type(f"KnownCount{cls.__name__}", (KnownCountMixin, cls), {}))
    clone = queryset._chain()
    clone.__class__ = cls
    clone._known_count = (count, _shape(clone))
    return clone
