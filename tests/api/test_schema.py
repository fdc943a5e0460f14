"""The OpenAPI schema stays valid and warning-free; its docs are served by us."""

from __future__ import annotations

import re

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from workflows.transitions import TRANSITIONS


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    paths = set(schema["paths"])
    assert {
        "/api/v1/auth/token/",
        "/api/v1/challenges/",
        "/api/v1/challenges/similar/",
        "/api/v1/challenges/{id}/",
        "/api/v1/challenges/{id}/transitions/",
        *(f"/api/v1/challenges/{{id}}/transitions/{name}/" for name in TRANSITIONS),
        "/api/v1/referral-bodies/",
        "/api/v1/challenges/{id}/history/",
        "/api/v1/challenges/{id}/assignment/",
        "/api/v1/challenges/{id}/comments/",
        "/api/v1/challenges/{id}/follow/",
        "/api/v1/good-practices/",
        "/api/v1/good-practices/{id}/",
        "/api/v1/good-practices/{id}/publish/",
        "/api/v1/good-practices/{id}/unpublish/",
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{id}/",
        "/api/v1/recommendations/{id}/publish/",
        "/api/v1/recommendations/{id}/unpublish/",
        "/api/v1/organisations/",
        "/api/v1/working-groups/",
        "/api/v1/topics/",
        "/api/v1/regions/",
        "/api/v1/target-groups/",
        "/api/v1/stats/",
        "/api/v1/me/",
        "/api/v1/me/export/",
        "/api/v1/me/erasure/",
        "/api/v1/materials/",
        "/api/v1/materials/{id}/",
        "/api/v1/news/",
        "/api/v1/news/{id}/",
        "/api/v1/events/",
        "/api/v1/events/{id}/",
        "/api/v1/events/{id}/registrations/",
        "/api/v1/registrations/cancel/",
    } == paths
    for name in TRANSITIONS:
        transition = schema["paths"][f"/api/v1/challenges/{{id}}/transitions/{name}/"]["post"]
        assert {"200", "400", "401", "403", "404", "409"} <= set(transition["responses"])
        # Each step has its own typed body that names the state the caller expects.
        ref = transition["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert "expected_state" in body["required"], name
    propose = schema["components"]["schemas"]["ProposeApproachInputRequest"]
    assert propose["properties"]["approaches"]["type"] == "array"
    item = schema["components"]["schemas"]["ApproachItemInputRequest"]
    assert {"title", "description", "good_practice", "selected"} <= set(item["properties"])
    close = schema["components"]["schemas"]["CloseInputRequest"]
    assert close["properties"]["reason"]["allOf"][0]["$ref"].endswith("/ClosureReasonEnum")
    start = schema["components"]["schemas"]["StartTrialInputRequest"]
    assert start["properties"]["start"]["format"] == "date"


def test_the_schema_endpoint_serves_openapi_3(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_docs_load_every_asset_from_us(db):
    client = APIClient()

    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for url in assets:
        assert url.startswith("/"), f"{url} is not served by us"
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    assert "<script>" not in html  # the start-up script is a file (CSP: script-src 'self')
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
