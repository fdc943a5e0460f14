"""Challenges describe situations, not people: a check for text that looks like it names a person.

``find_personal_data(text)`` finds e-mail addresses, phone numbers (German and international
formats), dates of birth (a date next to a birth word: "geb. 12.03.1990", "* 1990-03-12",
"born 12 March 1990") and street addresses ("Hauptstraße 12", "Breiter Weg 5a"). It is a
warning, not a filter: the services refuse to save flagged text until the person confirms
(``confirm_personal_data``), so a false alarm costs one tick and a missed one is no worse than
before. The patterns are deliberately narrow where German administrative text is full of
numbers: paragraphs ("§ 16d AufenthG"), years ("2026"), postcodes alone ("39104 Magdeburg"),
dates without a birth word ("seit dem 01.04.2012") and counts ("2.000 Fachkräfte") pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = {
    "email": _("an e-mail address"),
    "phone": _("a phone number"),
    "birth_date": _("a date of birth"),
    "address": _("a street address"),
}

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")

# +49 391 1234567, 0049 (0)391-123 45 67, (0391) 123456, 0171/1234567, 0391 12 34 56.
PHONE = re.compile(
    r"(?<![\w+/.,-])"
    r"(?:(?:\+|00)\d{1,3}[ \t./-]?(?:\(0\)[ \t]?)?\(?\d{2,5}\)?|\(0\d{2,5}\)|0\d{2,5})"
    r"(?:[ \t]?[/.-][ \t]?|[ \t])?\d{2,}(?:[ \t.-]?\d{2,}){0,4}"
    r"(?!\w|[,.-]?\d)"
)
MIN_PHONE_DIGITS = 7

_MONTHS = (
    r"(?:Jan(?:uar|uary)?|Feb(?:ruar|ruary)?|Mär(?:z)?|Mar(?:ch)?|Apr(?:il)?|Mai|May|"
    r"Jun(?:i|e)?|Jul(?:i|y)?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Okt(?:ober)?|Oct(?:ober)?|"
    r"Nov(?:ember)?|Dez(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}\.[ \t]?\d{1,2}\.[ \t]?(?:19|20)?\d{2}"  # 12.03.1990, 12. 3. 90
    r"|(?:19|20)\d{2}-\d{2}-\d{2}"  # 1990-03-12
    r"|\d{1,2}/\d{1,2}/(?:19|20)\d{2}"  # 03/12/1990
    r"|\d{1,2}\.?[ \t]+" + _MONTHS + r"[ \t]+(?:19|20)\d{2}"  # 12. März 1990, 12 March 1990
    r"|" + _MONTHS + r"[ \t]+\d{1,2},?[ \t]+(?:19|20)\d{2})"  # March 12, 1990
)
_BIRTH_WORDS = (
    r"(?:geb\.|geboren(?:[ \t]+(?:am|im))?|Geburtsdatum|Geburtstag|Geb\.-?Dat(?:um|\.)?|"
    r"born(?:[ \t]+on)?|date[ \t]+of[ \t]+birth|birth[ \t]?date|DOB|d\.o\.b\.)"
)
BIRTH_DATE = re.compile(
    r"(?:(?<!\w)" + _BIRTH_WORDS + r"[ \t:,]*|(?<![\w*])\*[ \t]?)" + _DATE + r"(?!\d)",
    re.IGNORECASE,
)

_STREET_SUFFIX = (
    r"(?i:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|steig|pfad|"
    r"promenade|stieg|zeile)"
)
_STREET_WORD = r"(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Damm|Ufer|Chaussee|Markt)"
# "Ein Ring 3", "Der Weg 2": a determiner before the word makes it an ordinary noun.
_NOT_A_STREET_NAME = (
    r"(?!(?:Der|Die|Das|Dem|Den|Des|Ein|Eine|Einen|Einem|Einer|Kein|Keine|Jeder|Jede|Jedes|"
    r"Unser|Unsere|Dieser|Diese|Dieses|The|A|An|One|Every|Each|This|Our)[ \t])"
)
# At most three digits: "Arbeitsmarkt 2026" names a year, not a house.
_HOUSE_NUMBER = r"[ \t]+\d{1,3}(?:[ \t]?[a-zA-Z](?![a-zA-Zäöüß]))?(?![\w.,]\d|\d)"
ADDRESS = re.compile(
    # Hauptstraße 12, Otto-von-Guericke-Str. 2a, Lindenweg 3
    r"(?<![\w-])[A-ZÄÖÜ][\wäöüß.-]*" + _STREET_SUFFIX + _HOUSE_NUMBER
    # Breiter Weg 5, Alter Markt 1, Am Neuen Ufer 7
    + r"|(?<![\w-])" + _NOT_A_STREET_NAME + r"(?:[A-ZÄÖÜ][a-zäöüß]+[ \t-]){1,3}" + _STREET_WORD
    + _HOUSE_NUMBER
)


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    text: str  # what was found, as written

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def _phones(text: str) -> list[str]:
    found = []
    for match in PHONE.finditer(text):
        value = match.group(0).strip()
        if sum(ch.isdigit() for ch in value) >= MIN_PHONE_DIGITS:
            found.append(value)
    return found


def find_personal_data(text: str | None) -> list[Finding]:
    """Everything in ``text`` that looks like it identifies a person, in the order of the kinds
    above and of appearance; each distinct finding once."""
    if not text:
        return []
    findings: list[Finding] = []
    emails = [m.group(0) for m in EMAIL.finditer(text)]
    findings += [Finding("email", value) for value in emails]
    # An e-mail address's digits are not a phone number too.
    without_emails = EMAIL.sub(" ", text)
    births = [m.group(0).strip() for m in BIRTH_DATE.finditer(without_emails)]
    findings += [Finding("phone", value) for value in _phones(BIRTH_DATE.sub(" ", without_emails))]
    findings += [Finding("birth_date", value) for value in births]
    findings += [Finding("address", m.group(0).strip()) for m in ADDRESS.finditer(without_emails)]
    unique: list[Finding] = []
    for finding in findings:
        if finding not in unique:
            unique.append(finding)
    return unique


def describe(findings: list[Finding]) -> str:
    """One sentence for a form or an API field error: what was found, quoted."""
    parts = [f'{finding.label} "{finding.text}"' for finding in findings]
    return str(
        _(
            "This text looks like it names a person: %(found)s. Challenges describe situations, "
            "not people: please remove these details, or confirm that they are not about an "
            "individual."
        )
    ) % {"found": "; ".join(parts)}


def personal_data_errors(texts: dict[str, str | None], *, confirmed: bool) -> dict[str, list[str]]:
    """Field errors for a service: the findings in ``texts`` (field name → text) under
    ``confirm_personal_data``, unless the person confirmed. Empty when nothing was found."""
    if confirmed:
        return {}
    findings: list[Finding] = []
    for value in texts.values():
        findings += [f for f in find_personal_data(value) if f not in findings]
    if not findings:
        return {}
    return {"confirm_personal_data": [describe(findings)]}
