"""PostgreSQL expressions of search: the challenge row's stored vector, and a match of a stored
vector against a ``tsquery`` written in the analyser's terms."""

from __future__ import annotations

from django.db.models import BooleanField, Expression, F, TextField

from .index import CHALLENGE_VECTOR_COLUMN


class ChallengeVector(Expression):
    """PostgreSQL: ``workflows_challenge.search_vector`` of the query's challenges, a column
    no model field maps (``workflows.search.index``), read where the query's base table is."""

    output_field = TextField()

    def __init__(self, alias: str | None = None) -> None:
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        return (
            f"{compiler.quote_name_unless_alias(self.alias)}."
            f"{connection.ops.quote_name(CHALLENGE_VECTOR_COLUMN)}",
            [],
        )


class VectorMatch(Expression):
    """PostgreSQL: the stored weighted vector (which the GIN index reads) matches a
    ``tsquery`` written in the analyser's terms (``'arzt':A & 'anerkenn'``)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: F, tsquery: str, *, indexed: bool = True) -> None:
        super().__init__()
        self.column = column
        self.tsquery = tsquery
        self.indexed = indexed

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column_sql, params = compiler.compile(self.column)
        if not self.indexed:  # the same test, which no index answers (``PreparedQuery.broad``)
            column_sql = f"coalesce({column_sql}, ''::tsvector)"
        return f"{column_sql} @@ %s::tsquery", [*params, self.tsquery]

