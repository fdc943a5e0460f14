"""The project's own SMTP receiver for replies by mail (aiosmtpd), run by
``manage.py receive_mail``: the network's MX (or a forwarding rule) hands it mail for
``reply+…@<INBOUND_MAIL_DOMAIN>``.

It accepts only recipients shaped like our reply addresses (550 otherwise: we are nobody's open
relay), and hands each message to :func:`notifications.inbound.inbound_reply_receive` in a worker
thread (the ORM is synchronous). A sender who is not a person here gets 550 and is logged; a
database error answers 451, so the sending server tries again later.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections, connections

from . import inbound

logger = logging.getLogger(__name__)


class ReplyHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not inbound.is_reply_address(address):
            logger.info("Refused mail to %s (not a reply address)", address)
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(
                None, _receive, envelope.mail_from or "", list(envelope.rcpt_tos), data
            )
        except Exception:
            logger.exception("Receiving a reply by mail failed; the sender will retry")
            return "451 4.3.0 Temporary failure, please try again later"
        if outcome.status == "unknown_sender":
            return "550 5.7.1 Sender unknown here"
        return "250 OK"


def _receive(envelope_sender: str, recipients: list[str], data: bytes) -> inbound.InboundOutcome:
    close_old_connections()
    try:
        return inbound.inbound_reply_receive(
            envelope_sender=envelope_sender, recipients=recipients, data=data
        )
    finally:
        connections.close_all()  # this executor thread's own; a message is rare, a connection cheap


def reply_receiver(*, host: str, port: int) -> Controller:
    """The receiver, not yet started (``.start()`` runs it in a thread, ``.stop()`` ends it).
    Messages beyond ten times ``INBOUND_MAIL_MAX_BYTES`` are refused by SMTP itself (552);
    smaller ones above the limit are answered by mail."""
    return Controller(
        ReplyHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.INBOUND_MAIL_MAX_BYTES * 10,
        server_hostname=settings.INBOUND_MAIL_DOMAIN or None,
        ident="Willkommensnetz reply receiver",
    )
