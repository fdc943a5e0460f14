"""The real services of the fault tests: a Celery worker as its own process (so it can be
SIGKILLed), a Redis server of our own (so it can be restarted without touching the shared
one), and an SMTP server (aiosmtpd) that records every message with its Message-ID and can
refuse connections or answer 451 for a while."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]

# Short leases and back-off so that a fault heals within seconds, not the production minutes;
# every other setting is production's (acks_late, reject on worker lost, visibility timeout).
FAULT_SETTINGS = {
    "MAIL_SEND_LEASE_SECONDS": "8",
    "MAIL_RETRY_BASE_SECONDS": "1",
    "MAIL_RETRY_MAX_SECONDS": "4",
    "OUTBOX_SCAN_GRACE_SECONDS": "3",
    "DIGEST_BATCH_SIZE": "25",
    "DIGEST_BATCH_LEASE_SECONDS": "10",
    "EMAIL_TIMEOUT": "5",
}


# What the tests and the bench purge from a broker database: the default queue's lists, one
# per priority step on Redis (kombu names them "celery", "celery\x06\x163", …; digest batches
# are built at a lower priority than mail is sent), and the unacknowledged messages.
BROKER_KEYS = ("celery", *(f"celery\x06\x16{step}" for step in (3, 6, 9)),
               "unacked", "unacked_index", "unacked_mutex")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")


def require_services() -> tuple[str, str]:
    """DATABASE_URL (PostgreSQL: the worker is another process) and REDIS_URL from the
    environment, reachable, and a redis-server binary: otherwise the fault tests fail, loudly."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        pytest.fail("The fault tests need DATABASE_URL pointing at PostgreSQL (the worker is a "
                    f"separate process); got {database_url!r}.")
    if not redis_url.startswith("redis://"):
        pytest.fail(f"The fault tests need REDIS_URL (the real Redis); got {redis_url!r}.")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {redis_url} is unreachable: {exc}")
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: the Redis-restart fault starts its own.")
    return database_url, redis_url


# --- SMTP ---------------------------------------------------------------------------------------


@dataclass
class Inbox:
    """aiosmtpd handler: records (recipient, Message-ID) of every accepted message; answers
    451 while ``refusing``."""

    received: list = field(default_factory=list)
    refusing: bool = False
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refusing:
                self.refused += 1
                return "451 4.3.0 Temporary failure, try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, str(message["Message-ID"])))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def tally(self, due: set[str]) -> dict:
        """delivered: distinct due recipients with their mail; duplicates: extra copies; lost:
        due − delivered; plus the Message-IDs of each duplicated recipient."""
        with self.lock:
            copies = Counter(r for r, _mid in self.received if r in due)
            ids = defaultdict(set)
            for rcpt, mid in self.received:
                ids[rcpt].add(mid)
        delivered = len(copies)
        return {
            "due": len(due),
            "delivered": delivered,
            "duplicates": sum(copies.values()) - delivered,
            "lost": len(due) - delivered,
            "duplicate_ids": {r: ids[r] for r, n in copies.items() if n > 1},
            "strangers": sorted(set(r for r, _m in self.received) - due),
        }


class SmtpServer:
    """A real SMTP server on a fixed free port that can be stopped (connection refused) and
    started again on the same port."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- Redis of our own ---------------------------------------------------------------------------


class OwnRedis:
    """A redis-server on a free port that keeps nothing on disk, like the shared one: a restart
    loses every queued and unacknowledged message."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(up, timeout=20, what="our redis-server")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.kill()
        time.sleep(0.5)  # a broker outage, briefly
        self.start()


# --- the worker ---------------------------------------------------------------------------------


def worker_database_url(database_url: str) -> str:
    """DATABASE_URL with the database pytest-django created for this session."""
    from django.db import connection

    return urlsplit(database_url)._replace(path="/" + connection.settings_dict["NAME"]).geturl()


class Workers:
    """Celery workers, each its own process group (so SIGKILL takes the whole worker)."""

    def __init__(self, *, database_url: str, broker_url: str, smtp_port: int, log: Path) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "core.settings.dev",
            "DEBUG": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "SITE_URL": "http://willkommensnetz.example",
            "LOG_LEVEL": "WARNING",
            **FAULT_SETTINGS,
        }
        self.log = log
        self.processes: list[subprocess.Popen] = []

    def start(self, *, concurrency: int = 1) -> subprocess.Popen:
        pool = ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"--concurrency={concurrency}"]
        with self.log.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "core", "worker", "--loglevel=WARNING",
                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "-n", f"fault{len(self.processes)}@%h", *pool],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.processes.append(process)
        return process

    @staticmethod
    def sigkill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
