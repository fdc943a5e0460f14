"""PostgreSQL connections bind parameters on the server and prepare the statements they repeat
(issue 14: planning the API list's page query was most of its database time), and the bulk
SQL that needs client-side binding gets it from ``core.db.literal_cursor``."""

import pytest
from django.db import connection

from core.db import literal_cursor
from core.models import Topic

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="prepared statements are PostgreSQL's; CI runs on it",
    ),
]


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_a_repeated_orm_query_is_planned_once_per_connection():
    options = connection.settings_dict["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 2

    def read(slug):
        return list(Topic.objects.filter(slug=slug).values_list("pk", flat=True))

    first = read("anerkennung")
    assert not any('"core_topic"."slug" = $1' in s for s in _prepared())
    for slug in ("wohnen", "anerkennung"):  # the second run prepares it, with any value
        again = read(slug)
    assert again == first
    assert any('"core_topic"."slug" = $1' in s for s in _prepared())


def test_the_literal_cursor_binds_on_the_client():
    """On the server a small int arrives as ``smallint``: ``generate_series(smallint,
    smallint)`` is ambiguous there; the literal cursor sends ``1`` and ``3`` as literals."""
    from django.db import ProgrammingError, transaction

    with pytest.raises(ProgrammingError, match="is not unique"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM generate_series(%s, %s)", [1, 3])
    with literal_cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM generate_series(%s, %s)", [1, 3])
        assert cursor.fetchone()[0] == 3


def test_the_glance_counts_are_planned_for_their_values():
    """A generic plan of the glance counts' capped walk of one state was a scan of the table
    at a million challenges (70 ms on the list page): they go with their values in their
    text, so no prepared statement with parameters is kept for them."""
    import datetime

    from django.utils import timezone

    from core.pagination import bounded_counts
    from workflows.models import Challenge

    old = timezone.now() - datetime.timedelta(days=30)
    for state in ("reported", "analysed", "reported"):
        counts = bounded_counts(
            {"stale": Challenge.objects.filter(state=state, state_entered_at__lte=old)
             .order_by("state_entered_at")}, ordered=True,
        )
        assert counts == {"stale": 0}
    assert not any("AS bounded" in s and "$1" in s for s in _prepared())
