"""The local mail viewer of `make run`: what the embedded default "sent" (Django's file-based
mail backend, one file per connection, messages separated by a line of 79 dashes), listed
newest first and readable in the browser.

Only mounted when ``settings.DEV_MAIL_VIEWER`` is on (`make run`), and only answers requests
from this machine: the mails hold sign-in and password-reset links.
"""

from __future__ import annotations

import email
import email.policy
import ipaddress
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
MAX_LISTED = 200


@dataclass
class StoredMail:
    ref: str  # "<file name>:<index in file>"
    message: EmailMessage
    received: datetime

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def to(self) -> str:
        return str(self.message.get("To", ""))

    def body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


def _mail_dir() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def stored_mails() -> list[StoredMail]:
    """Every message in the mail folder, newest first (at most ``MAX_LISTED``)."""
    folder = _mail_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    mails: list[StoredMail] = []
    for path in files:
        received = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())
        chunks = [c for c in path.read_bytes().split(SEPARATOR) if c.strip()]
        for index, chunk in reversed(list(enumerate(chunks))):
            message = email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default)
            mails.append(StoredMail(ref=f"{path.name}:{index}", message=message, received=received))
            if len(mails) >= MAX_LISTED:
                return mails
    return mails


def _find(ref: str) -> StoredMail:
    name, _sep, index = ref.rpartition(":")
    path = _mail_dir() / name
    # Only plain file names of the folder: no path may leave it.
    if not name or Path(name).name != name or not path.is_file() or not index.isdigit():
        raise Http404
    chunks = [c for c in path.read_bytes().split(SEPARATOR) if c.strip()]
    if int(index) >= len(chunks):
        raise Http404
    message = email.message_from_bytes(chunks[int(index)].lstrip(b"\n"), policy=email.policy.default)
    received = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())
    return StoredMail(ref=ref, message=message, received=received)


def _only_here(request: HttpRequest) -> None:
    if not getattr(settings, "DEV_MAIL_VIEWER", False):
        raise Http404
    try:
        if not ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback:
            raise Http404
    except ValueError as exc:
        raise Http404 from exc


def mail_list(request: HttpRequest) -> HttpResponse:
    _only_here(request)
    return render(request, "dev_mail/list.html", {"mails": stored_mails()})


def mail_detail(request: HttpRequest, ref: str) -> HttpResponse:
    _only_here(request)
    stored = _find(ref)
    return render(
        request,
        "dev_mail/detail.html",
        {"mail": stored, "text": stored.body("plain"), "has_html": bool(stored.body("html"))},
    )


def mail_html(request: HttpRequest, ref: str) -> HttpResponse:
    """The HTML part as the recipient's client would show it, sandboxed: no script runs and it
    cannot reach this site's cookies."""
    _only_here(request)
    html = _find(ref).body("html")
    if not html:
        raise Http404
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response
