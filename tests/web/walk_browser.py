"""The checks the walk runs on every view (one page, one width, one language), in Chromium:

- axe-core (vendored, ``tests/web/vendor``) with the WCAG 2.1 A/AA rules finds no violation;
- the page does not scroll sideways (``scrollWidth <= innerWidth``; the board scrolls inside);
- no untranslated text: in German no English msgid of our catalogues that has a different German
  translation is visible, in English no such German translation, and no template syntax;
- no request leaves the site's origin (every other origin is aborted and reported);
- a full-page screenshot ``<role>-<lang>-<width>-<page>.jpg`` in ``artifacts/screenshots/``.

Shared by the walk (``test_walk.py``, ``make walk``) and its cheap subset in ``make test``."""

from __future__ import annotations

import functools
import os
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_translations import CATALOGUES, parse_po
from tests.web.test_browser import ARGS, CHROMIUM, SHOTS  # one Chromium set-up for every browser test
from tests.web.walk_urls import AXE_PATH

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE = VENDOR / "axe.min.js"
VERBOSE = os.environ.get("WALK_VERBOSE") == "1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HEIGHTS = {375: 740, 768: 1024, 1280: 900}
# axe runs at every width the walk visits (app.css breaks at 640, 900 and 960 px, so 768 px is a
# layout of its own: the tablet). WALK_AXE_WIDTHS=1280 narrows it while fixing one thing.
AXE_WIDTHS = tuple(int(w) for w in os.environ.get("WALK_AXE_WIDTHS", "375,768,1280").split(","))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#|%\(\w+\)s")


def launch(playwright):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *WALK_ARGS])


# The walk watches requests instead of routing them: Playwright switches the HTTP cache off for
# a context with a route, and then every page refetched the site's CSS, scripts and axe. So no
# request to another origin can leave the machine, every host name but the live server's
# resolves to nothing at once; the walk still sees (and reports) each such request.
WALK_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
# JPEG (quality 80) is written in about half the time of a PNG at the same full-page size, and
# stays readable for a person looking at the layout.
SHOT_TYPE, SHOT_QUALITY = "jpeg", 80


def _phrase(text: str) -> bool:
    """Long enough to be a phrase that cannot be a German word or a name by chance."""
    return (
        len(text) >= 8 and " " in text.strip() and "\n" not in text and "<" not in text
        and not PLACEHOLDER.search(text)
    )


@functools.cache
def foreign_phrases() -> dict[str, tuple[str, ...]]:
    """Per language, the phrases of the other language that must not show: for German the
    English msgids whose German translation differs, for English those German translations."""
    english, german = set(), set()
    for po in CATALOGUES:
        if po.parts[-3] != "de":
            continue
        for entry in parse_po(po):
            msgid, msgstr = entry["msgid"], (entry["msgstr"] or [""])[0]
            if not msgid or not msgstr or msgstr == msgid or "msgid_plural" in entry:
                continue
            if _phrase(msgid):
                english.add(msgid)
            if _phrase(msgstr):
                german.add(msgstr)
    # A phrase both languages use (an English msgid that is also another entry's German
    # translation, "Open Data" and the like) proves nothing either way; nor does a proper name
    # (the network's name, NETWORK_NAME, reads the same in both languages).
    from django.conf import settings

    names = {settings.NETWORK_NAME}
    return {"de": tuple(sorted(english - german - names)), "en": tuple(sorted(german - english - names))}


def untranslated(text: str, language: str) -> list[str]:
    found = [phrase for phrase in foreign_phrases().get(language[:2], ()) if phrase in text]
    found += [f"template syntax: {m.group(0)}" for m in TEMPLATE_SYNTAX.finditer(text)]
    return found


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations'], preload: false});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""


