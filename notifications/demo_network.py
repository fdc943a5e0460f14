"""The network's life in the demo of ``seed_demo``: the annual network event with its
programme, partner activities (one co-organised, one nearly full with a waiting list, one
network-only, one in English for people abroad, one proposal waiting to be published),
awareness material (small generated PDFs in the default storage) and news.

Here, not in ``network``: ``network`` never imports ``workflows``, whose ``seed_demo`` calls
this through ``workflows.hooks.on_demo_history_loaded`` (registered in
``NotificationsConfig.ready``). Built through the services, as people would, inside
``network.hooks.quiet()``: the demo's registrants are mailed nothing. Idempotent: events,
material and news are matched by title.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.models import Organisation, Region, TargetGroup, Topic, User
from network import hooks, services_events, services_public
from network.models_events import Event
from network.models_public import Material, News

DOMAIN = "willkommensnetz.example"  # RFC 2606: demo mail never reaches a real mailbox
COORDINATOR = f"koordination@{DOMAIN}"
NETWORK = "IQ Netzwerk Sachsen-Anhalt"


@dataclass
class DemoEvent:
    title: str
    kind: str
    organiser: str | None  # None: the network's annual event
    days: int  # from today; never tomorrow, or beat's first reminder run would mail
    hour: int
    hours: int
    description: str
    region: str
    topics: list[str]
    target_groups: list[str]
    place: str = ""
    online_url: str = ""
    language: str = "de"
    audience: str = Event.Audience.PUBLIC
    capacity: int | None = None
    registrations: int = 0
    co_organisers: list[tuple[str, bool]] = field(default_factory=list)  # name, accepted
    publish: bool = True
    programme: list[tuple[int, int, str, str, str]] = field(default_factory=list)


EVENTS = [
    DemoEvent(
        "Jahrestagung Willkommensnetz Sachsen-Anhalt 2027", Event.Kind.ANNUAL, None, 38, 9, 8,
        "Die Jahrestagung des Netzwerks: Partner aus dem ganzen Land zeigen, was Fachkräften aus "
        "dem Ausland das Ankommen erleichtert, und verabreden, was sie gemeinsam angehen. Offen "
        "für alle, die in Sachsen-Anhalt eine Willkommenskultur mitgestalten wollen.",
        "magdeburg", ["everyday-welcome", "employer-awareness", "recognition"],
        ["employers", "public", "multipliers"],
        place="Festung Mark, Hohepfortewall 1, 39104 Magdeburg", capacity=180, registrations=6,
        programme=[
            (0, 30, "Begrüßung und Bilanz des Netzwerkjahres", "Katrin Vogel (Koordination)", "Großer Saal"),
            (1, 0, "Podium: Was Fachkräfte bei uns hält", "Dr. Maria Schulze, Aylin Demir, Jens Hartmann", "Großer Saal"),
            (3, 0, "Werkstätten: Anerkennung, Wohnen, Einarbeitung", "die drei Arbeitsgruppen", "Seminarräume 1–3"),
            (5, 0, "Markt der Möglichkeiten: gute Praxis zum Mitnehmen", "", "Foyer"),
            (7, 0, "Ausblick und Verabredungen", "Koordination", "Großer Saal"),
        ],
    ),
    DemoEvent(
        "Workshop: Anerkennung ausländischer Berufsabschlüsse für Arbeitgeber", Event.Kind.WORKSHOP,
        "IHK Magdeburg", 12, 14, 3,
        "Wie läuft ein Anerkennungsverfahren, welche Unterlagen braucht es, und wie begleiten "
        "Betriebe ihre neuen Kolleginnen und Kollegen dabei? Gemeinsam mit der Handwerkskammer.",
        "magdeburg", ["recognition", "employer-awareness"], ["employers"],
        place="IHK Magdeburg, Alter Markt 8", capacity=30, registrations=9,
        co_organisers=[("Handwerkskammer Halle (Saale)", True)],
    ),
    DemoEvent(
        "Jobmesse Pflege und Gesundheit in Dessau", Event.Kind.JOB_FAIR,
        "Städtisches Klinikum Dessau", 20, 10, 6,
        "Kliniken, Pflegedienste und Praxen aus Anhalt stellen sich vor. Mit Beratung zur "
        "Anerkennung und zu Sprachkursen im Beruf.",
        "dessau-rosslau", ["health", "recognition", "language"], ["skilled-workers", "trainees-students"],
        place="Städtisches Klinikum Dessau, Auenweg 38", capacity=12, registrations=14,
        co_organisers=[("Agentur für Arbeit Halle", False)],
    ),
    DemoEvent(
        "Welcome to Saxony-Anhalt: online information evening for skilled workers abroad",
        Event.Kind.INFORMATION_DAY, "Agentur für Arbeit Halle", 26, 18, 2,
        "Living and working in Saxony-Anhalt: recognition of qualifications, visas, finding a "
        "flat and a school, and the partners who help you arrive. In English, with time for "
        "your questions.",
        "sachsen-anhalt", ["recognition", "residence", "everyday-welcome"], ["skilled-workers"],
        online_url="https://meet.willkommensnetz.example/welcome", language="en", registrations=3,
    ),
    DemoEvent(
        "Schulung: Interkulturelle Kompetenz in der Ausländerbehörde", Event.Kind.TRAINING,
        "AWO Landesverband Sachsen-Anhalt", 33, 9, 6,
        "Eine Schulung für Mitarbeitende der Behörden im Netzwerk: Gesprächsführung, "
        "Mehrsprachigkeit, typische Stolpersteine.",
        "stendal", ["authorities", "everyday-welcome"], ["authorities"],
        place="Landratsamt Stendal, Hospitalstraße 1–2", audience=Event.Audience.NETWORK, capacity=20,
    ),
    DemoEvent(
        "Infotag Ankommen in Halle: Wohnen, Kita, Behörden", Event.Kind.INFORMATION_DAY,
        "LAMSA e.V.", 45, 10, 4,
        "Ein Vormittag für neu angekommene Familien: Beratung zu Wohnungssuche, Kitaplatz und "
        "Behördengängen, mit Dolmetschenden.",
        "halle-saale", ["housing", "family", "everyday-welcome"], ["families"],
        place="Stadtmuseum Halle, Große Märkerstraße 10", publish=False,
    ),
]

MATERIALS = [
    # title, kind, language, licence, topic, target group, visibility, publish, description
    ("Leitfaden: Anerkennung im Betrieb begleiten", Material.Kind.GUIDE, "de",
     Material.Licence.CC_BY, "recognition", "employers", "public", True,
     "Schritt für Schritt durch das Anerkennungsverfahren, mit Ansprechstellen im Land."),
    ("Checkliste: Die ersten 100 Tage neuer Fachkräfte", Material.Kind.CHECKLIST, "de",
     Material.Licence.CC_BY_SA, "onboarding", "employers", "public", True,
     "Was vor dem ersten Arbeitstag, in der ersten Woche und im ersten Quartal zu tun ist."),
    ("Flyer: Welcome to Saxony-Anhalt", Material.Kind.FLYER, "en",
     Material.Licence.CC_BY, "everyday-welcome", "skilled-workers", "public", True,
     "Who helps you arrive: the network's partners and advice centres across the state."),
    ("Präsentation: Netzwerkbilanz für die Partner", Material.Kind.PRESENTATION, "de",
     Material.Licence.ALL_RIGHTS_RESERVED, "employer-awareness", "multipliers", "network", True,
     "Zahlen und Beispiele aus dem Netzwerkjahr, für Vorträge der Partner."),
    ("Leitfaden: Wohnungssuche für Neuankommende", Material.Kind.GUIDE, "de",
     Material.Licence.CC_BY, "housing", "skilled-workers", "public", False,
     "Wartet auf die Freigabe durch die Koordination."),
]

NEWS = [
    # title, text, visibility, days ago
    ("Anmeldung zur Jahrestagung 2027 ist offen",
     "Die Jahrestagung des Willkommensnetzes findet in der Festung Mark in Magdeburg statt. "
     "Programm und Anmeldung finden Sie im Veranstaltungskalender.", "public", 2),
    ("Drei neue Partner im Netzwerk",
     "Mit einem Pflegedienst aus der Altmark, einem Metallbaubetrieb aus dem Burgenlandkreis "
     "und der Hochschule Anhalt wächst das Netzwerk weiter. Wer mitmachen möchte, kann die "
     "Aufnahme online beantragen.", "public", 9),
    ("Protokoll der Koordinationsrunde im Oktober",
     "Das Protokoll und die Verabredungen der letzten Koordinationsrunde liegen im "
     "Materialbereich für die Partner bereit.", "network", 20),
]


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF that shows the title (Helvetica, Latin-1)."""
    text = title.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 16 Tf 56 780 Td (" + text + b") Tj 0 -28 Td /F1 11 Tf (Willkommensnetz Sachsen-Anhalt - Demo) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _day_at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _member_of(organisation: Organisation) -> User:
    return organisation.members.order_by("pk").first()


