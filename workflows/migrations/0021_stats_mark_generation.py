from django.db import migrations, models


class Migration(migrations.Migration):
    """The rollup mark's generation (issue 14): the statistics hold the sums of the rolled-up
    days per process while it stays the same. None until the next refresh."""

    dependencies = [("workflows", "0020_stats_mark_rolled_to")]

    operations = [
        migrations.AddField(
            model_name="statsmark",
            name="generation",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
    ]
