"""Issue 15: the e-mail change. The link goes to the new address (an outbox row, sent once),
a notice to the old one; the address changes only on confirmation by the signed-in person;
used, expired, forged and other people's links are refused; the new address must be free;
wrong passwords and repeated requests are limited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail, signing
from django.test import Client

from core import email_change
from core.models import EmailChange, User
from core.views_email_change import REQUESTS_PER_HOUR
from notifications.models import OutgoingMail
from notifications.services import send_now
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"  # the factories' password


@pytest.fixture
def person():
    return UserFactory(email="petra@example.org", display_name="Petra")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(client, new_email="petra.neu@example.org", password=PASSWORD):
    return client.post("/account/email/", {"new_email": new_email, "password": password})


def link_of(row: OutgoingMail) -> str:
    return re.search(r"/account/email/confirm/[^/\s]+/", row.body_text).group(0)


def test_the_link_goes_to_the_new_address_and_a_notice_to_the_old(
    person, django_capture_on_commit_callbacks
):
    client = signed_in(person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ask(client)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert len(callbacks) == 2  # each outbox row enqueues its own sending after commit
    rows = {row.key.rsplit(":", 1)[1]: row for row in OutgoingMail.objects.filter(recipient=person)}
    assert set(rows) == {"link", "notice"}
    assert rows["link"].to_email == "petra.neu@example.org"
    assert rows["notice"].to_email == "petra@example.org"
    assert "petra.neu@example.org" in rows["notice"].body_text
    assert "/account/email/confirm/" not in rows["notice"].body_text  # the link only to the new
    # nothing changes before the confirmation
    person.refresh_from_db()
    assert person.email == "petra@example.org"

    # sent through the outbox, once
    send_now(OutgoingMail.objects.filter(recipient=person).order_by("pk"))
    send_now(OutgoingMail.objects.filter(recipient=person).order_by("pk"))
    assert sorted(m.to[0] for m in mail.outbox) == ["petra.neu@example.org", "petra@example.org"]

    # the confirmation page asks before it changes anything (mail scanners open links)
    link = link_of(rows["link"])
    assert "email-change-confirm" in client.get(link).content.decode()
    person.refresh_from_db()
    assert person.email == "petra@example.org"
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(link)
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.email == "petra.neu@example.org"
    assert EmailChange.objects.get().status == EmailChange.Status.CONFIRMED
    changed = OutgoingMail.objects.get(recipient=person, key__endswith=":changed")
    assert changed.to_email == "petra@example.org"
    # the person signs in with the new address from now on
    assert Client().login(username="petra.neu@example.org", password=PASSWORD)
    assert not Client().login(username="petra@example.org", password=PASSWORD)


def test_a_used_link_is_refused(person):
    change = email_change.email_change_request(
        actor=person, new_email="neu@example.org", password=PASSWORD
    )
    token = email_change.confirmation_token(change)
    client = signed_in(person)
    assert client.post(f"/account/email/confirm/{token}/").status_code == 302
    again = client.post(f"/account/email/confirm/{token}/")
    assert again.status_code == 409
    assert OutgoingMail.objects.filter(key__endswith=":changed").count() == 1


def test_a_superseded_link_is_refused(person):
    first = email_change.email_change_request(
        actor=person, new_email="erste@example.org", password=PASSWORD
    )
    email_change.email_change_request(actor=person, new_email="zweite@example.org", password=PASSWORD)
    response = signed_in(person).post(
        f"/account/email/confirm/{email_change.confirmation_token(first)}/"
    )
    assert response.status_code == 409
    person.refresh_from_db()
    assert person.email == "petra@example.org"


def test_an_expired_link_is_refused(person):
    change = email_change.email_change_request(
        actor=person, new_email="neu@example.org", password=PASSWORD
    )
    EmailChange.objects.filter(pk=change.pk).update(
        created_at=change.created_at - email_change.MAX_AGE - datetime.timedelta(minutes=1)
    )
    response = signed_in(person).post(
        f"/account/email/confirm/{email_change.confirmation_token(change)}/"
    )
    assert response.status_code == 409
    assert "abgelaufen" in response.content.decode()
    person.refresh_from_db()
    assert person.email == "petra@example.org"


def test_a_forged_link_naming_another_person_is_refused(person):
    victim = UserFactory(email="victim@example.org")
    own = email_change.email_change_request(
        actor=person, new_email="neu@example.org", password=PASSWORD
    )
    victims = email_change.email_change_request(
        actor=victim, new_email="victim.neu@example.org", password=PASSWORD
    )
    # Re-sign the payload with another key, or name the victim in one's own valid token: no.
    forged = signing.dumps({"c": victims.pk, "u": victim.pk}, salt=email_change.SALT, key="guess")
    body, _sep, signature = email_change.confirmation_token(own).rpartition(":")
    swapped = signing.dumps({"c": victims.pk, "u": victim.pk}, salt=email_change.SALT)
    tampered = swapped.rpartition(":")[0] + ":" + signature
    for token in (forged, tampered):
        assert signed_in(victim).post(f"/account/email/confirm/{token}/").status_code == 404
    # A real link of the victim opened by somebody else signed in: not theirs.
    real = email_change.confirmation_token(victims)
    assert signed_in(person).post(f"/account/email/confirm/{real}/").status_code == 404
    victim.refresh_from_db()
    person.refresh_from_db()
    assert (victim.email, person.email) == ("victim@example.org", "petra@example.org")


def test_the_link_needs_the_person_signed_in(person):
    change = email_change.email_change_request(
        actor=person, new_email="neu@example.org", password=PASSWORD
    )
    link = f"/account/email/confirm/{email_change.confirmation_token(change)}/"
    response = Client().post(link)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert EmailChange.objects.get().status == EmailChange.Status.PENDING


@pytest.mark.parametrize(
    "new_email,password,field",
    [
        ("taken@example.org", PASSWORD, "new_email"),
        ("TAKEN@example.org", PASSWORD, "new_email"),
        ("petra@example.org", PASSWORD, "new_email"),
        ("kein-at-zeichen", PASSWORD, "new_email"),
        ("neu@example.org", "falsch", "password"),
    ],
)
def test_bad_requests_are_refused_with_the_field_named(person, new_email, password, field):
    UserFactory(email="taken@example.org")
    response = ask(signed_in(person), new_email, password)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not EmailChange.objects.exists() and not OutgoingMail.objects.exists()


def test_an_address_taken_meanwhile_is_refused_on_confirmation(person):
    change = email_change.email_change_request(
        actor=person, new_email="neu@example.org", password=PASSWORD
    )
    UserFactory(email="neu@example.org")
    response = signed_in(person).post(
        f"/account/email/confirm/{email_change.confirmation_token(change)}/"
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.email == "petra@example.org"


def test_requests_are_limited_per_person(person):
    client = signed_in(person)
    for n in range(REQUESTS_PER_HOUR):
        assert ask(client, f"neu{n}@example.org").status_code == 302
    refused = ask(client, "noch-eine@example.org")
    assert refused.status_code == 429
    assert EmailChange.objects.filter(new_email="noch-eine@example.org").count() == 0


def test_wrong_passwords_count_into_the_sign_in_lock_out(person):
    from core.lockout import (
        LOCKOUT_ATTEMPTS, SIGN_IN, is_locked, normalise_account, take_sign_in_attempt,
    )

    from django.test import RequestFactory

    same_source = RequestFactory().get("/")  # 127.0.0.1, as the test client
    for _n in range(LOCKOUT_ATTEMPTS - 1):  # failed sign-ins elsewhere, from this source
        take_sign_in_attempt(same_source, person.email)
    client = signed_in(person)
    assert not is_locked(SIGN_IN, normalise_account(person.email), "127.0.0.1")
    assert ask(client, "neu@example.org", "falsch").status_code == 400
    assert is_locked(SIGN_IN, normalise_account(person.email), "127.0.0.1")
    # now even the right password is refused without being looked at
    assert ask(client, "neu@example.org", PASSWORD).status_code == 429
    assert not User.objects.filter(email="neu@example.org").exists()


def test_the_export_lists_the_requests_and_the_time_zone(person):
    from core.personal_data import core_export

    email_change.email_change_request(actor=person, new_email="neu@example.org", password=PASSWORD)
    exported = core_export(person)
    assert [c["new_email"] for c in exported["email_changes"]] == ["neu@example.org"]
    assert exported["profile"]["time_zone"] == "Europe/Berlin"
