"""Issue 10, item 6: password-reset requests are rate-limited per address and per source, and
answered identically (after the same work: one background task) whether or not the address
belongs to an account; only the real account gets mail."""

import re

import pytest
from django.core import mail
from django.test import Client

from core import tasks
from core.password_reset import RESETS_PER_ADDRESS, RESETS_PER_SOURCE

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

    # the background work: a mail for the real account only
    sent = [tasks.send_password_reset_mail(**call) for call in enqueued]
    assert sent == [1, 0]
    assert [m.to for m in mail.outbox] == [[network.partner.email]]
    assert "/password-reset/" in mail.outbox[0].body


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