class Walker:
    """One browser context (one role, one language): visits pages and collects problems."""

    def __init__(self, browser, base_url: str, *, role: str, language: str, cookies=()):
        self.base = base_url.rstrip("/")
        self.origin = urlsplit(self.base)
        self.role, self.language = role, language
        # The site's CSP forbids inline scripts (rightly); axe is injected as one, so this
        # context lets the test's own script in. Other origins are still refused below.
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            locale="de-DE" if language == "de" else "en-GB",
            bypass_csp=True,
        )
        self.context.add_cookies(
            [{"name": "django_language", "value": language, "url": self.base}, *cookies]
        )
        self.context.on("request", self._watch)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.views = 0
        self._other_origin: list[str] = []
        self.seconds: Counter = Counter()  # where the walk's time goes: load, axe, shot, …

    def _timed(self, what: str, started: float) -> None:
        self.seconds[what] += time.perf_counter() - started

    def _watch(self, request):
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob") and (url.scheme, url.netloc) != (self.origin.scheme, self.origin.netloc):
            self._other_origin.append(request.url)  # it fails: launch() resolves no other host

    def problem(self, label: str, width: int | None, what: str) -> None:
        where = f"{self.role}-{self.language}" + (f"-{width}" if width else "")
        self.problems.append(f"{where} {label}: {what}")
        if VERBOSE:  # WALK_VERBOSE=1 (with -s): each problem as it is found
            print("PROBLEM", self.problems[-1], flush=True)

    def open(self, label: str, path: str, *, status: int | None = None):
        """Go to ``path``; a page answers below 400 at that very address (a sign-in redirect
        would hide a page), an error state with ``status``."""
        started = time.perf_counter()
        response = self.page.goto(self.base + path, wait_until="load")
        self._timed("load", started)
        got = response.status if response else None
        if status is None:
            if got is None or got >= 400:
                self.problem(label, None, f"{path} answered {got}")
                return False
            final = urlsplit(self.page.url).path
            if final != urlsplit(path).path and not path.startswith("/password-reset/"):
                self.problem(label, None, f"{path} redirected to {final}")
                return False
        elif got != status:
            self.problem(label, None, f"{path} answered {got}, expected {status}")
            return False
        return True

    def check(self, label: str, widths=(1280, 768, 375), *, shoot: bool = True,
              axe_widths=AXE_WIDTHS) -> None:
        """Run the checks at every width on the page that is open now (axe at ``axe_widths``)."""
        page = self.page
        for width in widths:
            page.set_viewport_size({"width": width, "height": HEIGHTS.get(width, 900)})
            # One frame: media-query listeners (app.js folds sections on a phone) run first.
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide = page.evaluate(WIDEST)
                self.problem(label, width, f"page scrolls sideways by {overflow}px ({wide})")
            started = time.perf_counter()
            for what in page.evaluate(CUT_WORDS):
                self.problem(label, width, what)
            self._timed("cut words", started)
            if width in axe_widths:
                started = time.perf_counter()
                if not page.evaluate("typeof window.axe !== 'undefined'"):
                    # From the site's origin (walk_urls), cached: compiled once, not per page.
                    page.add_script_tag(url=self.base + AXE_PATH)
                for violation in page.evaluate(AXE_RUN, AXE_TAGS):
                    self.problem(label, width, f"axe {violation['id']} ({violation['impact']}): {violation['nodes']}")
                self._timed("axe", started)
            if shoot:
                started = time.perf_counter()
                page.screenshot(
                    path=str(SHOTS / f"{self.role}-{self.language}-{width}-{label}.jpg"),
                    full_page=True, type=SHOT_TYPE, quality=SHOT_QUALITY,
                )
                self._timed("screenshot", started)
            self.views += 1
        page_language = page.evaluate("document.documentElement.lang")
        if page_language != self.language and label not in OWN_LANGUAGE:
            self.problem(label, None, f"the page is in {page_language!r}, not {self.language!r}")
        for phrase in untranslated(page.evaluate(VISIBLE_TEXT), page_language):
            self.problem(label, None, f"untranslated: {phrase!r}")
        if self._other_origin:
            self.problem(label, None, f"requests to other origins: {self._other_origin}")
            self._other_origin = []

    def close(self) -> None:
        self.context.close()


# Pages in another language than the session's, on purpose.
OWN_LANGUAGE = {
    "unsubscribe": "a mail's unsubscribe link answers in the recipient's language",
}

# The visible text, leaving out parts marked as another language (lang="de" on an event's
# German consent text in the English page): those are the organisers' words, not ours.
VISIBLE_TEXT = """() => {
  const own = document.documentElement.lang;
  const foreign = [...document.body.querySelectorAll('[lang]')].filter(e => e.lang && e.lang !== own);
  const saved = foreign.map(e => e.style.display);
  foreign.forEach(e => e.style.display = 'none');
  const text = document.body.innerText;
  foreign.forEach((e, i) => e.style.display = saved[i]);
  return text;
}"""


# The element that sticks out furthest, to say what makes a page scroll sideways.
WIDEST = """() => {
  let worst = null, right = window.innerWidth;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > right + 1 && r.width > 0) { right = r.right; worst = el; }
  }
  if (!worst) return 'nothing visible';
  return worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '') +
    (worst.className && typeof worst.className === 'string' ? '.' + worst.className.trim().split(/\\s+/).join('.') : '') +
    ' right=' + Math.round(right);
}"""


# Words a person cannot read whole (found at 768 and 1280 px in the challenge list): a table
# cell that breaks a word of up to 20 letters over two lines ("Magde|burg", a date), and, from
# 768 px on, a closed select whose chosen option is wider than the box that shows it.
# Hyphenation would make its own line breaks; Debian's Chromium has no dictionary for it, so a
# word on two lines is cut.
CUT_WORDS = """() => {
  const found = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (!cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Text only a screen reader gets sits in a 1 px box: every word of it "breaks".
      const box = node.parentElement.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      // Words, split after a hyphen (a line may end there): "Sachsen-" and "Anhalt".
      for (const m of node.data.matchAll(/(?<![^\\s-])[^\\s-]{2,20}-?(?![^\\s-])/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) found.push(`the word "${m[0]}" breaks over two lines in a table cell`);
      }
    }
  }
  const canvas = document.createElement('canvas').getContext('2d');
  // A phone's select may show the start of a long choice (the picker shows it whole); from a
  // tablet on, there is room for it.
  const selects = window.innerWidth >= 768 ? document.querySelectorAll('main select:not([multiple])') : [];
  for (const select of selects) {
    const option = select.options[select.selectedIndex];
    // Not one hidden behind a widget of its own (the admin's autocomplete keeps a 1 px one).
    if (!option || select.getBoundingClientRect().width <= 1) continue;
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    if (canvas.measureText(option.text).width > room)
      found.push(`the choice "${option.text}" of select ${select.name || select.id} is cut`);
  }
  return [...new Set(found)].slice(0, 5);
}"""


def session_cookie(live_server_url: str, user) -> dict:
    """A signed-in session for ``user`` as a browser cookie (no sign-in form per context)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }
