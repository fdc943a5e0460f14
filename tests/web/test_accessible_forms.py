"""Accessible forms (WCAG 2.1 AA, BITV 2.0) on every form page, read from the HTML the pages send.

- every ``aria-describedby`` names ids that exist on the page;
- a failed submit answers with an error summary ("Bitte korrigieren Sie: …") that can take the
  focus (``tabindex=-1``) and links to each field in error, and the fields say ``aria-invalid``;
- required fields carry ``required`` and are marked;
- no radio group preselects an empty choice.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.builders import advance, file_challenge
from workflows.models import State


class FormPage(HTMLParser):
    """The ids, aria references, error-summary links and inputs of one page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: list[str] = []
        self.summaries: list[dict] = []
        self.invalid: list[str] = []
        self.inputs: list[dict] = []
        self._summary_depth = 0
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._depth += 1
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by.extend(attrs["aria-describedby"].split())
        if attrs.get("aria-invalid") == "true":
            self.invalid.append(attrs.get("id", ""))
        if "data-error-summary" in attrs:
            self.summaries.append({"tabindex": attrs.get("tabindex"), "links": []})
            self._summary_depth = self._depth
        elif tag == "a" and self._summary_depth and attrs.get("href", "").startswith("#"):
            self.summaries[-1]["links"].append(attrs["href"][1:])
        if tag in ("input", "select", "textarea"):
            self.inputs.append({"tag": tag, **attrs})
        if tag in ("input", "meta", "link", "br", "img", "hr"):  # void elements
            self._depth -= 1

    def handle_endtag(self, tag):
        if self._summary_depth and self._depth == self._summary_depth:
            self._summary_depth = 0
        self._depth -= 1


def assert_references_exist(page: FormPage) -> None:
    missing = [ref for ref in page.described_by if ref not in page.ids]
    assert not missing, f"aria-describedby names ids that do not exist: {missing}"


def assert_error_state(response, *, fields: set[str] | None = None) -> FormPage:
    """A failed submit: the page says what is wrong, with a focusable summary linking each field."""
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    page = FormPage(html)
    assert_references_exist(page)
    assert len(page.summaries) >= 1, "no error summary after a failed submit"
    summary = page.summaries[0]
    assert summary["tabindex"] == "-1"
    assert "Bitte korrigieren Sie" in html
    for target in summary["links"]:
        assert target in page.ids, f"the summary links to #{target}, which does not exist"
    if fields is not None:
        # a radio or checkbox group is linked through its first option, ``id_<name>_0``
        linked = {target.removeprefix("id_") for target in summary["links"]}
        linked |= {name.removesuffix("_0") for name in linked}
        assert fields <= linked, (fields, linked)
        for name in fields:
            assert any(i.startswith(f"id_{name}") for i in page.invalid), f"{name} not aria-invalid"
    return page


@pytest.fixture
def challenge(network):
    return file_challenge(actor=network.partner, organisation=network.org)


def test_filing_form_marks_required_fields_and_summarises_errors(network, sign_in):
    client = sign_in(network.partner)
    page = FormPage(client.get(reverse("challenge-new")).content.decode())
    assert_references_exist(page)
    title = next(i for i in page.inputs if i.get("name") == "title")
    assert "required" in title
    assert not page.summaries  # no summary before anything was submitted

    response = client.post(reverse("challenge-new"), {"title": ""})

    page = assert_error_state(response, fields={"title", "description"})
    assert "Pflichtfeld" in response.content.decode()


def test_edit_form_errors(network, sign_in, challenge):
    response = sign_in(network.partner).post(
        reverse("challenge-edit", args=[challenge.pk]), {"title": ""}
    )
    assert_error_state(response, fields={"title"})


