"""Issue 10, item 2: personal API tokens — named, expiring, shown once, stored hashed,
revocable by their owner; coordinators revoke but never read them. Existing clients keep
``POST /api/v1/auth/token/`` and ``Authorization: Token <key>``."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import tokens
from core.models import ApiToken

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


def api_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_person_makes_a_named_token_sees_the_key_once_and_it_works(client, network):
    client.force_login(network.partner)
    page = client.post(reverse("api-tokens"), {"name": "Nachtexport", "lifetime_days": "30"})
    assert page.status_code == 200
    key = re.search(r'<code id="new-token">([^<]+)</code>', page.content.decode()).group(1)
    token = ApiToken.objects.get(user=network.partner)
    assert token.name == "Nachtexport"
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert api_with(key).get("/api/v1/me/").json()["id"] == network.partner.pk
    # shown once: the list afterwards names it by its beginning only
    listing = client.get(reverse("api-tokens")).content.decode()
    assert "Nachtexport" in listing and key[:8] in listing and key not in listing
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_the_key_is_stored_hashed_only(network):
    token, key = tokens.token_create(actor=network.partner, name="Skript")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_apitoken")
        rows = cursor.fetchall()
    assert key not in repr(rows)
    assert token.digest == tokens.digest_of(key) != key


def test_expired_and_revoked_tokens_no_longer_authenticate(client, network):
    token, key = tokens.token_create(actor=network.partner, name="Kurz", lifetime_days=30)
    assert api_with(key).get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert api_with(key).get("/api/v1/me/").status_code == 401

    other, other_key = tokens.token_create(actor=network.partner, name="Widerruf")
    client.force_login(network.partner)
    assert client.post(reverse("api-token-revoke", args=[other.pk])).status_code == 302
    assert api_with(other_key).get("/api/v1/me/").status_code == 401


def test_nobody_revokes_anothers_token_on_the_page(client, network):
    token, key = tokens.token_create(actor=network.partner, name="Meins")
    client.force_login(network.other_partner)
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert api_with(key).get("/api/v1/me/").status_code == 200


def test_a_coordinator_revokes_in_the_admin_but_reads_nothing(client, network):
    call_command("grant_coordinator", network.coordinator.email)
    token, key = tokens.token_create(actor=network.partner, name="Verdächtig")
    client.force_login(network.coordinator)
    listing = client.get(reverse("admin:core_apitoken_changelist"))
    assert listing.status_code == 200
    detail = client.get(reverse("admin:core_apitoken_change", args=[token.pk]))
    for page in (listing, detail):
        body = page.content.decode()
        assert key not in body and token.digest not in body
    assert "Verdächtig" in listing.content.decode()
    response = client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert api_with(key).get("/api/v1/me/").status_code == 401


def test_the_token_endpoint_still_hands_out_working_tokens(network):
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": network.partner.email, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert api_with(key).get("/api/v1/me/").json()["id"] == network.partner.pk
    stored = ApiToken.objects.get(user=network.partner)
    assert stored.digest == tokens.digest_of(key) and stored.expires_at is not None


def test_clear_tokens_of_existing_clients_move_over_hashed_and_keep_working(network):
    """The migration: a token issued before (DRF's table, key in clear) becomes a digest; the
    client's key keeps working and no clear key is left."""
    import importlib

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    old = Token.objects.create(user=network.partner)
    migration = importlib.import_module("core.migrations.0006_api_tokens")
    migration.move_clear_tokens(apps, None)
    assert not Token.objects.exists()
    moved = ApiToken.objects.get(user=network.partner)
    assert moved.digest == tokens.digest_of(old.key) and moved.prefix == old.key[:8]
    assert api_with(old.key).get("/api/v1/me/").json()["id"] == network.partner.pk
