"""Coordinators could read every API token in the admin (issue 10, item 2): the "Koordination"
group loses the permissions of DRF's token app on installations that granted them."""

from django.db import migrations


def forward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Koordination").first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="authtoken")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_join_requests"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
