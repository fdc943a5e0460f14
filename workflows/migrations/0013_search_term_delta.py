# The vocabulary's pending changes (issue 14): a change to a document appends +1/−1 rows here
# instead of locking the shared SearchTerm rows; the beat job fold-search-vocabulary adds them up.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0012_merge_search_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTermDelta",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("scope", models.CharField(
                    choices=[("challenge", "challenges"), ("good_practice", "good practices")],
                    max_length=16)),
                ("term", models.CharField(max_length=100)),
                ("change", models.SmallIntegerField()),
            ],
            options={
                "verbose_name": "pending change of a search term",
                "verbose_name_plural": "pending changes of search terms",
            },
        ),
    ]
