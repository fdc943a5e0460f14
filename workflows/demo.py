"""The demo network of ``manage.py seed_demo``: believable, German, built through the services
with a clock moved back in time so every challenge has a real history.

Idempotent: people and organisations are matched by email and name, challenges by title, so a
second run creates nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import time_machine
from django.db import transaction
from django.utils import timezone

from core.reference_data import ensure_reference_data
from core.models import Membership, Organisation, Region, TargetGroup, Topic, User, WorkingGroup

from . import hooks, services
from .models import Challenge, Event, GoodPractice

DEMO_PASSWORD = "willkommen2026"
DOMAIN = "demo.willkommensnetz.de"

ORGANISATIONS = [
    # name, kind, region slug, website
    ("IQ Netzwerk Sachsen-Anhalt", "other", "magdeburg", "https://www.iq-netzwerk-sachsen-anhalt.de"),
    ("IHK Magdeburg", "chamber", "magdeburg", "https://www.magdeburg.ihk.de"),
    ("Handwerkskammer Halle (Saale)", "chamber", "halle-saale", "https://www.hwkhalle.de"),
    ("Agentur für Arbeit Halle", "employment_agency", "halle-saale", ""),
    ("Jobcenter Landkreis Harz", "employment_agency", "harz", ""),
    ("Landeshauptstadt Magdeburg, Integrationsbüro", "municipality", "magdeburg", ""),
    ("Landkreis Stendal, Ausländerbehörde", "authority", "stendal", ""),
    ("Otto-von-Guericke-Universität Magdeburg", "education", "magdeburg", "https://www.ovgu.de"),
    ("Hochschule Anhalt", "education", "anhalt-bitterfeld", "https://www.hs-anhalt.de"),
    ("LAMSA e.V.", "migrant_organisation", "halle-saale", "https://www.lamsa.de"),
    ("Caritasverband für das Bistum Magdeburg", "welfare", "magdeburg", ""),
    ("AWO Landesverband Sachsen-Anhalt", "welfare", "magdeburg", ""),
    ("Städtisches Klinikum Dessau", "employer", "dessau-rosslau", ""),
    ("Pflegedienst Altmark GmbH", "employer", "altmarkkreis-salzwedel", ""),
    ("Metallbau Burgenland GmbH", "employer", "burgenlandkreis", ""),
]
PENDING_ORGANISATION = ("Wittenberger Logistik AG", "employer", "wittenberg", "")

WORKING_GROUPS = [
    ("AG Anerkennung und Arbeitsmarkt", "ag-anerkennung",
     "Anerkennung ausländischer Abschlüsse, Zugang zum Arbeitsmarkt, Sprache im Beruf.",
     ["recognition", "language", "authorities"]),
    ("AG Ankommen und Wohnen", "ag-ankommen",
     "Wohnen, Familie, Alltag und Behördengänge in den ersten Monaten.",
     ["housing", "family", "everyday-welcome", "residence", "mobility"]),
    ("AG Arbeitgeber und Ausbildung", "ag-arbeitgeber",
     "Arbeitgeber sensibilisieren, Einarbeitung und Ausbildung begleiten.",
     ["employer-awareness", "onboarding", "training"]),
]


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    organisation: str | None
    group: str | None = None
    coordinator: bool = False
    stakeholder: bool = False
    language: str = "de"
    role_label: str = ""


PEOPLE = [
    Person("koordination", "Katrin Vogel", "IQ Netzwerk Sachsen-Anhalt", coordinator=True,
           role_label="coordinator (also admin)"),
    Person("partner", "Jens Hartmann", "IHK Magdeburg", role_label="partner member"),
    Person("partnerin.halle", "Aylin Demir", "LAMSA e.V.", role_label="partner member"),
    Person("klinikum", "Dr. Maria Schulze", "Städtisches Klinikum Dessau", role_label="partner member"),
    Person("ag.anerkennung", "Thomas Richter", "Handwerkskammer Halle (Saale)", group="ag-anerkennung",
           role_label="working-group member (AG Anerkennung)"),
    Person("ag.ankommen", "Sabine Krüger", "Caritasverband für das Bistum Magdeburg", group="ag-ankommen",
           role_label="working-group member (AG Ankommen)"),
    Person("ag.arbeitgeber", "Mehmet Yılmaz", "Agentur für Arbeit Halle", group="ag-arbeitgeber",
           language="en", role_label="working-group member (AG Arbeitgeber), English"),
    Person("stakeholder", "Andrea Neumann", None, stakeholder=True,
           role_label="stakeholder (ministry)"),
]

# title, description, topic, region, reporting organisation, target groups, group, final state,
# visibility, days ago filed
CHALLENGES: list[tuple] = [
    ("Anerkennungsverfahren für Pflegekräfte dauern zu lange",
     "Pflegefachkräfte aus dem Ausland warten im Schnitt neun Monate auf die Anerkennung; Stellen bleiben so lange unbesetzt.",
     "recognition", "dessau-rosslau", "Städtisches Klinikum Dessau", ["employers", "skilled-workers"], "ag-anerkennung", "evaluated:successful:lotsen", "network", 320),
    ("Unterlagen für die Anerkennung im Handwerk unvollständig",
     "Antragstellende reichen Nachweise oft in mehreren Runden nach, weil unklar ist, was verlangt wird.",
     "recognition", "halle-saale", "Handwerkskammer Halle (Saale)", ["skilled-workers"], "ag-anerkennung", "evaluated:successful:lotsen", "network", 280),
    ("Wartezeiten bei der Ausländerbehörde für Aufenthaltstitel",
     "Termine zur Verlängerung des Aufenthaltstitels sind erst nach drei Monaten frei; Arbeitgeber fürchten Beschäftigungslücken.",
     "residence", "stendal", "Landkreis Stendal, Ausländerbehörde", ["authorities", "employers"], "ag-ankommen", "evaluated:partly:termin", "network", 260),
    ("Kaum möblierte Wohnungen für neu ankommende Fachkräfte",
     "Fachkräfte finden in den ersten Wochen keine Wohnung ohne SCHUFA-Auskunft und Arbeitsvertrag in Papierform.",
     "housing", "magdeburg", "Landeshauptstadt Magdeburg, Integrationsbüro", ["skilled-workers", "families"], "ag-ankommen", "evaluated:successful:wohnen", "network", 240),
    ("Kitaplätze für Kinder zugezogener Fachkräfte",
     "Familien ziehen nach, finden aber keinen Kitaplatz; ein Elternteil kann deshalb nicht arbeiten.",
     "family", "harz", "Jobcenter Landkreis Harz", ["families"], "ag-ankommen", "evaluated:not_successful", "network", 230),
    ("Betriebe wissen wenig über das Fachkräfteeinwanderungsgesetz",
     "Kleine und mittlere Betriebe kennen die neuen Wege der Einwanderung nicht und stellen deshalb nicht international ein.",
     "employer-awareness", "burgenlandkreis", "Metallbau Burgenland GmbH", ["employers"], "ag-arbeitgeber", "evaluated:successful:sprechstunde", "network", 220),
    ("Berufssprachkurse kollidieren mit Schichtarbeit",
     "Kurse finden vormittags statt; Beschäftigte in Schichtarbeit können nicht teilnehmen.",
     "language", "altmarkkreis-salzwedel", "Pflegedienst Altmark GmbH", ["skilled-workers", "employers"], "ag-anerkennung", "evaluated:successful:abendkurs", "network", 210),
    ("Internationale Studierende verlassen das Land nach dem Abschluss",
     "Viele Absolventinnen und Absolventen finden keinen Einstieg in regionale Unternehmen.",
     "training", "magdeburg", "Otto-von-Guericke-Universität Magdeburg", ["trainees-students", "employers"], "ag-arbeitgeber", "evaluated:partly:sprechstunde", "network", 200),
    ("Ausbildungsabbrüche bei Azubis aus Drittstaaten",
     "Im ersten Ausbildungsjahr brechen auffällig viele Auszubildende ab; Gründe sind Sprache, Wohnen und Einsamkeit.",
     "training", "anhalt-bitterfeld", "Hochschule Anhalt", ["trainees-students"], "ag-arbeitgeber", "trialled", "network", 150),
    ("Pendeln ohne Auto in der Altmark",
     "Arbeitsorte in der Fläche sind ohne Führerschein kaum erreichbar; ausländische Führerscheine werden nicht umgeschrieben.",
     "mobility", "altmarkkreis-salzwedel", "Pflegedienst Altmark GmbH", ["skilled-workers"], "ag-ankommen", "trialled", "network", 140),
    ("Mentoring für neue Kolleginnen im Klinikum",
     "Neue Pflegekräfte fühlen sich in den ersten Wochen auf Station allein gelassen.",
     "onboarding", "dessau-rosslau", "Städtisches Klinikum Dessau", ["employers", "skilled-workers"], "ag-arbeitgeber", "trialled", "restricted", 130),
    ("Kontoeröffnung ohne Meldebescheinigung",
     "Banken verlangen eine Meldebescheinigung, das Bürgeramt einen Mietvertrag, der Vermieter ein Konto.",
     "everyday-welcome", "halle-saale", "LAMSA e.V.", ["skilled-workers", "multipliers"], "ag-ankommen", "trialled", "network", 125),
    ("Anpassungsqualifizierung für Elektroniker fehlt regional",
     "Für teilweise anerkannte Abschlüsse gibt es im Süden des Landes keinen Anbieter der Anpassungsqualifizierung.",
     "recognition", "burgenlandkreis", "Handwerkskammer Halle (Saale)", ["skilled-workers", "employers"], "ag-anerkennung", "trialled", "network", 120),
    ("Ehrenamtliche Lotsen sind überlastet",
     "Die Begleitung zu Behörden hängt an wenigen Ehrenamtlichen.",
     "everyday-welcome", "magdeburg", "Caritasverband für das Bistum Magdeburg", ["multipliers"], "ag-ankommen", "trialled", "network", 110),
    ("Arbeitgeberservice kennt Anerkennungsberatung nicht",
     "Beraterinnen im Arbeitgeberservice verweisen selten an die Anerkennungsberatung.",
     "employer-awareness", "halle-saale", "Agentur für Arbeit Halle", ["authorities", "employers"], "ag-anerkennung", "trialled", "network", 100),
    ("Fachbegriffe in der Pflegedokumentation",
     "Pflegekräfte mit B2 scheitern an Abkürzungen und Fachsprache der Dokumentation.",
     "language", "magdeburg", "AWO Landesverband Sachsen-Anhalt", ["skilled-workers"], "ag-anerkennung", "approach_proposed", "network", 90),
    ("Willkommensmappe der Kommune veraltet",
     "Die Informationen für Neuzugezogene sind nur auf Deutsch und teilweise falsch.",
     "everyday-welcome", "magdeburg", "Landeshauptstadt Magdeburg, Integrationsbüro", ["public", "skilled-workers"], "ag-ankommen", "approach_proposed", "network", 85),
    ("Praktika für Geflüchtete mit Berufserfahrung",
     "Betriebe zögern, Praktika anzubieten, weil die rechtlichen Voraussetzungen unklar sind.",
     "employer-awareness", "harz", "Jobcenter Landkreis Harz", ["employers"], "ag-arbeitgeber", "approach_proposed", "network", 80),
    ("Familiennachzug verzögert Arbeitsbeginn",
     "Fachkräfte warten mit dem Umzug, bis der Familiennachzug geklärt ist.",
     "residence", "stendal", "Landkreis Stendal, Ausländerbehörde", ["families", "employers"], "ag-ankommen", "approach_proposed", "restricted", 75),
    ("Sprachmittlung im Krankenhausalltag",
     "Für Gespräche mit Angehörigen fehlen Dolmetschende, Kolleginnen springen ein.",
     "health", "dessau-rosslau", "Städtisches Klinikum Dessau", ["employers"], "ag-arbeitgeber", "approach_proposed", "network", 70),
    ("Anerkennung von Lehrkräften aus der Ukraine",
     "Lehrkräfte mit einem Fach erhalten nur eine Teilanerkennung und keine Perspektive.",
     "recognition", "halle-saale", "LAMSA e.V.", ["skilled-workers", "authorities"], "ag-anerkennung", "approach_proposed", "network", 65),
    ("Azubi-Wohnheimplätze fehlen",
     "Auszubildende aus dem Ausland finden kein bezahlbares Zimmer in Ausbildungsnähe.",
     "housing", "wittenberg", "IHK Magdeburg", ["trainees-students"], "ag-ankommen", "analysed", "network", 55),
    ("Diskriminierung bei der Wohnungssuche",
     "Bewerbungen mit ausländisch klingendem Namen bleiben häufiger unbeantwortet.",
     "housing", "halle-saale", "LAMSA e.V.", ["skilled-workers", "public"], "ag-ankommen", "analysed", "network", 50),
    ("Arbeitgeber scheuen den Aufwand beim beschleunigten Fachkräfteverfahren",
     "Das Verfahren nach § 81a AufenthG gilt als kompliziert; Vollmachten und Gebühren schrecken ab.",
     "residence", "magdeburg", "IHK Magdeburg", ["employers"], "ag-arbeitgeber", "analysed", "network", 48),
    ("Sprachcafés erreichen Berufstätige nicht",
     "Angebote am Nachmittag erreichen vor allem Menschen ohne Arbeit.",
     "language", "saalekreis", "AWO Landesverband Sachsen-Anhalt", ["skilled-workers"], "ag-anerkennung", "analysed", "network", 45),
    ("Vereinsleben und Nachbarschaft",
     "Fachkräfte berichten von Einsamkeit nach Feierabend; Vereine werben nicht mehrsprachig.",
     "everyday-welcome", "boerde", "Caritasverband für das Bistum Magdeburg", ["public", "skilled-workers"], "ag-ankommen", "analysed", "network", 42),
    ("Interne Umfrage: Bleibeabsichten im Klinikum",
     "Ergebnisse einer internen Befragung zu Bleibeabsichten; vertraulich bis zur Auswertung.",
     "onboarding", "dessau-rosslau", "Städtisches Klinikum Dessau", ["employers"], "ag-arbeitgeber", "analysed", "restricted", 40),
    ("Zeugnisbewertung für Hochschulabschlüsse dauert",
     "Die Zeugnisbewertung der ZAB dauert mehrere Monate; Bewerbungen verfallen.",
     "recognition", "magdeburg", "Otto-von-Guericke-Universität Magdeburg", ["trainees-students", "skilled-workers"], "ag-anerkennung", "analysed", "network", 38),
    ("Keine Anlaufstelle für Arbeitgeber im Landkreis Harz",
     "Arbeitgeber wissen nicht, wer im Landkreis zu internationaler Rekrutierung berät.",
     "employer-awareness", "harz", "Jobcenter Landkreis Harz", ["employers"], None, "reported", "network", 30),
    ("Schulanmeldung für nachziehende Kinder",
     "Kinder warten Wochen auf einen Schulplatz und einen Sprachkurs.",
     "family", "salzlandkreis", "AWO Landesverband Sachsen-Anhalt", ["families"], None, "reported", "network", 24),
    ("Führerschein-Umschreibung ohne Übersetzung unmöglich",
     "Beglaubigte Übersetzungen sind teuer und dauern; ohne sie keine Umschreibung.",
     "mobility", "stendal", "Pflegedienst Altmark GmbH", ["skilled-workers"], None, "reported", "network", 20),
    ("Digitale Terminvergabe nur auf Deutsch",
     "Das Online-Terminportal des Bürgeramts gibt es nur auf Deutsch.",
     "authorities", "magdeburg", "LAMSA e.V.", ["skilled-workers", "authorities"], None, "reported", "network", 16),
    ("Gehaltsvorstellungen und Tarif",
     "Bewerberinnen aus dem Ausland kennen Tarifverträge nicht; Verhandlungen scheitern.",
     "onboarding", "burgenlandkreis", "Metallbau Burgenland GmbH", ["employers", "skilled-workers"], None, "reported", "network", 12),
    ("Hochschulsprachkurse voll",
     "Deutschkurse für internationale Studierende sind nach wenigen Stunden ausgebucht.",
     "language", "anhalt-bitterfeld", "Hochschule Anhalt", ["trainees-students"], None, "reported", "network", 8),
    ("Probleme bei der Anmeldung im Wohnheim",
     "Vertrauliche Rückmeldungen einzelner Bewohnerinnen zur Wohnsituation.",
     "housing", "magdeburg", "Otto-von-Guericke-Universität Magdeburg", ["trainees-students"], None, "reported", "restricted", 5),
    ("Steuer-ID kommt erst nach Wochen",
     "Ohne Steuer-ID wird nach Steuerklasse 6 abgerechnet; das erste Gehalt ist sehr niedrig.",
     "authorities", "halle-saale", "Agentur für Arbeit Halle", ["skilled-workers", "employers"], None, "reported", "network", 2),
    ("Doppelte Meldung: Anerkennung Pflege dauert",
     "Gleicher Sachverhalt wie die Meldung des Klinikums zur Anerkennungsdauer.",
     "recognition", "harz", "Jobcenter Landkreis Harz", ["employers"], None, "closed:duplicate", "network", 180),
    ("Rentenversicherung für Saisonkräfte",
     "Fragen zur Sozialversicherung von Saisonbeschäftigten in der Landwirtschaft.",
     "authorities", "boerde", "IHK Magdeburg", ["employers"], None, "closed:out_of_scope", "network", 170),
    ("Anerkennungszuschuss reicht nicht",
     "Der Anerkennungszuschuss deckt Übersetzungs- und Reisekosten nicht.",
     "recognition", "magdeburg", "LAMSA e.V.", ["skilled-workers"], "ag-anerkennung", "closed:referred", "network", 160),
    ("Fehlende Beratung zu Blue Card",
     "Arbeitgeber fragen nach Beratung zur Blauen Karte EU.",
     "residence", "halle-saale", "Handwerkskammer Halle (Saale)", ["employers"], None, "closed:out_of_scope", "network", 150),
]

APPROACHES = {
    "lotsen": ("Anerkennungslotsen begleiten das Verfahren",
               "Eine feste Ansprechperson prüft die Unterlagen vor dem Antrag und hält Kontakt zur zuständigen Stelle."),
    "termin": ("Gemeinsame Terminsprechstunde von Ausländerbehörde und Arbeitgebern",
               "Einmal im Monat reservierte Termine für Beschäftigte von Partnerbetrieben."),
    "wohnen": ("Übergangswohnungen mit kommunaler Wohnungsgesellschaft",
               "Möblierte Wohnungen für die ersten sechs Monate, vermittelt über das Integrationsbüro."),
    "sprechstunde": ("Arbeitgebersprechstunde Fachkräfteeinwanderung",
                     "Kammern und Arbeitsagentur beraten Betriebe gemeinsam, mit Checklisten und Mustervollmachten."),
    "abendkurs": ("Berufssprachkurs in Randzeiten",
                  "Kurse am frühen Abend und am Samstag, abgestimmt mit den Dienstplänen."),
    "kita": ("Kita-Brückenangebot", "Betreuung durch Tagespflegepersonen bis zum Kitaplatz."),
}

COMMENTS = [
    "Das kennen wir aus unserem Landkreis auch.",
    "Wir können beim nächsten Treffen Zahlen dazu mitbringen.",
    "Gibt es dazu schon Erfahrungen aus anderen Bundesländern?",
    "Die Kammer unterstützt gern bei der Ansprache der Betriebe.",
]


def _email(local: str) -> str:
    return f"{local}@{DOMAIN}"


# "Now" of this seeding run, fixed before any clock travel (inside a travel, timezone.now()
# would be the travelled time).
_base: datetime.datetime | None = None


def _at(days_ago: float) -> datetime.datetime:
    base = _base or timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    return base - datetime.timedelta(days=days_ago)


def seed_demo(*, log: Callable[[str], None] = print) -> dict[str, int]:
    """Create the demo network if it is not there yet; returns counts of what was created."""
    global _base
    _base = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    ensure_reference_data()
    created = {"organisations": 0, "people": 0, "working_groups": 0, "challenges": 0}
    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        for name, kind, region_slug, website in ORGANISATIONS + [PENDING_ORGANISATION]:
            pending = name == PENDING_ORGANISATION[0]
            org, was_created = Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "region": Region.objects.get(slug=region_slug),
                    "website": website,
                    "status": Organisation.Status.PENDING if pending else Organisation.Status.ADMITTED,
                    "admitted_at": None if pending else _at(400),
                    "contact_email": f"kontakt@{name.split()[0].lower().strip(',.')}.example",
                },
            )
            orgs[name] = org
            created["organisations"] += was_created

        groups: dict[str, WorkingGroup] = {}
        for name, slug, purpose, topics in WORKING_GROUPS:
            group, was_created = WorkingGroup.objects.get_or_create(
                slug=slug, defaults={"name": name, "purpose": purpose}
            )
            if was_created:
                group.topics.set(Topic.objects.filter(slug__in=topics))
            groups[slug] = group
            created["working_groups"] += was_created

        people: dict[str, User] = {}
        for person in PEOPLE:
            user = User.objects.filter(email=_email(person.email)).first()
            if user is None:
                user = User.objects.create_user(
                    email=_email(person.email),
                    password=DEMO_PASSWORD,
                    display_name=person.name,
                    preferred_language=person.language,
                    is_coordinator=person.coordinator,
                    is_stakeholder=person.stakeholder,
                    is_staff=person.coordinator,
                    is_superuser=person.coordinator,
                )
                created["people"] += 1
            if person.organisation:
                Membership.objects.get_or_create(user=user, organisation=orgs[person.organisation])
            if person.group:
                groups[person.group].members.add(user)
                if groups[person.group].lead_id is None:
                    groups[person.group].lead = user
                    groups[person.group].save(update_fields=["lead"])
            hooks.demo_person_seeded(user)  # e.g. mail preferences, by the notifications app
            people[person.email] = user
        # Every admitted organisation has somebody who can file for it.
        for name, org in orgs.items():
            if org.is_admitted and not org.memberships.exists():
                local = "kontakt." + "".join(ch for ch in name.lower() if ch.isalnum())[:20]
                user = User.objects.filter(email=_email(local)).first() or User.objects.create_user(
                    email=_email(local), password=DEMO_PASSWORD, display_name=f"Kontakt {name}"[:150]
                )
                Membership.objects.get_or_create(user=user, organisation=org)

    coordinator = people["koordination"]
    group_person = {
        "ag-anerkennung": people["ag.anerkennung"],
        "ag-ankommen": people["ag.ankommen"],
        "ag-arbeitgeber": people["ag.arbeitgeber"],
    }
    existing = set(Challenge.objects.values_list("title", flat=True))
    gp_by_approach: dict[str, int] = {}
    for entry in CHALLENGES:
        title, description, topic_slug, region_slug, org_name, tgs, group_slug, final, visibility, days = entry
        if title in existing:
            continue
        organisation = orgs[org_name]
        reporter = organisation.members.order_by("pk").first()
        step = max(days / 6, 1)
        with transaction.atomic(), time_machine.travel(_at(days), tick=False):
            challenge = services.challenge_file(
                actor=reporter,
                organisation=organisation,
                title=title,
                description=description,
                topic=Topic.objects.get(slug=topic_slug),
                target_groups=list(TargetGroup.objects.filter(slug__in=tgs)),
                region=Region.objects.get(slug=region_slug),
                visibility=visibility,
            )
            if group_slug and visibility == "restricted":
                # Only the coordinators see a restricted challenge of another organisation:
                # they triage it to a working group, which can then pick it up.
                services.challenge_assign_working_group(
                    actor=coordinator, challenge=challenge, working_group=groups[group_slug]
                )
            created["challenges"] += 1
            _play(
                challenge, final, group_slug, groups, group_person, coordinator, orgs, days, step,
                gp_by_approach,
            )

    # Two records are published, the rest wait for the coordinator's review.
    for record in GoodPractice.objects.filter(status=GoodPractice.Status.DRAFT).order_by("pk")[:2]:
        if not GoodPractice.objects.filter(status=GoodPractice.Status.PUBLISHED).count() >= 2:
            services.good_practice_publish(actor=coordinator, good_practice=record)
    # The demo's history happened "in the past": nobody is to be mailed about it now.
    Event.objects.filter(notified_at__isnull=True).update(notified_at=timezone.now())
    return created


def _play(challenge, final, group_slug, groups, group_person, coordinator, orgs, days, step, gp_by_approach):
    """Move one challenge along its demo path, a few days per step."""
    kind, _sep, detail = final.partition(":")
    outcome, _sep, approach_key = detail.partition(":")
    group = groups.get(group_slug) if group_slug else None
    actor = group_person.get(group_slug, coordinator)
    when = days

    def tick() -> datetime.datetime:
        nonlocal when
        when -= step
        return _at(max(when, 0.5))

    if kind == "reported":
        _comment(challenge, coordinator, _at(max(days - 1, 0.2)))
        return
    if kind == "closed":
        with time_machine.travel(tick(), tick=False):
            duplicate = Challenge.objects.filter(title=CHALLENGES[0][0]).first()
            services.challenge_close(
                actor=coordinator,
                challenge=challenge,
                reason=detail,
                duplicate_of=duplicate if detail == "duplicate" else None,
                referred_to="Landesintegrationsbeirat" if detail == "referred" else "",
                note="Im Koordinierungskreis besprochen.",
            )
        return
    with time_machine.travel(tick(), tick=False):
        services.challenge_analyse(
            actor=actor,
            challenge=challenge,
            working_group=group,
            root_causes="Zuständigkeiten sind verteilt, Informationen erreichen die Betroffenen zu spät.",
            affected="Fachkräfte in den ersten Monaten und ihre Arbeitgeber.",
        )
    _comment(challenge, coordinator, _at(max(when - 1, 0.3)))
    if kind == "analysed":
        return
    title, text = APPROACHES.get(approach_key or "", (f"Ansatz: {challenge.title[:60]}", "Abgestimmtes Vorgehen der Partner vor Ort."))
    with time_machine.travel(tick(), tick=False):
        services.challenge_propose_approach(
            actor=actor,
            challenge=challenge,
            approaches=[
                services.ApproachInput(title, text, gp_by_approach.get(approach_key)),
                services.ApproachInput("Informationsblatt in mehreren Sprachen", "Ein kurzes Merkblatt für Betroffene."),
            ],
            selected=0,
        )
    if kind == "approach_proposed":
        return
    start = timezone.localdate(_at(when)) + datetime.timedelta(days=1)
    with time_machine.travel(tick(), tick=False):
        services.challenge_start_trial(
            actor=actor,
            challenge=challenge,
            start=start,
            planned_end=start + datetime.timedelta(days=max(int(step * 2), 20)),
            partners=[challenge.organisation, orgs["IQ Netzwerk Sachsen-Anhalt"]],
            plan="Erprobung mit zwei Partnern über einige Wochen, danach gemeinsame Auswertung.",
        )
    _comment(challenge, group_person.get(group_slug, coordinator), _at(max(when - 1, 0.3)))
    if kind == "trialled":
        return
    with time_machine.travel(tick(), tick=False):
        services.challenge_evaluate(
            actor=actor,
            challenge=challenge,
            outcome=outcome,
            evidence="Wartezeiten deutlich kürzer; Rückmeldungen der Beteiligten positiv."
            if outcome != "not_successful" else "Keine messbare Veränderung.",
            lessons_learned="Früh alle Beteiligten an einen Tisch holen; Zuständigkeiten schriftlich festhalten.",
        )
    if approach_key and approach_key not in gp_by_approach:
        record = GoodPractice.objects.filter(approaches__challenge=challenge).first()
        if record is not None:
            gp_by_approach[approach_key] = record.pk


def _comment(challenge, author, at):
    with time_machine.travel(at, tick=False):
        services.comment_add(
            actor=author, challenge=challenge, body=COMMENTS[challenge.pk % len(COMMENTS)]
        )


def demo_logins() -> list[tuple[str, str, str]]:
    return [(p.role_label, _email(p.email), DEMO_PASSWORD) for p in PEOPLE]
