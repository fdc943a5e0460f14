"""German ships complete: every German catalogue entry is translated (none fuzzy), and every
compiled .mo matches its .po, so a forgotten `compilemessages` cannot ship stale text."""

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list), fuzzy."""
    entries, entry, key = [], None, None
    fuzzy = False

    def finish():
        if entry is not None and entry.get("msgid") is not None:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if not line or line.startswith("#"):
            continue
        if line.startswith(("msgctxt", "msgid ")) and (entry is None or key not in (None, "msgctxt")):
            finish()
            entry, key = {"msgstr": [], "fuzzy": fuzzy}, None
            fuzzy = False
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if key.startswith("msgstr"):
                entry["msgstr"][-1] += value
            else:
                entry[key] += value
            continue
        keyword, _, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        key = keyword
        if keyword.startswith("msgstr"):
            entry["msgstr"].append(value)
        else:
            entry[keyword] = value
    finish()
    return entries


def test_there_are_catalogues_for_both_languages():
    languages = {p.parts[-3] for p in CATALOGUES}
    assert languages == {"de", "en"}


@pytest.mark.parametrize("po", [p for p in CATALOGUES if p.parts[-3] == "de"], ids=str)
def test_every_german_entry_is_translated(po):
    missing = [
        e["msgid"] for e in parse_po(po)
        if e["msgid"] and (e["fuzzy"] or not all(e["msgstr"]))
    ]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=str)
def test_the_compiled_catalogue_matches_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"run `make messages` to compile {po}"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in parse_po(po):
        if not e["msgid"] or e["fuzzy"] or not all(e["msgstr"]):
            continue
        context = e.get("msgctxt")
        if "msgid_plural" in e:
            got = compiled.npgettext(context, e["msgid"], e["msgid_plural"], 1) if context else compiled.ngettext(e["msgid"], e["msgid_plural"], 1)
            want = e["msgstr"][0]
        else:
            got = compiled.pgettext(context, e["msgid"]) if context else compiled.gettext(e["msgid"])
            want = e["msgstr"][0]
        if got != want:
            stale.append(e["msgid"])
    assert stale == []


def test_the_product_speaks_german_by_default_and_english_on_request():
    from workflows.transitions import TRANSITIONS

    with translation.override("de"):
        assert str(TRANSITIONS["propose_approach"].label) == "Lösungsansatz vorschlagen"
    with translation.override("en"):
        assert str(TRANSITIONS["propose_approach"].label) == "Propose approach"
