"""Reply by mail: real mail, sent with smtplib to the real receiver (``receive_mail``'s aiosmtpd
server, in a thread on a free port), becomes a comment by its sender, or is refused and the
sender told why."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.core import signing
from django.db import connection

from notifications import inbound, services
from notifications.inbound_smtp import reply_receiver
from notifications.models import InboundMail, OutgoingMail
from tests.builders import file_challenge
from tests.factories import UserFactory
from workflows import services as workflow_services
from workflows.models import Comment, Event

DOMAIN = "antwort.willkommensnetz.test"  # RFC 2606: never a real domain

ENGLISH_CLIENT = """Thanks, I will call the chamber tomorrow and report back.

On Wed, 25 Nov 2026 at 10:00, Willkommensnetz <noreply@willkommensnetz.invalid> wrote:
> Petra Partner commented.
> Open the challenge: http://127.0.0.1:8000/challenges/1/
"""

GERMAN_CLIENT = """Vielen Dank, wir übernehmen die Erprobung im Landkreis Harz.

Mit freundlichen Grüßen
--\u0020
Maria Beispiel
IHK Magdeburg, Tel. 0391 000000

Am 25.11.2026 um 10:00 schrieb Willkommensnetz <noreply@willkommensnetz.invalid>:
> Petra Partner hat kommentiert.
"""

OUTLOOK_GERMAN = """Wir klären das mit der Ausländerbehörde.

-----Ursprüngliche Nachricht-----
Von: Willkommensnetz <noreply@willkommensnetz.invalid>
Gesendet: Mittwoch, 25. November 2026 10:00
An: petra@example.org
Betreff: [Willkommensnetz] Anerkennung dauert zu lange

Petra Partner hat kommentiert.
"""

GMAIL_HTML = """<div dir="ltr">Gern, ich bringe die Unterlagen&nbsp;mit.<br>Bis Dienstag</div>
<br><div class="gmail_quote"><div class="gmail_attr">Am Mi., 25. Nov. 2026 um 10:00 Uhr schrieb
Willkommensnetz:</div><blockquote class="gmail_quote">Petra Partner hat kommentiert.</blockquote></div>
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def receiver(settings):
    """The real receiver on a free localhost port; mail it sends back stays in the outbox."""
    settings.INBOUND_MAIL_DOMAIN = DOMAIN
    settings.INBOUND_MAIL_MAX_BYTES = 100_000
    port = _free_port()
    controller = reply_receiver(host="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def send(port: int, *, sender: str, to: str, text: str = "", html: str = "",
         message_id: str | None = None, subject: str = "Re: [Willkommensnetz] Anerkennung") -> str:
    message = EmailMessage()
    message["From"] = f"Someone <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="client.example.org")
    if text:
        message.set_content(text)
    if html:
        if text:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.send_message(message)
    return message["Message-ID"]


@pytest.fixture
def challenge(network):
    # English refusals unless a test says otherwise (the factory's people speak German).
    for person in (network.partner, network.other_partner, network.stakeholder):
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])
    return file_challenge(actor=network.partner, organisation=network.org)


def refusals_to(user) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind=OutgoingMail.Kind.REPLY_REFUSED, recipient=user))


# The receiver works in its own threads; serialized like the other transactional tests here, so
# the content types and reference data survive the flush for the tests after these.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize(
    ("client_text", "expected"),
    [
        (ENGLISH_CLIENT, "Thanks, I will call the chamber tomorrow and report back."),
        (GERMAN_CLIENT, "Vielen Dank, wir übernehmen die Erprobung im Landkreis Harz.\n\n"
                        "Mit freundlichen Grüßen"),
        (OUTLOOK_GERMAN, "Wir klären das mit der Ausländerbehörde."),
    ],
    ids=["english", "german-signature", "outlook-german"],
)
def test_a_reply_becomes_a_comment_by_its_sender(
    network, challenge, receiver, client_text, expected
):
    to = inbound.reply_address(network.partner, challenge.pk)

    send(receiver, sender=network.partner.email, to=to, text=client_text)

    comment = Comment.objects.get(challenge=challenge)
    assert comment.author == network.partner
    assert comment.body == expected
    assert Event.objects.filter(comment=comment, kind=Event.Kind.COMMENT).exists()
    record = InboundMail.objects.get()
    assert (record.status, record.comment, record.user) == (
        InboundMail.Status.ACCEPTED, comment, network.partner
    )
    assert refusals_to(network.partner) == []


