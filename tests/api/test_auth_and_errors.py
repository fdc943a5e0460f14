"""Tokens, the login lock-out, throttling, and the one error shape."""

from __future__ import annotations

import pytest
from core.models import ApiToken
from core.tokens import digest_of
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from core.lockout import LOCKOUT_ATTEMPTS

PASSWORD = "pass-word-123"  # tests/factories.py


def _token(client, email, password):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def test_a_token_for_email_and_password_authenticates_later_requests(network):
    client = APIClient()

    response = _token(client, network.partner.email.upper(), PASSWORD)

    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=network.partner).digest == digest_of(token)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["id"] == network.partner.pk


def test_a_wrong_password_gets_no_token(network):
    response = _token(APIClient(), network.partner.email, "wrong")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_credentials", "detail": response.json()["detail"]}
    assert not ApiToken.objects.exists()


def test_an_inactive_person_gets_no_token(network):
    network.partner.is_active = False
    network.partner.save(update_fields=["is_active"])

    assert _token(APIClient(), network.partner.email, PASSWORD).status_code == 400


def test_after_ten_failures_the_address_is_locked_even_with_the_right_password(network):
    client = APIClient()
    for _attempt in range(LOCKOUT_ATTEMPTS):
        assert _token(client, network.partner.email, "guess").status_code == 400

    locked = _token(client, network.partner.email, PASSWORD)

    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert not ApiToken.objects.filter(user=network.partner).exists()
    # Other addresses are not affected.
    assert _token(client, network.other_partner.email, PASSWORD).status_code == 200


def test_a_success_before_the_limit_resets_the_count(network):
    client = APIClient()
    for _attempt in range(LOCKOUT_ATTEMPTS - 1):
        _token(client, network.partner.email, "guess")
    assert _token(client, network.partner.email, PASSWORD).status_code == 200
    for _attempt in range(LOCKOUT_ATTEMPTS - 1):
        _token(client, network.partner.email, "guess")

    assert _token(client, network.partner.email, PASSWORD).status_code == 200


def test_the_token_endpoint_has_its_own_stricter_rate(network, monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "token": "3/min"}
    )
    client = APIClient()
    for _attempt in range(3):
        assert _token(client, network.partner.email, PASSWORD).status_code == 200

    response = _token(client, network.partner.email, PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    # The ordinary endpoints are not throttled by it.
    assert client.get("/api/v1/topics/").status_code == 200


def test_production_rates_are_set_for_anonymous_users_and_the_token_endpoint():
    from core.settings import base

    rates = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"anon", "user", "token"} <= set(rates)


@pytest.mark.parametrize(
    "url", ["/api/v1/challenges/", "/api/v1/challenges/1/", "/api/v1/stats/", "/api/v1/me/",
            "/api/v1/organisations/", "/api/v1/working-groups/"],
)
def test_anonymous_callers_get_401_in_the_error_shape(db, url):
    response = APIClient().get(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = client.get("/api/v1/topics/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    "url", ["/api/v1/good-practices/", "/api/v1/topics/", "/api/v1/regions/", "/api/v1/target-groups/"],
)
def test_the_public_catalogue_and_taxonomies_need_no_sign_in(db, url):
    assert APIClient().get(url).status_code == 200


def test_unknown_api_paths_are_json_404(db):
    response = APIClient().get("/api/v1/nothing/here/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_non_numeric_id_is_404(network):
    from .conftest import client_for

    response = client_for(network.coordinator).get("/api/v1/challenges/abc/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_errors_follow_the_callers_language(network):
    from .conftest import client_for

    client = client_for(network.coordinator)

    german = client.get("/api/v1/challenges/999/", HTTP_ACCEPT_LANGUAGE="de").json()
    english = client.get("/api/v1/challenges/999/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert german["code"] == english["code"] == "not_found"
    assert german["detail"] != english["detail"]


def test_the_apis_own_messages_are_translated(network):
    german = _token(APIClient(HTTP_ACCEPT_LANGUAGE="de"), network.partner.email, "falsch").json()
    english = _token(APIClient(HTTP_ACCEPT_LANGUAGE="en"), network.partner.email, "wrong").json()

    assert german["detail"] == "E-Mail-Adresse oder Passwort ist falsch."
    assert english["detail"] == "Email or password is wrong."
