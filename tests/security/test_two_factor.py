"""Two-factor sign-in (issue 10): set-up with a real TOTP code, the sign-in's code step inside
the one lock-out, recovery codes (hashed, single use), the token endpoint's ``otp``, turning it
off, the coordinators' reset, the operator's requirement, export and erasure."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from core.exceptions import MissingInput, NotFound, PermissionDenied
from core.lockout import LOCKOUT_ATTEMPTS
from core.models import PersonalDataLog, RecoveryCode
from core.personal_data import person_erase, personal_data_export

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # tests/factories.py
SOURCE = "203.0.113.7"


def current_code(device: TOTPDevice, *, offset: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def turn_on(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.two_factor_begin(actor=user)
    codes = two_factor.two_factor_confirm(actor=user, code=current_code(device))
    device.refresh_from_db()
    # The code just used may not be used again; let the next ones (drift +1) be fresh.
    return device, codes


def password_step(email: str, client: Client | None = None, **extra):
    client = client or Client(REMOTE_ADDR=SOURCE)
    response = client.post("/sign-in/", {"username": email, "password": PASSWORD, **extra})
    return client, response


def test_set_up_through_the_pages_with_a_real_code(network):
    person = network.partner
    client = Client()
    client.force_login(person)
    page = client.get("/account/two-factor/set-up/")
    assert page.status_code == 200
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    assert "<svg" in body and two_factor.secret_of(device) in body
    assert "otpauth://totp/" in body
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    # Reloading keeps the secret the app may already have scanned.
    client.get("/account/two-factor/set-up/")
    assert TOTPDevice.objects.filter(user=person).count() == 1

    wrong = client.post("/account/two-factor/set-up/", {"code": "000000"})
    assert wrong.status_code == 400 and not two_factor.two_factor_enabled(person)

    done = client.post("/account/two-factor/set-up/", {"code": current_code(device)})
    assert done.status_code == 200 and two_factor.two_factor_enabled(person)
    shown = done.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10
    # Stored hashed: no code appears in the database.
    stored = set(RecoveryCode.objects.filter(user=person).values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & set(shown)
    assert "no-store" in done["Cache-Control"]
    assert client.get("/account/two-factor/").context["codes_left"] == 10


def test_sign_in_asks_for_the_code_after_the_password(network):
    person = network.partner
    device, _codes = turn_on(person)
    client, response = password_step(person.email, next="/challenges/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/code/"
    # Not signed in yet: the password alone opens nothing.
    assert client.get("/challenges/").status_code == 302
    page = client.get("/sign-in/code/")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()

    wrong = client.post("/sign-in/code/", {"code": "123456"})
    assert wrong.status_code == 400 and client.get("/challenges/").status_code == 302
    right = client.post("/sign-in/code/", {"code": current_code(device, offset=1)})
    assert right.status_code == 302 and right["Location"] == "/challenges/"
    assert client.get("/challenges/").status_code == 200


def test_the_code_step_needs_the_password_step_first(network):
    turn_on(network.partner)
    response = Client().post("/sign-in/code/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"


def test_a_recovery_code_works_once(network):
    person = network.partner
    _device, codes = turn_on(person)
    client, _ = password_step(person.email)
    signed_in = client.post("/sign-in/code/", {"recovery_code": codes[0].lower()})
    assert signed_in.status_code == 302 and two_factor.recovery_codes_left(person) == 9

    again, _ = password_step(person.email, client=Client(REMOTE_ADDR=SOURCE))
    refused = again.post("/sign-in/code/", {"recovery_code": codes[0]})
    assert refused.status_code == 400 and "recovery_code" in refused.context["form"].errors
    assert again.get("/challenges/").status_code == 302


def test_wrong_codes_count_into_the_one_lock_out_and_a_password_does_not_reset_it(network):
    person = network.partner
    device, _codes = turn_on(person)
    client, _ = password_step(person.email)  # ticket 1, not handed back
    for _ in range(LOCKOUT_ATTEMPTS // 2 - 1):
        client.post("/sign-in/code/", {"code": "000000"})  # tickets 2..5
    # Typing the password again takes a ticket too and hands none back.
    client, _ = password_step(person.email)  # ticket 6
    for _ in range(LOCKOUT_ATTEMPTS - 6):
        client.post("/sign-in/code/", {"code": "000000"})  # up to 10
    locked = client.post("/sign-in/code/", {"code": current_code(device, offset=1)})
    assert locked.status_code == 429
    assert client.get("/challenges/").status_code == 302
    # Another source is not locked out (a stranger cannot lock a person out).
    other, _ = password_step(person.email, client=Client(REMOTE_ADDR="198.51.100.9"))
    assert other.post("/sign-in/code/", {"code": current_code(device, offset=1)}).status_code == 302


def token(email: str, **extra):
    return Client(REMOTE_ADDR=SOURCE).post(
        "/api/v1/auth/token/", {"email": email, "password": PASSWORD, **extra},
        content_type="application/json",
    )


def test_the_token_endpoint_requires_otp_for_people_with_two_factor(network):
    person = network.partner
    device, codes = turn_on(person)
    missing = token(person.email)
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required" and "otp" in missing.json()
    wrong = token(person.email, otp="000000")
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    assert "otp" in wrong.json()
    right = token(person.email, otp=current_code(device, offset=1))
    assert right.status_code == 200 and right.json()["token"]
    assert token(person.email, otp=codes[1]).status_code == 200
    assert token(person.email, otp=codes[1]).status_code == 401  # used up
    # People without it keep sending email and password only.
    assert token(network.other_partner.email).status_code == 200


def test_turning_off_needs_password_and_code(network):
    person = network.partner
    device, _codes = turn_on(person)
    client = Client()
    client.force_login(person)
    no_password = client.post(
        "/account/two-factor/off/", {"password": "wrong", "code": current_code(device, offset=1)}
    )
    assert no_password.status_code == 400 and two_factor.two_factor_enabled(person)
    no_code = client.post("/account/two-factor/off/", {"password": PASSWORD, "code": "000000"})
    assert no_code.status_code == 400 and two_factor.two_factor_enabled(person)
    off = client.post(
        "/account/two-factor/off/", {"password": PASSWORD, "code": current_code(device, offset=1)}
    )
    assert off.status_code == 302 and not two_factor.two_factor_enabled(person)
    assert not RecoveryCode.objects.filter(user=person).exists()


def test_new_recovery_codes_replace_the_old(network):
    person = network.partner
    device, old = turn_on(person)
    new = two_factor.recovery_codes_renew(actor=person, code=current_code(device, offset=1))
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_factor.code_is_right(person, old[0])
    assert two_factor.code_is_right(person, new[0])
    with pytest.raises(MissingInput):
        two_factor.recovery_codes_renew(actor=person, code="000000")


def test_a_coordinator_resets_it_logged_never_seeing_a_secret(network):
    person = network.partner
    turn_on(person)
    with pytest.raises(NotFound):
        two_factor.two_factor_reset(actor=network.other_partner, person=person)
    with pytest.raises(PermissionDenied):
        two_factor.two_factor_reset(actor=network.coordinator, person=network.coordinator)
    two_factor.two_factor_reset(actor=network.coordinator, person=person)
    assert not two_factor.two_factor_enabled(person)
    assert not RecoveryCode.objects.filter(user=person).exists()
    log = PersonalDataLog.objects.get(person=person)
    assert log.action == PersonalDataLog.Action.TWO_FACTOR_RESET
    assert log.actor == network.coordinator


def test_the_admin_shows_no_totp_device_and_offers_the_reset(network):
    from django.contrib import admin

    from django.core.management import call_command

    assert not admin.site.is_registered(TOTPDevice)
    call_command("grant_coordinator", network.coordinator.email)
    coordinator = network.coordinator
    person = network.partner
    turn_on(person)
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        "/admin/core/user/",
        {"action": "reset_two_factor", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert not two_factor.two_factor_enabled(person)


def test_export_says_it_is_on_and_erasure_removes_it(network):
    person = network.partner
    device, _codes = turn_on(person)
    data = personal_data_export(actor=person, person=person)
    assert data["two_factor"]["enabled"] is True
    assert data["two_factor"]["recovery_codes_left"] == 10
    assert device.key not in repr(data) and two_factor.secret_of(device) not in repr(data)
    person_erase(actor=network.coordinator, person=person)
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not RecoveryCode.objects.filter(user=person).exists()


def test_required_for_coordinators_sends_them_to_the_set_up(network, settings):
    settings.WKN_REQUIRE_2FA_FOR_COORDINATORS = True
    coordinator = network.coordinator
    client = Client()
    client.force_login(coordinator)
    for path in ("/", "/challenges/", "/account/api-tokens/", "/data-protection/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/two-factor/set-up/"
    api = client.get("/api/v1/challenges/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_setup_required"
    assert token(coordinator.email).json()["code"] == "two_factor_setup_required"
    setup = client.get("/account/two-factor/set-up/")
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator)
    client.post("/account/two-factor/set-up/", {"code": current_code(device)})
    assert client.get("/challenges/").status_code == 200
    # Required: it cannot be turned off.
    with pytest.raises(PermissionDenied):
        two_factor.two_factor_disable(
            actor=coordinator, password=PASSWORD, code=current_code(device, offset=1)
        )
    # Others are not affected.
    partner = Client()
    partner.force_login(network.partner)
    assert partner.get("/challenges/").status_code == 200


def test_required_for_the_admin_sends_staff_to_the_set_up(network, settings):
    settings.WKN_REQUIRE_2FA_FOR_ADMIN = True
    operator = network.stakeholder
    operator.is_staff = True
    operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(operator)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/set-up/"
    assert client.get("/challenges/").status_code == 200  # the rest of the site stays open
    turn_on(operator)
    assert client.get("/admin/").status_code == 200