def _seed_event(spec: DemoEvent, coordinator: User, orgs: dict[str, Organisation]) -> None:
    organiser = orgs[spec.organiser] if spec.organiser else None
    actor = _member_of(organiser) if organiser else coordinator
    starts = _day_at(spec.days, spec.hour)
    event = services_events.event_propose(
        actor=actor, organiser=organiser, kind=spec.kind, title=spec.title,
        description=spec.description, starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=spec.hours), place=spec.place,
        online_url=spec.online_url, region=Region.objects.get(slug=spec.region),
        topics=list(Topic.objects.filter(slug__in=spec.topics)),
        target_groups=list(TargetGroup.objects.filter(slug__in=spec.target_groups)),
        language=spec.language, audience=spec.audience, capacity=spec.capacity,
    )
    for hours, minutes, title, speakers, room in spec.programme:
        services_events.programme_session_add(
            actor=coordinator, event=event,
            starts_at=starts + datetime.timedelta(hours=hours, minutes=minutes), title=title,
            speakers=speakers, room=room,
        )
    if not spec.publish:
        return
    event = services_events.event_publish(actor=coordinator, event=event)
    # Offers come once the event is published: other partners see it from then on.
    for name, accepted in spec.co_organisers:
        offer = services_events.co_organiser_offer(
            actor=_member_of(orgs[name]), event=event, organisation=orgs[name]
        )
        if accepted:
            services_events.co_organiser_decide(actor=actor, co_organiser=offer, accept=True)
    for i in range(spec.registrations):
        services_events.registration_register(
            event=event, name=f"Gast {i + 1}", email=f"gast{i + 1}.{event.pk}@{DOMAIN}",
            organisation_name="" if i % 3 else "Pflegedienst Altmark GmbH", consent=True,
            language=spec.language,
        )


