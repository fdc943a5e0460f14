"""One lock-out for both doors: after 10 failed sign-ins for an address within 15 minutes, the
sign-in page and the token endpoint refuse that address, even with the right password."""

import pytest
from django.test import Client

from core.lockout import LOCKOUT_ATTEMPTS

pytestmark = pytest.mark.django_db

RIGHT = "pass-word-123"


def page_sign_in(email, password):
    return Client().post("/sign-in/", {"username": email, "password": password})


def test_the_sign_in_page_locks_an_address_after_repeated_failures(network):
    email = network.partner.email
    for _ in range(LOCKOUT_ATTEMPTS):
        assert page_sign_in(email, "wrong").status_code == 200  # form shown again
    response = page_sign_in(email, RIGHT)
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session
    assert "15" in response.content.decode()
    # the other address is not affected
    assert page_sign_in(network.other_partner.email, RIGHT).status_code == 302


def test_failures_on_the_page_count_for_the_api_too(network):
    email = network.partner.email
    for _ in range(LOCKOUT_ATTEMPTS):
        page_sign_in(email, "wrong")
    response = Client().post(
        "/api/v1/auth/token/", {"email": email, "password": RIGHT}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_a_successful_sign_in_clears_earlier_failures(network):
    email = network.partner.email
    for _ in range(LOCKOUT_ATTEMPTS - 1):
        page_sign_in(email, "wrong")
    assert page_sign_in(email, RIGHT).status_code == 302
    for _ in range(LOCKOUT_ATTEMPTS - 1):
        page_sign_in(email, "wrong")
    assert page_sign_in(email, RIGHT).status_code == 302
