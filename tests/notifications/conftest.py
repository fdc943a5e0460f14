"""Fixtures for the notifications tests: a real SMTP server (aiosmtpd, in-process) and a real
Celery worker on the real broker (Redis when REDIS_URL is set; in CI it must be)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpRecorder:
    """aiosmtpd handler: keeps every accepted message; ``fail_next`` answers that many DATA
    commands with a temporary error (451), as a busy or broken mail server would."""

    messages: list = field(default_factory=list)
    fail_next: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                self.refused += 1
                return "451 4.3.0 Temporary failure, try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(r for rcpts, _m in self.messages for r in rcpts)

    def wait_for(self, predicate, *, timeout: float = 30.0, what: str = "mail") -> None:
        """Wait until ``predicate()`` holds (the worker runs in another thread)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"Timed out waiting for {what}; received: {self.recipients()}")


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free localhost port; Django's SMTP backend points at it."""
    recorder = SmtpRecorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield recorder
    finally:
        controller.stop()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def _test_broker(tmp_path_factory):
    """Without REDIS_URL (locally), everything these tests enqueue goes to a filesystem broker in
    a private folder, never to var/broker where a running `make run` worker would take it."""
    from core.celery import app

    if os.environ.get("REDIS_URL"):
        yield app
        return
    folder = tmp_path_factory.mktemp("broker")
    (folder / "out").mkdir()
    (folder / "processed").mkdir()
    previous = app.conf.broker_transport_options
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }
    _drop_connections(app)
    yield app
    app.conf.broker_transport_options = previous
    _drop_connections(app)


def _drop_connections(app) -> None:
    """Forget pooled broker connections so the next message uses the current configuration."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def _require_broker(app) -> None:
    """In CI the worker tests run on the real Redis: a missing REDIS_URL or an unreachable Redis
    fails them (never a skip). Locally without REDIS_URL: the private filesystem broker."""
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        if _in_ci():
            pytest.fail("CI=true but REDIS_URL is not set: the worker tests need the real Redis.")
        return
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {redis_url} is unreachable: {exc}")
    assert app.conf.broker_url == redis_url, "the Celery app must use REDIS_URL as its broker"


@pytest.fixture
def celery_worker(_test_broker, smtp_server):
    """A real Celery worker (solo pool, in a thread of this process) consuming the real broker,
    started by ``celery_worker.start()``. Tests using it need ``django_db(transaction=True)`` so
    the worker thread sees their rows.

    Tests build their state and act first, then start the worker: what they enqueued waits in
    the broker, as it would for a busy worker. This keeps the test thread and the worker thread
    from writing at the same moment, which SQLite's shared in-memory test database answers with
    "table is locked" instead of waiting (PostgreSQL would simply wait)."""
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping, which start_worker expects)
    from celery.contrib.testing.worker import start_worker

    app = _test_broker
    _require_broker(app)
    app.control.purge()  # messages left by earlier runs refer to rows that no longer exist

    with contextlib.ExitStack() as stack:

        class Worker:
            app = _test_broker

            def start(self) -> None:
                # No ping check: it reads a task result and we run without a result backend
                # (nothing in the project reads results). start_worker returns once the consumer
                # is ready; each test waits for the mail it expects at the SMTP server.
                stack.enter_context(
                    start_worker(app, pool="solo", loglevel="WARNING", perform_ping_check=False,
                                 shutdown_timeout=30)
                )

        yield Worker()
