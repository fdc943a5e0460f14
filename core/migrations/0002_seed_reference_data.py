"""The regions of Saxony-Anhalt (11 districts, 3 independent cities and the state as a whole),
and the starting taxonomies of topics and target groups. Coordinators extend them in the admin.
Idempotent: rows are matched by their key, so re-running adds only what is missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.reference_data import ensure_reference_data

    ensure_reference_data(
        apps.get_model("core", "Region"),
        apps.get_model("core", "Topic"),
        apps.get_model("core", "TargetGroup"),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
