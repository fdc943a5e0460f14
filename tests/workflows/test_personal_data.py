"""The check for text that looks like it names a person (workflows/personal_data.py): what it
finds, what it must leave alone (German administrative text is full of numbers), and how the
services refuse flagged text until the person confirms."""

import pytest

from core.exceptions import MissingInput
from tests.builders import file_challenge
from workflows import services
from workflows.models import Challenge
from workflows.personal_data import find_personal_data, personal_data_errors


@pytest.mark.parametrize(
    "text,kind,found",
    [
        ("Bitte melden bei max.mustermann@example.de.", "email", "max.mustermann@example.de"),
        ("Erreichbar unter a.b-c+d@amt.sachsen-anhalt.de", "email", "a.b-c+d@amt.sachsen-anhalt.de"),
        ("Tel. 0391 1234567, ab 9 Uhr", "phone", "0391 1234567"),
        ("Telefon 0391/5678-123", "phone", "0391/5678-123"),
        ("mobil 0171/1234567", "phone", "0171/1234567"),
        ("+49 391 123 45 67 anrufen", "phone", "+49 391 123 45 67"),
        ("0049 (0)391-1234567", "phone", "0049 (0)391-1234567"),
        ("(0391) 123456", "phone", "(0391) 123456"),
        ("Herr M., geb. 12.03.1990, kam im Mai", "birth_date", "geb. 12.03.1990"),
        ("geboren am 3. Mai 1985 in Aleppo", "birth_date", "geboren am 3. Mai 1985"),
        ("Geburtsdatum: 1990-03-12", "birth_date", "Geburtsdatum: 1990-03-12"),
        ("Frau K. (* 12.3.1979)", "birth_date", "* 12.3.1979"),
        ("born on 12 March 1990", "birth_date", "born on 12 March 1990"),
        ("wohnt in der Hauptstraße 12 in Magdeburg", "address", "Hauptstraße 12"),
        ("Otto-von-Guericke-Str. 2a", "address", "Otto-von-Guericke-Str. 2a"),
        ("Lindenweg 3b, 06108 Halle", "address", "Lindenweg 3b"),
        ("Breiter Weg 5 in Magdeburg", "address", "Breiter Weg 5"),
        ("Am Alten Markt 3, Halle", "address", "Am Alten Markt 3"),
    ],
)
def test_it_finds_what_names_a_person(text, kind, found):
    findings = find_personal_data(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "Aufenthaltserlaubnis nach § 16d AufenthG zur Anerkennung",
        "§ 81a AufenthG: beschleunigtes Fachkräfteverfahren",
        "Paragraf 18 Abs. 2 Nr. 3",
        "Im Jahr 2026 kamen 2.000 Fachkräfte",
        "2025: 1234 Anträge, 2026: 1500",
        "Die Ausländerbehörde in 39104 Magdeburg",
        "06108 Halle (Saale)",
        "Seit dem 01.04.2012 gilt das Anerkennungsgesetz",
        "Erprobung vom 2026-03-01 bis 2026-06-30",
        "am 12.03. um 10 Uhr",
        "0,5 Stellen, Kosten 1.200.000 EUR",
        "Version 1.2.3 des Formulars",
        "Arbeitsmarkt 2026 in Sachsen-Anhalt",
        "Ein Ring 3 Zimmer weiter",
        "Der Weg 2 ist kürzer",
        "Die Anerkennung dauert 3 Monate",
        "Stufe 2 von 3",
        "",
    ],
)
def test_it_leaves_ordinary_text_alone(text):
    assert find_personal_data(text) == []


def test_several_findings_are_named_once_each_in_one_message():
    errors = personal_data_errors(
        {
            "title": "Anruf von 0391 1234567",
            "description": "Mail an a@example.org, Rückruf 0391 1234567, Hauptstraße 4",
        },
        confirmed=False,
    )
    (message,) = errors["confirm_personal_data"]
    assert message.count("0391 1234567") == 1
    assert "a@example.org" in message and "Hauptstraße 4" in message


def test_confirmation_or_clean_text_means_no_error():
    assert personal_data_errors({"d": "Tel. 0391 1234567"}, confirmed=True) == {}
    assert personal_data_errors({"d": "Anerkennung dauert"}, confirmed=False) == {}


# --- the services refuse before saving ----------------------------------------------------------


@pytest.mark.django_db
def test_filing_refuses_flagged_text_until_confirmed(network):
    with pytest.raises(MissingInput) as refused:
        file_challenge(
            actor=network.partner, organisation=network.org,
            description="Frau S., geb. 01.02.1988, wartet seit Monaten.",
        )
    assert "geb. 01.02.1988" in refused.value.fields["confirm_personal_data"][0]
    assert not Challenge.objects.exists()
    from tests.factories import region, target_group, topic

    challenge = services.challenge_file(
        actor=network.partner, organisation=network.org, title="Wartezeit",
        description="Frau S., geb. 01.02.1988, wartet seit Monaten.", topic=topic(),
        target_groups=[target_group()], region=region(), confirm_personal_data=True,
    )
    assert challenge.description.startswith("Frau S.")


@pytest.mark.django_db
def test_editing_checks_only_text_that_changes(network):
    from tests.factories import region, target_group, topic

    challenge = services.challenge_file(
        actor=network.partner, organisation=network.org, title="Wartezeit",
        description="Rückfragen unter 0391 1234567.", topic=topic(),
        target_groups=[target_group()], region=region(), confirm_personal_data=True,
    )
    # The confirmed description is left as it is: a new title needs no new confirmation.
    services.challenge_update(actor=network.partner, challenge=challenge, title="Lange Wartezeit",
                              description="Rückfragen unter 0391 1234567.")
    with pytest.raises(MissingInput) as refused:
        services.challenge_update(
            actor=network.partner, challenge=challenge, description="Mail an x@example.org"
        )
    assert "x@example.org" in refused.value.fields["confirm_personal_data"][0]
    challenge.refresh_from_db()
    assert challenge.title == "Lange Wartezeit"
    assert challenge.description == "Rückfragen unter 0391 1234567."
