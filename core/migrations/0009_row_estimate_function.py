"""``wkn_row_estimate(query)``: PostgreSQL's planner estimate of a query's rows, so that a list's
bounded count and, past the bound, its estimate come back in one statement (issue 14,
``core.pagination.bounded_count``). VOLATILE: PostgreSQL allows EXPLAIN in no other kind of
function. PostgreSQL only; the embedded SQLite counts exactly."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION wkn_row_estimate(query text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END;
$$
"""
DROP = "DROP FUNCTION IF EXISTS wkn_row_estimate(text)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_accounts_time_zone_email_change")]

    operations = [migrations.RunPython(create, drop)]
