"""Issue 10, item 4 (and 8: dates, web addresses): bad input is a clear 4xx that changes nothing,
never a 500 — for strangers too."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from api.parsers import MAX_JSON_DEPTH, json_depth
from core.models import Organisation
from core.validators import validate_plausible_date, validate_web_address
from tests.api.conftest import challenge_in, client_for, snapshot
from tests.factories import region
from workflows.models import State

pytestmark = pytest.mark.django_db

NESTED_2KB = "[" * 1000 + "]" * 1000  # the attack of the issue: a RecursionError, a 500


def _post_raw(client, url, body: str):
    return client.generic("POST", url, body.encode(), content_type="application/json")


@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/challenges/"])
def test_deeply_nested_json_is_a_400_for_anybody(network, url):
    for client in (client_for(None), client_for(network.partner)):
        for body in (NESTED_2KB, '{"a":' * 1000 + "1" + "}" * 1000):
            response = _post_raw(client, url, body)
            assert response.status_code in (400, 401), (url, response.status_code)
            if response.status_code == 400:
                assert response.json()["code"] == "parse_error"


def test_the_token_endpoint_answers_nesting_with_400_before_anything_else():
    response = _post_raw(client_for(None), "/api/v1/auth/token/", NESTED_2KB)
    assert response.status_code == 400
    assert "nests deeper" in response.json()["detail"] or "verschachtelt" in response.json()["detail"]


def test_depth_counting_ignores_brackets_in_strings():
    assert json_depth('{"a": "[[[[[[[[[[[["}') == 1
    assert json_depth('{"a": "\\"[[[", "b": [[1]]}') == 3
    assert json_depth("[" * (MAX_JSON_DEPTH + 1)) == MAX_JSON_DEPTH + 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_size_limit_is_a_413(network):
    body = json.dumps({"email": "a@b.de", "password": "x" * 2000})
    response = _post_raw(client_for(None), "/api/v1/auth/token/", body)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


FILING_TEXT_FIELDS = ("title", "description")


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_in_a_filing_are_a_400_naming_the_field(network, character):
    from tests.api.test_challenges import filing_input

    client = client_for(network.partner)
    for field in FILING_TEXT_FIELDS:
        body = filing_input(network)
        body[field] = f"Anerkennung{character}dauert"
        response = client.post("/api/v1/challenges/", body, format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()
    assert not network.org.challenges.exists()


def test_nul_in_transition_bodies_is_a_400_that_changes_nothing(network):
    """The 500s of the issue: NUL in the text fields of transition bodies."""
    challenge = challenge_in(network, State.REPORTED)
    before = snapshot(challenge)
    client = client_for(network.coordinator)
    for body in (
        {"working_group": network.group.pk, "root_causes": "Schufa\x00", "affected": "x"},
        {"working_group": network.group.pk, "root_causes": "Schufa", "affected": "\x00"},
        {"reason": "out_of_scope", "note": "\x00"},
        {"reason": "referred", "referral_body": "lamsa", "note": "a\x00b"},
    ):
        name = "analyse" if "working_group" in body else "close"
        response = client.post(
            f"/api/v1/challenges/{challenge.pk}/transitions/{name}/", body, format="json"
        )
        assert response.status_code == 400, (body, response.content)
    # nested: an approach title in a list of objects
    moved = challenge_in(network, State.ANALYSED, title="Zweiter Fall")
    response = client_for(network.group_member).post(
        f"/api/v1/challenges/{moved.pk}/transitions/propose_approach/",
        {"approaches": [{"title": "Lotsen\x00", "description": "x"}], "selected": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "approaches.0.title" in response.json()
    assert snapshot(challenge) == before


def test_control_characters_in_query_strings_are_a_400(network, client):
    api = client_for(network.partner)
    for url in ("/api/v1/challenges/?search=a%00b", "/api/v1/good-practices/?search=%00"):
        response = api.get(url)
        assert response.status_code == 400, url
        assert response.json()["code"] == "invalid_input"
    client.force_login(network.partner)
    assert client.get("/challenges/?q=a%00b").status_code == 400
    assert client.get("/good-practices/?q=%01").status_code == 400


def test_control_characters_in_a_form_post_are_a_400_and_create_nothing(client):
    response = client.post(
        "/apply/",
        {"name": "Neu\x00 e.V.", "kind": "other", "region": region().pk,
         "person_display_name": "Neu", "person_email": "neu@example.org",
         "password": "ein-gutes-Passwort-2026", "password_again": "ein-gutes-Passwort-2026"},
    )
    assert response.status_code == 400
    assert "Steuerzeichen" in response.content.decode()  # says why, in the site's layout
    assert not Organisation.objects.filter(name__startswith="Neu").exists()


@pytest.mark.parametrize(
    "website",
    ['https://example.org/"><script>alert(1)</script>', "https://example.org/'onmouseover=x",
     "javascript:alert(1)", "ftp://example.org/", "https://exa mple.org/"],
)
def test_the_application_refuses_web_addresses_with_quotes_brackets_or_other_schemes(
    client, website
):
    response = client.post(
        "/apply/",
        {"name": "Neu e.V.", "kind": "other", "region": region().pk, "website": website,
         "person_display_name": "Neu", "person_email": "neu@example.org",
         "password": "ein-gutes-Passwort-2026", "password_again": "ein-gutes-Passwort-2026"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["website"]
    assert not Organisation.objects.filter(name="Neu e.V.").exists()


def test_the_service_refuses_such_web_addresses_too():
    from core.exceptions import MissingInput
    from core.services import organisation_apply

    with pytest.raises(MissingInput) as refused:
        organisation_apply(
            name="Neu e.V.", kind="other", region=region(), person_email="neu@example.org",
            person_display_name="Neu", password="ein-gutes-Passwort-2026",
            website='https://example.org/"><b>',
        )
    assert "website" in refused.value.fields


def test_web_address_validator_accepts_plain_links():
    validate_web_address("https://www.iq-netzwerk-sachsen-anhalt.de/angebote?x=1#a")
    validate_web_address("http://example.org")
    validate_web_address("")


@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(1999, 12, 31),
                                 datetime.date(2101, 1, 1), datetime.date(9999, 12, 31)])
def test_the_shared_date_rule_refuses_implausible_years(day):
    with pytest.raises(ValidationError):
        validate_plausible_date(day)


def test_the_shared_date_rule_accepts_the_years_of_a_case():
    for day in (datetime.date(2000, 1, 1), datetime.date(2026, 11, 27), datetime.date(2100, 12, 31)):
        validate_plausible_date(day)