def test_an_html_only_reply_is_read_without_its_quote(network, challenge, receiver):
    send(receiver, sender=network.partner.email.upper(),  # addresses compare case-insensitively
         to=inbound.reply_address(network.partner, challenge.pk), html=GMAIL_HTML)

    assert Comment.objects.get().body == "Gern, ich bringe die Unterlagen mit.\nBis Dienstag"


def test_the_same_message_delivered_twice_is_one_comment(network, challenge, receiver):
    to = inbound.reply_address(network.partner, challenge.pk)
    message_id = make_msgid(domain="client.example.org")

    send(receiver, sender=network.partner.email, to=to, text="Erledigt.", message_id=message_id)
    send(receiver, sender=network.partner.email, to=to, text="Erledigt.", message_id=message_id)

    assert Comment.objects.count() == 1
    assert InboundMail.objects.count() == 1
    assert refusals_to(network.partner) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql" and os.environ.get("CI") != "true",
    reason="a race of two transactions: the in-memory SQLite test database of shared cache "
    "answers 'table is locked' instead of waiting (CI runs it on PostgreSQL, never skipped)",
)
def test_two_deliveries_of_one_message_at_the_same_moment_are_one_comment(
    network, challenge, settings
):
    import threading

    from django.db import connection

    settings.INBOUND_MAIL_DOMAIN = DOMAIN
    to = inbound.reply_address(network.partner, challenge.pk)
    data = (
        f"From: {network.partner.email}\r\nTo: {to}\r\nSubject: Re\r\n"
        f"Message-ID: <same@client.example.org>\r\n\r\nGleichzeitig.\r\n"
    ).encode()
    barrier = threading.Barrier(2)
    outcomes = []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(inbound.inbound_reply_receive(
                envelope_sender=network.partner.email, recipients=[to], data=data
            ).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "duplicate"]
    assert Comment.objects.get().body == "Gleichzeitig."


def test_a_forged_token_is_refused_and_the_sender_told(network, challenge, receiver):
    genuine = inbound.reply_address(network.partner, challenge.pk)
    local, domain = genuine.split("@")
    forged = f"{local[:-3]}abc@{domain}"  # another signature

    send(receiver, sender=network.partner.email, to=forged, text="Bitte übernehmen.")

    assert Comment.objects.count() == 0
    (refusal,) = refusals_to(network.partner)
    assert "not valid" in refusal.body_text
    assert InboundMail.objects.get().reason == InboundMail.Reason.BAD_ADDRESS


def test_a_token_for_another_challenge_id_is_refused(network, challenge, receiver):
    token = inbound.reply_token(network.partner, challenge.pk)
    value, signature = token.rsplit(".", 1)
    other = f"reply+u{network.partner.pk}c{challenge.pk + 1}.{signature}@{DOMAIN}"

    send(receiver, sender=network.partner.email, to=other, text="Hallo")

    assert Comment.objects.count() == 0
    assert InboundMail.objects.get().reason == InboundMail.Reason.BAD_ADDRESS


def test_another_persons_reply_address_is_refused(network, challenge, receiver):
    """Otto may comment on this network challenge himself, but not as Petra."""
    send(receiver, sender=network.other_partner.email,
         to=inbound.reply_address(network.partner, challenge.pk), text="Ich übernehme.")

    assert Comment.objects.count() == 0
    (refusal,) = refusals_to(network.other_partner)  # the sender is told, not the token's owner
    assert refusal.to_email == network.other_partner.email
    assert refusals_to(network.partner) == []
    assert InboundMail.objects.get().reason == InboundMail.Reason.WRONG_SENDER


def test_a_person_who_may_not_see_a_restricted_challenge_cannot_comment_by_mail(
    network, challenge, receiver
):
    restricted = file_challenge(
        actor=network.partner, organisation=network.org, visibility="restricted"
    )

    send(receiver, sender=network.other_partner.email,
         to=inbound.reply_address(network.other_partner, restricted.pk), text="Neugierig.")

    assert not Comment.objects.filter(challenge=restricted).exists()
    (refusal,) = refusals_to(network.other_partner)
    assert "does not exist or you may not see it" in refusal.body_text
    assert restricted.title not in refusal.body_text  # nothing about it leaks
    assert f"/challenges/{restricted.pk}/" not in refusal.body_text


