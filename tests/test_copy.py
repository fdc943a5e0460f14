"""The copy follows docs/glossary.md (issue 15): German addresses people formally ("Sie"),
writes "E-Mail", uses gender-inclusive forms (a neutral word, else both forms: never a
generic masculine, slash, asterisk, colon or capital I) and the network's words; English
writes "email". Checked over every catalogue's translations, so a new string cannot slip by.

A failure names the catalogue and the string: fix its msgstr by hand (English: set a msgstr
when the msgid says "mail") and compile the catalogue with ``msgfmt -o django.mo django.po``."""

from __future__ import annotations

import re

import pytest

from tests.test_translations import CATALOGUES, parse_po

# Placeholders, markup, addresses and links are not prose.
NOT_PROSE = re.compile(r"%\(\w+\)[sdif]|\{[^}]*\}|<[^>]+>|https?://\S+|\S+@\S+")

GERMAN_FORBIDDEN = {
    "informal address (du/dein/euch)": re.compile(
        r"\b(?:du|dich|dir|dein|deine[mnrs]?|euch|euer|eure[mnrs]?)\b", re.I
    ),
    '"Mail" without "E-"': re.compile(r"(?<!E-)\bMail"),
    '"Email", "eMail" or "E-mail"': re.compile(r"\b(?:Email|eMail|E-mail|e-mail)s?\b"),
    "slash, asterisk, colon or capital-I gender form": re.compile(
        r"\w/in(?:nen)?\b|\w\*in(?:nen)?\b|\w:in(?:nen)?\b|[a-zäöü]Innen\b"
    ),
    # the glossary's words
    '"Duplikat" (glossary: Dublette)': re.compile(r"Duplikat"),
    '"Ansatz" alone (glossary: Lösungsansatz)': re.compile(r"\b(?:Ansatz|Ansätze|Ansätzen)\b"),
    '"zuordnen" (glossary: zuweisen)': re.compile(r"[Zz]uordn"),
    '"einreichen" (glossary: melden)': re.compile(r"[Ee]inreich|[Ee]ingereicht"),
    '"Digest" (glossary: Zusammenfassung)': re.compile(r"\bDigests?\b"),
}
# A masculine person noun is fine only beside its feminine form ("Koordinatorinnen und
# Koordinatoren"); a neutral word is better ("die Koordination", "Teilnehmende").
PERSON_NOUNS = (
    "Absender", "Antragsteller", "Ansprechpartner", "Benutzer", "Bewerber", "Empfänger",
    "Kolleg", "Koordinator", "Mitarbeiter", "Nutzer", "Teilnehmer", "Veranstalter", "Verfasser",
)
MASCULINE = re.compile(r"\b(" + "|".join(PERSON_NOUNS) + r")(?:e|en|n|s)?\b")

ENGLISH_FORBIDDEN = {
    '"mail" (glossary: email)': re.compile(r"(?<![Ee])(?<!E-)\b[Mm]ails?\b"),
    '"e-mail" (glossary: email)': re.compile(r"\b[Ee]-mail"),
}


def _texts(po, language):
    """(msgid, shown text) of every entry: the msgstr, or the msgid where English has none."""
    for entry in parse_po(po):
        if not entry["msgid"]:
            continue
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for n, text in enumerate(entry["msgstr"]):
            if language == "en" and not text:
                text = sources[min(n, 1)]
            if text:
                yield entry["msgid"], NOT_PROSE.sub(" ", text)


def _violations(po, language):
    rules = GERMAN_FORBIDDEN if language == "de" else ENGLISH_FORBIDDEN
    found = []
    for msgid, text in _texts(po, language):
        for what, pattern in rules.items():
            if pattern.search(text):
                found.append(f"{what}: {msgid!r} → {text!r}")
        if language == "de":
            for match in MASCULINE.finditer(text):
                if f"{match.group(1)}in" not in text:
                    found.append(f"generic masculine {match.group(0)!r}: {msgid!r} → {text!r}")
    return found


@pytest.mark.parametrize("po", CATALOGUES, ids=str)
def test_the_catalogue_follows_the_glossary(po):
    assert _violations(po, po.parts[-3]) == []


@pytest.mark.parametrize(
    "language,text,what",
    [
        ("de", "Bitte prüfe deine Eingabe.", "informal"),
        ("de", "Sie erhalten eine Mail.", '"Mail"'),
        ("de", "Ihre Mail-Einstellungen", '"Mail"'),
        ("de", "Mailadresse", '"Mail"'),
        ("de", "Ihre Email-Adresse", '"Email"'),
        ("de", "Verfasser/in", "slash"),
        ("de", "Empfänger*innen", "slash"),
        ("de", "Absender", "masculine"),
        ("de", "ein neuer Ansatz", "Lösungsansatz"),
        ("en", "You receive this mail because", '"mail"'),
        ("en", "Your e-mail address", '"e-mail"'),
    ],
)
def test_the_check_catches_what_the_glossary_forbids(tmp_path, language, text, what):
    po = tmp_path / language / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(f'msgid "x"\nmsgstr "{text}"\n', encoding="utf-8")
    found = _violations(po, language)
    assert found and any(what in f for f in found)


@pytest.mark.parametrize(
    "language,text",
    [
        ("de", "Sie erhalten diese E-Mail; Ihre E-Mail-Einstellungen, Übergabe-E-Mails"),
        ("de", "Koordinatorinnen und Koordinatoren, die Koordination, Teilnehmende"),
        ("de", "Der Inhalt der Datei passt nicht zu ihrem Namen: %(email)s"),
        ("en", "Your email address; Email me at once; emails"),
    ],
)
def test_the_check_lets_the_glossarys_words_pass(tmp_path, language, text):
    po = tmp_path / language / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(f'msgid "x"\nmsgstr "{text}"\n', encoding="utf-8")
    assert _violations(po, language) == []
