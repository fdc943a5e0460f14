"""Rendering and sending of one mail. Rendering happens in the recipient's language (the worker's
own language is irrelevant); sending takes an ``OutgoingMail`` row as it was stored."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.time_zones import zone_of

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_SCOPES = ("digest", "immediate")


@dataclass
class RenderedMail:
    subject: str
    body_text: str
    body_html: str
    headers: dict[str, str] = field(default_factory=dict)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def challenge_url(challenge_id: int) -> str:
    return absolute(f"/challenges/{challenge_id}/")


def mail_domain() -> str:
    """The domain of our own message identifiers: the public address's host."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def thread_root(challenge_id: int) -> str:
    """The stable identifier every mail about one challenge refers to, so mail clients show
    them as one thread (RFC 5322 ``References``/``In-Reply-To``). No mail carries it as its own
    ``Message-ID``: the thread's root is the challenge itself."""
    return f"<challenge-{challenge_id}@{mail_domain()}>"


def thread_headers(challenge_id: int) -> dict[str, str]:
    root = thread_root(challenge_id)
    return {"References": root, "In-Reply-To": root}


def unsubscribe_token(user: Any, scope: str) -> str:
    """A signed, non-expiring token naming the user and what to stop. No login needed: the
    signature (SECRET_KEY) is the credential, and it can only switch mail off."""
    assert scope in UNSUBSCRIBE_SCOPES
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: Any, scope: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, scope)]))


def render(user: Any, template: str, build: Callable[[], tuple[str, dict[str, Any]]], *,
           unsubscribe_scope: str | None = None, thread: int | None = None,
           reply_to: str | None = None) -> RenderedMail:
    """Render ``notifications/mail/<template>.{txt,html}`` for ``user`` in their language and
    time zone.

    ``build`` returns ``(subject, context)``; it is called inside the language override so that
    every string it formats is in the recipient's language. With ``unsubscribe_scope`` the mail
    carries the one-click unsubscribe link (RFC 8058) in the body and in the headers; with
    ``thread`` (a challenge's id) it joins that challenge's thread in the mail client; with
    ``reply_to`` (``notifications.inbound``) a reply to the mail becomes a comment."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone_of(user)):
        subject, context = build()
        headers: dict[str, str] = thread_headers(thread) if thread else {}
        ctx = {"user": user, "site_url": settings.SITE_URL, "lang": language, **context}
        if unsubscribe_scope:
            url = unsubscribe_url(user, unsubscribe_scope)
            ctx["unsubscribe_url"] = url
            ctx["unsubscribe_scope"] = unsubscribe_scope
            headers["List-Unsubscribe"] = f"<{url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if reply_to:
            headers["Reply-To"] = reply_to
            ctx["reply_by_mail"] = True
        subject_text = " ".join(str(subject).split())[:300]  # one header line
        ctx["subject"] = subject_text
        return RenderedMail(
            subject=subject_text,
            body_text=_tidy(render_to_string(f"notifications/mail/{template}.txt", ctx)),
            body_html=render_to_string(f"notifications/mail/{template}.html", ctx),
            headers=headers,
        )


def _tidy(text: str) -> str:
    """Template tags leave runs of empty lines in plain text; keep at most one."""
    return re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text.strip()) + "\n"


def deliver(*, to_email: str, subject: str, body_text: str, body_html: str,
            headers: dict[str, str], connection: Any = None,
            attachments: list[dict[str, str]] | None = None) -> None:
    """Hand one mail to the configured backend; raises what the backend raises (SMTP errors).
    With an already opened ``connection`` it stays open (the caller closes it)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to_email],
        headers=headers or None,
        connection=connection or get_connection(fail_silently=False),
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    for attachment in attachments or ():
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    message.send(fail_silently=False)
