"""The regions of Saxony-Anhalt (11 districts, 3 independent cities and the state as a whole),
and the starting taxonomies of topics and target groups. Coordinators extend them in the admin.
Idempotent: rows are matched by their key, so re-running adds only what is missing."""

from django.db import migrations

REGIONS = [
    ("altmarkkreis-salzwedel", "Altmarkkreis Salzwedel", "district"),
    ("anhalt-bitterfeld", "Anhalt-Bitterfeld", "district"),
    ("boerde", "Börde", "district"),
    ("burgenlandkreis", "Burgenlandkreis", "district"),
    ("harz", "Harz", "district"),
    ("jerichower-land", "Jerichower Land", "district"),
    ("mansfeld-suedharz", "Mansfeld-Südharz", "district"),
    ("saalekreis", "Saalekreis", "district"),
    ("salzlandkreis", "Salzlandkreis", "district"),
    ("stendal", "Stendal", "district"),
    ("wittenberg", "Wittenberg", "district"),
    ("dessau-rosslau", "Dessau-Roßlau", "city"),
    ("halle-saale", "Halle (Saale)", "city"),
    ("magdeburg", "Magdeburg", "city"),
    ("sachsen-anhalt", "Sachsen-Anhalt (landesweit)", "state"),
]

TOPICS = [
    ("recognition", "Anerkennung ausländischer Berufsabschlüsse", "Recognition of foreign qualifications"),
    ("language", "Sprache und Sprachkurse", "Language and language courses"),
    ("residence", "Aufenthalt und Visum", "Residence and visa"),
    ("housing", "Wohnen", "Housing"),
    ("onboarding", "Einarbeitung im Betrieb", "Onboarding at work"),
    ("family", "Familie und Kinderbetreuung", "Family and childcare"),
    ("training", "Ausbildung und Studium", "Training and apprenticeship"),
    ("employer-awareness", "Sensibilisierung von Arbeitgebern", "Employer awareness"),
    ("everyday-welcome", "Willkommen im Alltag", "Everyday welcome"),
    ("authorities", "Verwaltung und Behördengänge", "Administration and authorities"),
    ("mobility", "Mobilität und Verkehr", "Mobility and transport"),
    ("health", "Gesundheit", "Health"),
]

TARGET_GROUPS = [
    ("employers", "Arbeitgeber", "Employers"),
    ("skilled-workers", "Ausländische Fachkräfte", "Skilled workers from abroad"),
    ("trainees-students", "Auszubildende und Studierende", "Trainees and students"),
    ("authorities", "Behörden und Verwaltung", "Authorities"),
    ("public", "Öffentlichkeit", "The public"),
    ("families", "Familien", "Families"),
    ("multipliers", "Beratungsstellen und Multiplikatoren", "Advice services and multipliers"),
]


def seed(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    Topic = apps.get_model("core", "Topic")
    TargetGroup = apps.get_model("core", "TargetGroup")
    for slug, name, kind in REGIONS:
        Region.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    for slug, de, en in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name_de": de, "name_en": en})
    for slug, de, en in TARGET_GROUPS:
        TargetGroup.objects.get_or_create(slug=slug, defaults={"name_de": de, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