def seed_network_life() -> dict[str, int]:
    """Create the demo's events, material and news if missing; returns what was created."""
    created = {"events": 0, "materials": 0, "news": 0}
    coordinator = User.objects.filter(email=COORDINATOR).first()
    if coordinator is None:  # not the demo network
        return created
    orgs = {org.name: org for org in Organisation.objects.filter(status=Organisation.Status.ADMITTED)}
    with hooks.quiet(), transaction.atomic():
        existing = set(Event.objects.values_list("title", flat=True))
        for spec in EVENTS:
            if spec.title not in existing:
                _seed_event(spec, coordinator, orgs)
                created["events"] += 1
        existing = set(Material.objects.values_list("title", flat=True))
        for title, kind, language, licence, topic, group, visibility, publish, text in MATERIALS:
            if title in existing:
                continue
            material = services_public.material_upload(
                actor=coordinator, title=title, kind=kind, licence=licence, description=text,
                file=ContentFile(_pdf(title), name="demo.pdf"), language=language,
                visibility=visibility, topic=Topic.objects.get(slug=topic),
                target_group=TargetGroup.objects.get(slug=group), organisation=orgs.get(NETWORK),
            )
            if publish:
                services_public.material_publish(actor=coordinator, material=material)
            created["materials"] += 1
        existing = set(News.objects.values_list("title", flat=True))
        for title, text, visibility, days_ago in NEWS:
            if title not in existing:
                services_public.news_create(
                    actor=coordinator, title=title, text=text, visibility=visibility,
                    published_at=timezone.now() - datetime.timedelta(days=days_ago),
                )
                created["news"] += 1
    return created