def test_a_stakeholder_reads_but_may_not_comment_by_mail(network, challenge, receiver):
    send(receiver, sender=network.stakeholder.email,
         to=inbound.reply_address(network.stakeholder, challenge.pk), text="Interessant.")

    assert Comment.objects.count() == 0
    (refusal,) = refusals_to(network.stakeholder)
    assert "You may not comment on this challenge." in refusal.body_text


def test_a_reply_with_nothing_above_the_quote_is_refused(network, challenge, receiver):
    send(receiver, sender=network.partner.email,
         to=inbound.reply_address(network.partner, challenge.pk),
         text="> Petra Partner commented.\n\n-- \nPetra")

    assert Comment.objects.count() == 0
    assert InboundMail.objects.get().reason == InboundMail.Reason.EMPTY
    assert len(refusals_to(network.partner)) == 1


def test_an_oversized_reply_is_refused(network, challenge, receiver, settings):
    settings.INBOUND_MAIL_MAX_BYTES = 2_000
    send(receiver, sender=network.partner.email,
         to=inbound.reply_address(network.partner, challenge.pk), text="Anhang " * 1_000)

    assert Comment.objects.count() == 0
    assert InboundMail.objects.get().reason == InboundMail.Reason.TOO_LARGE
    assert "too large" in refusals_to(network.partner)[0].body_text


def test_the_refusal_is_in_the_senders_language(network, challenge, receiver):
    network.stakeholder.preferred_language = "de"
    network.stakeholder.save(update_fields=["preferred_language"])

    send(receiver, sender=network.stakeholder.email,
         to=inbound.reply_address(network.stakeholder, challenge.pk), text="Interessant.")

    (refusal,) = refusals_to(network.stakeholder)
    assert "Sie dürfen diese Herausforderung nicht kommentieren." in refusal.body_text


def test_an_unknown_sender_is_refused_at_smtp_and_never_mailed(network, challenge, receiver):
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(receiver, sender="stranger@example.org",
             to=inbound.reply_address(network.partner, challenge.pk), text="Spam")

    assert refused.value.smtp_code == 550
    assert Comment.objects.count() == 0
    assert InboundMail.objects.count() == 0
    assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.REPLY_REFUSED).count() == 0


def test_mail_to_any_other_address_is_refused_at_smtp(network, receiver):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(receiver, sender=network.partner.email, to="someone@example.org", text="Relay?")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(receiver, sender=network.partner.email, to=f"info@{DOMAIN}", text="Hallo")
    assert InboundMail.objects.count() == 0


# --- what the notification offers ------------------------------------------------------------------


@pytest.mark.django_db
def test_event_mails_carry_the_persons_reply_address(network, challenge, settings):
    settings.INBOUND_MAIL_DOMAIN = DOMAIN
    follower = network.other_partner
    workflow_services.challenge_follow(actor=follower, challenge=challenge)
    workflow_services.challenge_follow(actor=network.stakeholder, challenge=challenge)
    comment = workflow_services.comment_add(actor=network.partner, challenge=challenge, body="Neu")
    event = Event.objects.get(comment=comment)

    services.event_fan_out(event_id=event.pk)

    mail_to_follower = OutgoingMail.objects.get(recipient=follower, kind=OutgoingMail.Kind.EVENT)
    reply_to = mail_to_follower.headers["Reply-To"]
    assert inbound.reply_address_load(reply_to) == (follower.pk, challenge.pk)
    # a stakeholder may read but not comment: no address that would only bring a refusal
    mail_to_stakeholder = OutgoingMail.objects.get(
        recipient=network.stakeholder, kind=OutgoingMail.Kind.EVENT
    )
    assert "Reply-To" not in mail_to_stakeholder.headers


@pytest.mark.django_db
def test_without_an_inbound_domain_no_reply_to_is_offered(network, challenge, settings):
    settings.INBOUND_MAIL_DOMAIN = ""
    workflow_services.challenge_follow(actor=network.other_partner, challenge=challenge)
    comment = workflow_services.comment_add(actor=network.partner, challenge=challenge, body="Neu")

    services.event_fan_out(event_id=Event.objects.get(comment=comment).pk)

    assert "Reply-To" not in OutgoingMail.objects.get(recipient=network.other_partner).headers


