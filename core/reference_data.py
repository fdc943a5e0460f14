"""The regions of Saxony-Anhalt (11 districts, 3 independent cities and the state as a whole),
and the starting taxonomies of topics and target groups. Coordinators extend them in the admin.

Loaded by a data migration; idempotent (rows are matched by key), so it can also restore them
where a database was emptied, as transactional tests do."""

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


def ensure_reference_data(region_model=None, topic_model=None, target_group_model=None) -> None:
    """Create whatever reference rows are missing (models may be historical ones)."""
    if region_model is None:
        from core.models import Region, TargetGroup, Topic

        region_model, topic_model, target_group_model = Region, Topic, TargetGroup
    for slug, name, kind in REGIONS:
        region_model.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    for slug, de, en in TOPICS:
        topic_model.objects.get_or_create(slug=slug, defaults={"name_de": de, "name_en": en})
    for slug, de, en in TARGET_GROUPS:
        target_group_model.objects.get_or_create(slug=slug, defaults={"name_de": de, "name_en": en})