@pytest.mark.parametrize(
    "step, state, actor, fields",
    [
        ("analyse", State.REPORTED, "coordinator", {"root_causes", "affected"}),
        ("propose_approach", State.ANALYSED, "group_member", {"approach_0_title"}),
        ("start_trial", State.APPROACH_PROPOSED, "group_member", {"start", "planned_end"}),
        ("evaluate", State.TRIALLED, "group_member", {"outcome", "evidence"}),
        ("close", State.REPORTED, "coordinator", {"reason"}),
    ],
)
def test_step_forms_summarise_errors(network, sign_in, challenge, step, state, actor, fields):
    if state != State.REPORTED:
        challenge = advance(challenge, state, actor=network.group_member, group=network.group)
    client = sign_in(getattr(network, actor))
    url = reverse("challenge-step", args=[challenge.pk, step])
    page = FormPage(client.get(url).content.decode())
    assert_references_exist(page)

    response = client.post(url, {"expected_state": state})

    assert_error_state(response, fields=fields)


@pytest.mark.parametrize("step, state", [("evaluate", State.TRIALLED), ("close", State.REPORTED)])
def test_radio_groups_preselect_no_empty_choice(network, sign_in, challenge, step, state):
    if state != State.REPORTED:
        challenge = advance(challenge, state, actor=network.group_member, group=network.group)
    client = sign_in(network.coordinator if step == "close" else network.group_member)
    page = FormPage(client.get(reverse("challenge-step", args=[challenge.pk, step])).content.decode())
    radios = [i for i in page.inputs if i.get("type") == "radio"]
    assert radios
    assert all(r.get("value") for r in radios), "a radio button with an empty value"
    assert not any("checked" in r for r in radios)


def test_comment_form_errors_on_the_detail_page(network, sign_in, challenge):
    client = sign_in(network.partner)
    assert_references_exist(FormPage(client.get(reverse("challenge-detail", args=[challenge.pk])).content.decode()))
    response = client.post(reverse("challenge-comment", args=[challenge.pk]), {"body": ""})
    assert_error_state(response)


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("login", {"username": "nobody@example.org", "password": "wrong"}),
        ("password_reset", {"email": "not an address"}),
        ("apply", {}),
    ],
)
def test_anonymous_forms_summarise_errors(client, network, url_name, data):
    url = reverse(url_name)
    assert_references_exist(FormPage(client.get(url).content.decode()))
    assert_error_state(client.post(url, data))


@pytest.mark.parametrize("url_name", ["api-tokens", "join", "email-change"])
def test_signed_in_forms_summarise_errors(network, sign_in, url_name):
    client = sign_in(network.other_partner)
    url = reverse(url_name)
    assert_references_exist(FormPage(client.get(url).content.decode()))
    assert_error_state(client.post(url, {}))


@pytest.mark.parametrize(
    "url_name, role",
    [
        ("preferences", "partner"),
        ("my-data", "partner"),
        ("statistics", "coordinator"),
        ("data-protection", "coordinator"),
        ("recommendation-new", "coordinator"),
        ("import-sheet", "coordinator"),
        ("challenge-list", "coordinator"),
    ],
)
def test_form_pages_reference_only_existing_ids(network, sign_in, url_name, role):
    response = sign_in(getattr(network, role)).get(reverse(url_name))
    assert response.status_code == 200
    assert_references_exist(FormPage(response.content.decode()))


def test_good_practice_edit_errors(network, sign_in, evaluated):
    from workflows.models import GoodPractice

    record = GoodPractice.objects.get()
    client = sign_in(network.coordinator)
    url = reverse("good-practice-edit", args=[record.slug])
    assert_references_exist(FormPage(client.get(url).content.decode()))
    assert_error_state(client.post(url, {"title": ""}))


def test_challenge_and_good_practice_print_with_network_day_and_address(network, sign_in, published):
    from django.conf import settings

    client = sign_in(network.partner)
    challenge = published.approaches.first().challenge
    for url in (f"/challenges/{challenge.pk}/", f"/good-practices/{published.slug}/"):
        body = client.get(url).content.decode()
        masthead = body.split('class="print-masthead print-only meta">', 1)[1].split("</p>", 1)[0]
        assert settings.NETWORK_NAME in masthead and f"http://testserver{url}" in masthead