# --- the stripping rules, one by one ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ja.\n> alt\n> alt", "Ja."),
        ("Oben\n> zitiert\nunten", "Oben\nunten"),
        ("Yes.\n\nOn Wed, 25 Nov 2026 at 10:00, A Very Long Sender Name\n<x@example.org> wrote:\n> q", "Yes."),
        ("Ja.\n\nAm Mittwoch, 25. November 2026, 10:00:12 MEZ schrieb Willkommensnetz:\n> q", "Ja."),
        ("OK.\n\n-----Original Message-----\nFrom: X\nSent: Y\n\nold", "OK."),
        ("OK.\n\nFrom: Willkommensnetz <a@b.invalid>\nSent: Wednesday\nTo: c\n\nold", "OK."),
        ("OK.\n\n________________________________\nVon: Willkommensnetz <a@b.invalid>\nold", "OK."),
        ("Gut.\n-- \nMax Muster\nTel 1", "Gut."),
        ("A line -- with dashes stays.", "A line -- with dashes stays."),
    ],
)
def test_strip_quoted(text, expected):
    assert inbound.strip_quoted(text) == expected


@pytest.mark.django_db
def test_a_signature_of_another_salt_opens_no_reply_address(network, settings):
    """The unsubscribe links are signed too, with a salt of their own: no use here."""
    settings.INBOUND_MAIL_DOMAIN = DOMAIN
    genuine = inbound.reply_address(network.partner, 1)
    other_salt = signing.Signer(salt="notifications.unsubscribe", sep=".").sign(
        f"u{network.partner.pk}c1"
    )

    assert inbound.reply_address_load(genuine) == (network.partner.pk, 1)
    assert inbound.reply_address_load(f"reply+{other_salt}@{DOMAIN}") is None


def test_a_pending_applicant_is_no_known_sender(receiver):
    pending = UserFactory(is_active=False)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(receiver, sender=pending.email, to=f"reply+u{pending.pk}c1.x@{DOMAIN}", text="Hallo")
    assert refused.value.smtp_code == 550
    assert InboundMail.objects.count() == 0


# --- the command, as compose runs it ----------------------------------------------------------------


def _command_env(**extra) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "core.settings.test", **extra}


def test_receive_mail_serves_on_its_port_until_stopped():
    port = _free_port()
    root = Path(__file__).resolve().parents[2]

    process = subprocess.Popen(
        [sys.executable, "manage.py", "receive_mail", "--host", "127.0.0.1", "--port", str(port)],
        cwd=root, env=_command_env(INBOUND_MAIL_DOMAIN=DOMAIN),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "receive_mail did not listen"
                time.sleep(0.2)
        with smtp:
            smtp.ehlo()
            smtp.mail("someone@example.org")
            assert smtp.rcpt("someone@elsewhere.example.org")[0] == 550  # no open relay
            assert smtp.rcpt(f"reply+u1c1.x@{DOMAIN}")[0] == 250
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"on 127.0.0.1:{port}" in out
    assert "Stopped." in out


def test_receive_mail_without_a_domain_says_it_is_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "receive_mail"],
        cwd=Path(__file__).resolve().parents[2], env=_command_env(INBOUND_MAIL_DOMAIN=""),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Reply by mail is off" in result.stdout


@pytest.mark.django_db
def test_replies_by_mail_are_exported_and_erased_with_the_person(network, challenge, settings):
    from core.personal_data import person_erase, personal_data_export

    settings.INBOUND_MAIL_DOMAIN = DOMAIN
    to = inbound.reply_address(network.partner, challenge.pk)
    data = (
        f"From: {network.partner.email}\r\nTo: {to}\r\nSubject: Re\r\n"
        f"Message-ID: <export@client.example.org>\r\n\r\nDanke.\r\n"
    ).encode()
    inbound.inbound_reply_receive(envelope_sender="", recipients=[to], data=data)

    exported = personal_data_export(actor=network.coordinator, person=network.partner)
    assert [r["sender"] for r in exported["replies_by_mail"]] == [network.partner.email]

    person_erase(actor=network.coordinator, person=network.partner)

    assert not InboundMail.objects.exists()
    assert Comment.objects.count() == 1  # the contribution stays, under "former member"
