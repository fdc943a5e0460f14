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


# --- every msgid of the sources is in the catalogues ------------------------------------------
# The same extraction as `makemessages` (Python: the gettext calls; templates: Django's own
# templatize), read without GNU gettext so the test runs anywhere and fast.

GETTEXT_CALLS = {
    "_": (None, 0, None), "gettext": (None, 0, None), "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None), "ngettext": (None, 0, 1), "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None), "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2), "npgettext_lazy": (0, 1, 2),
}
SOURCE_DIRS = ("api", "core", "network", "notifications", "workflows", "templates")


def _calls_in(tree: ast.AST):
    """(context, msgid, plural) of every gettext call with literal arguments."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        ctx_i, id_i, plural_i = GETTEXT_CALLS[name]
        args = node.args

        def literal(i):
            if i is None or i >= len(args):
                return None
            arg = args[i]
            return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else False

        msgid = literal(id_i)
        if not msgid:
            continue
        context, plural = literal(ctx_i), literal(plural_i)
        if context is False or plural is False:
            continue
        yield context, msgid, plural


def _template_calls(source: str, origin: str):
    """templatize() turns a template into text with gettext(...) calls in it; parse each call."""
    from django.utils.translation.template import templatize

    text = templatize(source, origin=origin)
    for start in (m.start() for m in __import__("re").finditer(r"\b(?:n?p?gettext)\(", text)):
        end = text.find(")", start)
        while end != -1:
            try:
                yield from _calls_in(ast.parse(text[start:end + 1], mode="eval"))
                break
            except SyntaxError:
                end = text.find(")", end + 1)


def source_messages() -> dict[tuple, str]:
    """(context, msgid) → where it is used, over every Python file and template we ship."""
    found: dict[tuple, str] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            rel = str(path.relative_to(ROOT))
            if path.suffix == ".py":
                calls = _calls_in(ast.parse(path.read_text(encoding="utf-8")))
            elif path.suffix in (".html", ".txt") and "templates" in path.parts:
                calls = _template_calls(path.read_text(encoding="utf-8"), rel)
            else:
                continue
            for context, msgid, _plural in calls:
                found.setdefault((context, msgid), rel)
    return found


def _catalogued(language: str) -> dict[tuple, list[str]]:
    entries = {}
    for po in CATALOGUES:
        if po.parts[-3] == language:
            for e in parse_po(po):
                entries.setdefault((e.get("msgctxt"), e["msgid"]), e["msgstr"])
    return entries


def test_every_source_msgid_is_in_both_catalogues_and_translated_in_german():
    sources = source_messages()
    assert len(sources) > 1000  # the extraction works (the product has ~1,500 messages)
    german, english = _catalogued("de"), _catalogued("en")
    with translation.override("de"):
        from django.utils.translation import gettext, pgettext

        def django_translates(context, msgid):  # Django's own catalogues (admin, auth, forms)
            return (pgettext(context, msgid) if context else gettext(msgid)) != msgid

        missing_de = sorted(
            f"{where}: {msgid!r}" for (context, msgid), where in sources.items()
            if not all(german.get((context, msgid)) or [""]) and not django_translates(context, msgid)
        )
        missing_en = sorted(
            f"{where}: {msgid!r}" for (context, msgid), where in sources.items()
            if (context, msgid) not in english and not django_translates(context, msgid)
        )
    assert missing_de == [], "add these to the German catalogue (by hand, at the end)"
    assert missing_en == [], "add these to the English catalogue (by hand, at the end)"
