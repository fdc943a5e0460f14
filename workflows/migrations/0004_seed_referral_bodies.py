"""Seed the three referral bodies the network's founding text names (placeholders for contact
addresses; coordinators enter the real ones in the admin). Existing closures "referred to" one of
them by free text are linked to the record."""

from django.db import migrations

BODIES = [
    (
        "Landesintegrationsbeirat Sachsen-Anhalt",
        "Berät die Landesregierung in Fragen der Integration; nimmt Themen auf, die landesweite "
        "Regelungen brauchen.",
        "kontakt@landesintegrationsbeirat.example",
        "",
        "landesintegrationsbeirat",
    ),
    (
        "AG „Anerkennung und Arbeitsmarkt“",
        "Landesweite Arbeitsgruppe zur Anerkennung ausländischer Berufsabschlüsse und zum Zugang "
        "zum Arbeitsmarkt.",
        "kontakt@ag-anerkennung-arbeitsmarkt.example",
        "",
        "anerkennung und arbeitsmarkt",
    ),
    (
        "LAMSA – Landesnetzwerk Migrantenorganisationen Sachsen-Anhalt",
        "Dachverband der Migrantenorganisationen im Land; vertritt deren Anliegen und vermittelt "
        "in die Communities.",
        "kontakt@lamsa.example",
        "https://www.lamsa.de",
        "lamsa",
    ),
]


def seed(apps, schema_editor):
    ReferralBody = apps.get_model("workflows", "ReferralBody")
    Challenge = apps.get_model("workflows", "Challenge")
    for name, description, email, website, match in BODIES:
        body, _created = ReferralBody.objects.get_or_create(
            name=name,
            defaults={"description": description, "contact_email": email, "website": website},
        )
        Challenge.objects.filter(
            closure_reason="referred", referral_body=None, referred_to__icontains=match
        ).update(referral_body=body)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_referral_bodies_and_step_inputs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
