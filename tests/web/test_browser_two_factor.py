"""Two-factor sign-in end to end in a real browser: a person sets it up from their account
page (reading the secret off the page as an app would from the QR code), signs out, signs in
with a real TOTP code, and later with a recovery code, which a second time is refused."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp

from tests.factories import UserFactory, member_of

from .test_browser import PASSWORD, Session, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=drift):06d}"


def password_step(page, base: str, email: str) -> None:
    page.goto(base + "/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/sign-in/code/$"))


def sign_out(page) -> None:
    page.click("details.user-menu summary")
    page.click("details.user-menu form[action='/sign-out/'] button")
    page.wait_for_load_state()


def test_set_up_sign_in_with_a_code_and_a_recovery_code_once(browser, live_server, network):  # noqa: F811
    person = member_of(UserFactory(display_name="Tamara Zweifach"), network.org)
    session = Session(browser, live_server.url)
    page = session.sign_in(person.email)

    # Account page → two-factor → set up.
    page.click("details.user-menu summary")
    page.click('details.user-menu a[href="/account/"]')
    page.click('#account-sections a[href="/account/two-factor/"]')
    page.click("#two-factor-set-up")
    page.wait_for_selector(".qr-code svg")
    assert page.locator("#otpauth-uri").text_content().startswith("otpauth://totp/")
    secret = page.locator("#totp-secret").inner_text().strip()
    field = page.locator("#id_code")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    assert page.locator('label[for="id_code"]').is_visible()
    session.shot("two-factor-setup")
    page.fill("#id_code", code_for(secret))
    page.click("#two-factor-confirm button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    recovery = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(recovery) == 10
    session.shot("two-factor-recovery-codes")
    page.click('main a[href="/account/two-factor/"]')
    page.wait_for_selector("#two-factor-on")

    # Sign out; signing in now asks for the code after the password.
    sign_out(page)
    password_step(page, live_server.url, person.email)
    page.fill("#id_code", code_for(secret, drift=1))  # the set-up used the current one
    page.click("#sign-in-code button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    assert page.locator("details.user-menu summary").inner_text().endswith("Tamara Zweifach")

    # A recovery code signs in once.
    sign_out(page)
    password_step(page, live_server.url, person.email)
    page.fill("#id_recovery_code", recovery[0])
    page.click("#sign-in-code button[type=submit]")
    page.wait_for_selector(".message-warning")
    assert "/sign-in/" not in page.url
    sign_out(page)
    password_step(page, live_server.url, person.email)
    page.fill("#id_recovery_code", recovery[0])
    page.click("#sign-in-code button[type=submit]")
    page.wait_for_selector(".field-invalid")
    assert page.url.endswith("/sign-in/code/")
    session.shot("two-factor-recovery-refused")
    session.close()
