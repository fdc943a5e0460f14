# Joins the two leaves of the search and rollup branches (issue 14's scale run needs both).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0011_challenge_search_vector"),
        ("workflows", "0011_stats_rollup"),
    ]

    operations = []
