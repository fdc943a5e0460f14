"""PostgreSQL: a challenge's weighted search vector moves from the search table onto the
challenge row (``workflows_challenge.search_vector``, GIN-indexed), beside the columns the
filters and the visibility rule read. "Search + filters" is then answered by the indexes of one
table; with the vector in the joined search table PostgreSQL had to join every challenge the
filters picked (about 14,000 of 1,000,000) before it could rank.

The GIN index holds the filter columns too (``btree_gin``, a trusted contrib extension): one
index scan intersects the words with the state, topic, region, organisation, group and
visibility inside the index, skipping through the long posting lists of common words, and
hands the heap a small exact bitmap. With a GIN of the vector alone, a common word's bitmap of
hundreds of thousands of rows (lossy beyond ``work_mem``) had to be ANDed with the B-tree
bitmaps first.

The column is no model field, on purpose: no query selects it and no ``save()`` of an instance
read before a re-index writes an old vector back; only ``workflows.search.index`` writes it.
The vectors already stored are copied over (no re-analysis: minutes at a million rows).
"""

from django.db import migrations, models

FORWARD = [
    "ALTER TABLE workflows_challenge ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "UPDATE workflows_challenge AS c SET search_vector = s.vector "
    "FROM workflows_challengesearch AS s WHERE s.challenge_id = c.id",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS workflows_challenge_search_gin ON workflows_challenge "
    "USING gin (search_vector, state, topic_id, region_id, organisation_id, working_group_id, "
    "visibility)",
]
# Before RemoveField is reversed the search table has its column back (empty): refill it.
BACKWARD = [
    "UPDATE workflows_challengesearch AS s SET vector = coalesce(c.search_vector, '') "
    "FROM workflows_challenge AS c WHERE s.challenge_id = c.id",
    "CREATE INDEX IF NOT EXISTS workflows_challengesearch_vector_gin "
    "ON workflows_challengesearch USING gin (vector)",
    "DROP INDEX IF EXISTS workflows_challenge_search_gin",
    "ALTER TABLE workflows_challenge DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0010_search_vector"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
        migrations.RemoveField(model_name="challengesearch", name="vector"),
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(fields=["topic", "state"], name="challenge_topic_state"),
        ),
    ]
