"""Issue 10, item 6: password-reset requests are rate-limited per address and per source, and
answered identically (after the same work: one background task) whether or not the address
belongs to an account; only the real account gets mail."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from core import tasks
from core.password_reset import RESETS_PER_ADDRESS, RESETS_PER_SOURCE
from notifications.models import OutgoingMail
from notifications.services import send_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """What the page hands to the background, instead of a broker: a list of task arguments."""
    calls = []
    monkeypatch.setattr(tasks.send_password_reset_mail, "delay", lambda **kw: calls.append(kw))
    return calls


def request_reset(email, source="203.0.113.1"):
    return Client(REMOTE_ADDR=source).post("/password-reset/", {"email": email})


def test_known_and_unknown_addresses_get_the_same_answer_after_the_same_work(
    network, enqueued, django_capture_on_commit_callbacks
):
    answers = []
    for email in (network.partner.email, "niemand@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = request_reset(email)
        done = Client().get(response["Location"])
        # the page differs only in its per-response nonce and CSRF token
        page = re.sub(r'nonce="[^"]+"|"X-CSRFToken": "[^"]+"|value="[A-Za-z0-9]{64}"', "",
                      done.content.decode())
        answers.append((response.status_code, response["Location"], done.status_code, page))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert mail.outbox == []  # nothing was sent while the page answered
    assert [call["email"] for call in enqueued] == [network.partner.email, "niemand@example.org"]

    # the background work: an outbox row for the real account only, sent by the outbox
    sent = [tasks.send_password_reset_mail(**call) for call in enqueued]
    assert sent == [1, 0]
    assert mail.outbox == []  # queued, not sent directly
    (row,) = OutgoingMail.objects.filter(key__startswith="password-reset:")
    assert (row.recipient, row.to_email) == (network.partner, network.partner.email)
    send_now([row])
    assert [m.to for m in mail.outbox] == [[network.partner.email]]
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", mail.outbox[0].body).group(0)
    # The link is built on SITE_URL, not on the Host the request named.
    assert link.startswith(settings.SITE_URL)


def test_the_reset_mail_goes_once_in_the_persons_language(network, enqueued):
    network.partner.preferred_language = "en"
    network.partner.save(update_fields=["preferred_language"])
    call = {"email": network.partner.email, "request_id": "r1"}
    # A redelivered task (at-least-once) queues no second mail for the same request.
    assert tasks.send_password_reset_mail(**call) == 1
    assert tasks.send_password_reset_mail(**call) == 1
    rows = list(OutgoingMail.objects.filter(key__startswith="password-reset:"))
    assert len(rows) == 1
    assert rows[0].subject == "Willkommensnetz: choose a new password"
    # A new request is a new mail.
    tasks.send_password_reset_mail(email=network.partner.email, request_id="r2")
    assert OutgoingMail.objects.filter(key__startswith="password-reset:").count() == 2


def test_the_reset_link_sets_a_new_password(network, enqueued):
    tasks.send_password_reset_mail(email=network.partner.email, request_id="r1")
    (row,) = OutgoingMail.objects.filter(key__startswith="password-reset:")
    path = re.search(r"/password-reset/[^/\s]+/[^/\s]+/", row.body_text).group(0)
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Ganz-Neu-2026!", "new_password2": "Ganz-Neu-2026!"},
    )
    assert done.status_code == 302
    network.partner.refresh_from_db()
    assert network.partner.check_password("Ganz-Neu-2026!")


def test_requests_for_one_address_are_limited_from_any_source(network, enqueued):
    email = network.partner.email
    for n in range(RESETS_PER_ADDRESS):
        assert request_reset(email, source=f"203.0.113.{n + 1}").status_code == 302
    refused = request_reset(email, source="198.51.100.9")
    assert refused.status_code == 429
    assert "Stunde" in refused.content.decode()
    # an unknown address is limited just the same (no oracle in the limit either)
    for n in range(RESETS_PER_ADDRESS):
        request_reset("niemand@example.org", source=f"203.0.113.{n + 1}")
    assert request_reset("niemand@example.org", source="198.51.100.9").status_code == 429


def test_requests_from_one_source_are_limited_whatever_the_address(
    network, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(RESETS_PER_SOURCE):
            assert request_reset(f"person{n}@example.org").status_code == 302
        refused = request_reset(network.partner.email)
    assert refused.status_code == 429
    assert len(enqueued) == RESETS_PER_SOURCE  # the refused one enqueued nothing
    assert request_reset(network.partner.email, source="203.0.113.99").status_code == 302
