"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


def _binds_on_server(connection) -> bool:
    """PostgreSQL with server-side binding, as the product's settings configure it."""
    return connection.vendor == "postgresql" and bool(
        connection.settings_dict["OPTIONS"].get("server_side_binding")
    )


@contextmanager
def literal_cursor(using: str = "default") -> Iterator:
    """A cursor that binds its parameters on the client, as psycopg's ``ClientCursor`` does: for
    bulk SQL that puts parameters where the server cannot tell their type
    (``generate_series(1, %s)``, ``'scale' || (%s + u)``). The product's connections bind on
    the server, so that their statements can be prepared (``core/settings/base.py``); a
    parameter there arrives typed by its Python value (a small int as ``smallint``), and such
    SQL fails with "function … is not unique". Elsewhere the connection's own cursor."""
    connection = connections[using]
    if not _binds_on_server(connection):
        with connection.cursor() as cursor:
            yield cursor
        return
    # Django's cursor that binds on the client (its default without server-side binding).
    from django.db.backends.postgresql.base import Cursor

    connection.ensure_connection()
    with connection.make_cursor(Cursor(connection.connection)) as cursor:
        yield cursor


def with_values_inline(sql: str, params, using: str = "default") -> tuple[str, list | None]:
    """``(sql, params)`` to execute so that PostgreSQL plans the statement for these values.

    A statement the product's connections run twice is prepared, and from its sixth run on
    PostgreSQL may keep one generic plan for any values (``core/settings/base.py``). For a
    statement whose best plan depends on its values, a range the planner misjudges without
    them, that plan can be a hundred times slower: the glance counts' capped walk of one state
    became a 50 ms scan. Its values go into its text instead (bound on the client), so it is
    planned for them each time, as before prepared statements; other backends, and
    connections that bind on the client, get ``sql`` and ``params`` unchanged."""
    connection = connections[using]
    if not params or not _binds_on_server(connection):
        return sql, params
    return connection.ops.compose_sql(sql, params), None


def fetch_planned(sql: str, params, using: str = "default") -> list[tuple]:
    """The rows of ``sql``, planned for ``params`` each time (``with_values_inline``): for the
    statistics' ranges, marks and ranks, which a generic plan of a prepared statement would
    misjudge."""
    with connections[using].cursor() as cursor:
        cursor.execute(*with_values_inline(sql, params, using))
        return cursor.fetchall()
