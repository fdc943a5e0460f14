"""Reply by mail: a person answers a notification and the answer becomes their comment.

Every event mail carries a ``Reply-To`` of the form ``reply+<token>@<INBOUND_MAIL_DOMAIN>``; the
token (signed with a salt of its own) names the recipient and the challenge. The project's own
SMTP receiver (``manage.py receive_mail``, :mod:`notifications.inbound_smtp`) hands every
message for such an address to :func:`inbound_reply_receive`, which

- answers ``unknown sender`` when the ``From`` address belongs to nobody here (the receiver
  refuses with 550 and logs it; strangers are never mailed back),
- records the message once per ``Message-ID`` (a second delivery of the same message changes
  nothing),
- strips quoted text and the signature, and adds the rest as a comment by the person named in
  the token, through ``workflows.services.comment_add`` (the same rules as the page),
- and otherwise refuses: nothing is created, and the sender (a known person) is told why by a
  mail through the outbox.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError, MissingInput, NotFound, PermissionDenied
from workflows import permissions

from . import mail
from .models import InboundMail, OutgoingMail

logger = logging.getLogger(__name__)

REPLY_SALT = "notifications.reply"
REPLY_PREFIX = "reply+"
_TOKEN_VALUE = re.compile(r"u(\d+)c(\d+)")


# --- the reply address ----------------------------------------------------------------------------


def _signer() -> signing.Signer:
    # "." as separator: the token lives in the local part of an address, where ":" is not allowed.
    return signing.Signer(salt=REPLY_SALT, sep=".")


def reply_token(user: Any, challenge_id: int) -> str:
    """A signed, non-expiring token naming ``user`` and the challenge (``u12c345.<signature>``:
    short enough for the 64 characters of an address's local part)."""
    return _signer().sign(f"u{user.pk}c{challenge_id}")


def reply_address(user: Any, challenge_id: int) -> str | None:
    """The address ``user`` replies to in order to comment on the challenge; ``None`` when
    reply by mail is not configured (no ``INBOUND_MAIL_DOMAIN``)."""
    domain = settings.INBOUND_MAIL_DOMAIN
    if not domain:
        return None
    return f"{REPLY_PREFIX}{reply_token(user, challenge_id)}@{domain}"


def reply_to_for(user: Any, challenge: Any) -> str | None:
    """The ``Reply-To`` of a mail about ``challenge`` to ``user``: only for someone who may
    comment on it (a reply from anyone else would only bring a refusal)."""
    if challenge is None or not settings.INBOUND_MAIL_DOMAIN:
        return None
    if not permissions.can_comment(user, challenge):
        return None
    return reply_address(user, challenge.pk)


def is_reply_address(address: str) -> bool:
    """Whether ``address`` has the shape of one of our reply addresses (the token unchecked)."""
    domain = settings.INBOUND_MAIL_DOMAIN
    local, _at, host = address.strip().strip("<>").rpartition("@")
    return bool(domain) and host.lower() == domain.lower() and local.lower().startswith(REPLY_PREFIX)


def reply_address_load(address: str) -> tuple[int, int] | None:
    """``(user id, challenge id)`` of a reply address, or ``None`` if its signature fails."""
    if not is_reply_address(address):
        return None
    local = address.strip().strip("<>").rpartition("@")[0]
    try:
        value = _signer().unsign(local[len(REPLY_PREFIX):])
    except signing.BadSignature:
        return None
    match = _TOKEN_VALUE.fullmatch(value)
    return (int(match[1]), int(match[2])) if match else None


# --- the text of a reply ----------------------------------------------------------------------------


class _HtmlText(HTMLParser):
    """HTML to plain text, leaving out what a client quotes (``<blockquote>``, Gmail's
    ``gmail_quote``, Outlook's reply header) and what is never text (``style``, ``script``)."""

    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
    SKIP = {"blockquote", "style", "script", "head", "title"}
    SKIP_MARKERS = ("gmail_quote", "divrplyfwdmsg", "moz-cite-prefix", "yahoo_quoted")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0  # > 0 while inside something left out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            if tag in self.BLOCK and not self.skip_depth:
                self.parts.append("\n")
            return
        marker = " ".join(v or "" for k, v in attrs if k in {"class", "id"}).lower()
        if self.skip_depth or tag in self.SKIP or any(m in marker for m in self.SKIP_MARKERS):
            self.skip_depth += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self.skip_depth:
            self.skip_depth -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def message_text(message: EmailMessage) -> str:
    """The text the person wrote: the ``text/plain`` body, else the HTML body as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, KeyError):  # an unknown or lying charset
        return ""
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_type() == "text/html" else content


# Where the quoted mail starts: everything from here on is the mail replied to.
_ATTRIBUTION = (
    re.compile(r"^\s*On\b.*\bwrote:\s*$", re.IGNORECASE),  # On Wed, 25 Nov 2026, X wrote:
    re.compile(r"^\s*Am\b.*\bschrieb\b.*:\s*$", re.IGNORECASE),  # Am 25.11.2026 schrieb X:
)
_SEPARATOR = re.compile(
    r"^\s*-{3,}\s*(Original Message|Ursprüngliche Nachricht|Originalnachricht|"
    r"Forwarded message|Weitergeleitete Nachricht)\s*-{3,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\**(From|Von):\**\s", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*\**(Sent|Gesendet|Date|Datum|To|An):\**\s", re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$")  # RFC 3676 "-- "; many clients drop the trailing space


def strip_quoted(text: str) -> str:
    """The new part of a reply: quoted lines (``> ``), the quoted mail after an attribution
    (``On ... wrote:``, ``Am ... schrieb ...:``) or an Outlook separator (``-----Original
    Message-----``, ``-----Ursprüngliche Nachricht-----``, or a ``From:``/``Von:`` header block),
    and the signature after ``-- `` are removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _SIGNATURE.match(line) or _SEPARATOR.match(line):
            break
        if any(p.match(line) or p.match(f"{line} {following}") for p in _ATTRIBUTION):
            break  # the attribution, possibly wrapped over two lines
        if _HEADER_FROM.match(line) and _HEADER_NEXT.match(following):
            break
        if re.match(r"^_{20,}\s*$", line) and _HEADER_FROM.match(following):
            break  # Outlook on the web: a rule, then the header block
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


# --- receiving ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundOutcome:
    """What became of one message: ``accepted`` (a comment), ``refused`` (the sender was told
    why), ``duplicate`` (this Message-ID was handled before) or ``unknown_sender`` (refused at
    SMTP level, nothing stored, nobody mailed)."""

    status: str
    reason: str = ""
    comment: Any = None
    inbound: InboundMail | None = None


def _from_address(message: EmailMessage, envelope_sender: str) -> str:
    addresses = [addr for _name, addr in getaddresses(message.get_all("From", [])) if addr]
    return (addresses[0] if addresses else envelope_sender or "").strip().lower()


def _message_id(message: EmailMessage, data: bytes) -> str:
    message_id = " ".join(str(message.get("Message-ID", "")).split())
    # Without a Message-ID, the same bytes delivered twice are still the same message.
    return message_id[:255] or f"<sha256:{hashlib.sha256(data).hexdigest()}>"


def inbound_reply_receive(*, envelope_sender: str, recipients: list[str], data: bytes) -> InboundOutcome:
    """Turn one received reply into a comment, or refuse it (see the module docstring).

    Never raises for anything the message contains; a database error propagates (the receiver
    answers with a temporary failure and the sending server tries again)."""
    from core.models import User

    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception:  # the parser is lenient; anything it still chokes on is not mail
        logger.warning("Refused an unparsable message from %s", envelope_sender)
        return InboundOutcome(status="unknown_sender", reason="unparsable")
    sender = _from_address(message, envelope_sender)
    user = User.objects.filter(email__iexact=sender, is_active=True).first() if sender else None
    if user is None:
        logger.warning("Refused a reply by mail from unknown sender %r to %s", sender, recipients)
        return InboundOutcome(status="unknown_sender")

    address = next((r for r in recipients if is_reply_address(r)), recipients[0] if recipients else "")
    message_id = _message_id(message, data)
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundMail.objects.create(
                    message_id=message_id, sender=sender, user=user,
                    recipient=address[:254], size=len(data),
                )
        except IntegrityError:  # this Message-ID was received before (or is right now)
            logger.info("Ignored a second delivery of %s", message_id)
            return InboundOutcome(status="duplicate")
        return _comment_or_refusal(inbound, user, address, message, len(data))


def _comment_or_refusal(inbound: InboundMail, user: Any, address: str, message: EmailMessage,
                        size: int) -> InboundOutcome:
    from workflows import services as workflow_services

    names = reply_address_load(address)
    challenge = None
    if names is None:
        reason = InboundMail.Reason.BAD_ADDRESS
    elif names[0] != user.pk:
        reason = InboundMail.Reason.WRONG_SENDER
    elif size > settings.INBOUND_MAIL_MAX_BYTES:
        reason = InboundMail.Reason.TOO_LARGE
    else:
        body = strip_quoted(message_text(message))
        reason = InboundMail.Reason.EMPTY if not body else ""
        if body:
            try:
                comment = workflow_services.comment_add(actor=user, challenge=names[1], body=body)
            except NotFound:
                reason = InboundMail.Reason.NOT_FOUND
            except PermissionDenied:
                reason = InboundMail.Reason.NOT_ALLOWED
            except MissingInput as exc:
                reason = InboundMail.Reason.INVALID
                inbound.detail = "; ".join(str(e) for errors in exc.fields.values() for e in errors)
            except DomainError as exc:
                reason = InboundMail.Reason.INVALID
                inbound.detail = str(exc.message)
            else:
                inbound.status = InboundMail.Status.ACCEPTED
                inbound.comment = comment
                inbound.challenge_id = comment.challenge_id
                inbound.save(update_fields=["status", "comment", "challenge"])
                return InboundOutcome(status="accepted", comment=comment, inbound=inbound)
            challenge = None if reason == InboundMail.Reason.NOT_FOUND else names[1]
    inbound.status = InboundMail.Status.REFUSED
    inbound.reason = reason
    inbound.save(update_fields=["status", "reason", "detail"])
    _tell_refused(inbound, user, message, challenge_id=challenge)
    logger.info("Refused reply %s from %s: %s", inbound.message_id, user.email, reason)
    return InboundOutcome(status="refused", reason=reason, inbound=inbound)


def refusal_text(reason: str, detail: str = "") -> str:
    """Why a reply did not become a comment, in a sentence for the sender."""
    texts = {
        InboundMail.Reason.BAD_ADDRESS: _(
            "The address you replied to is not valid (it may have been changed or shortened). "
            "Please reply to a notification again, or comment on the website."
        ),
        InboundMail.Reason.WRONG_SENDER: _(
            "The address you replied to belongs to someone else's notification. Please reply "
            "to a notification sent to you, from the address you are registered with."
        ),
        InboundMail.Reason.NOT_FOUND: _("This challenge does not exist or you may not see it."),
        InboundMail.Reason.NOT_ALLOWED: _("You may not comment on this challenge."),
        InboundMail.Reason.EMPTY: _(
            "We found no text of your own above the quoted mail, so there was nothing to add."
        ),
        InboundMail.Reason.TOO_LARGE: _(
            "Your mail is too large. Attachments are not taken; please reply with text only."
        ),
        InboundMail.Reason.INVALID: _("Your reply could not be added as a comment: %(detail)s")
        % {"detail": detail},
    }
    return str(texts.get(reason, _("Your reply could not be added as a comment.")))


def _tell_refused(inbound: InboundMail, user: Any, message: EmailMessage, *,
                  challenge_id: int | None) -> None:
    from . import services

    original_subject = " ".join(str(message.get("Subject", "")).split())[:200]

    def build() -> tuple[str, dict[str, Any]]:
        subject = _("[Willkommensnetz] Your reply was not added: %(subject)s") % {
            "subject": original_subject or _("(no subject)")
        }
        return subject, {
            "reason": refusal_text(inbound.reason, inbound.detail),
            "original_subject": original_subject,
            "url": mail.challenge_url(challenge_id) if challenge_id else mail.absolute("/"),
        }

    rendered = mail.render(user, "reply_refused", build)
    services.mail_queue(
        kind=OutgoingMail.Kind.REPLY_REFUSED, recipient=user, key=f"inbound:{inbound.pk}",
        rendered=rendered,
    )
