"""Fixtures of the fault tests (``make faults``) and their report: one line per fault,
``fault <name>: due 300 delivered N duplicates D lost L``, at the end of the run."""

from __future__ import annotations

import logging

import pytest

from .harness import SmtpServer, Workers, require_services, worker_database_url

REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.write_sep("=", "fault figures")
        for line in REPORT:
            terminalreporter.write_line(line)


@pytest.fixture
def report():
    """``report(name, tally)`` records the fault's line (before the test asserts on it)."""

    def record(name: str, tally: dict) -> None:
        REPORT.append(
            f"fault {name}: due {tally['due']} delivered {tally['delivered']} "
            f"duplicates {tally['duplicates']} lost {tally['lost']}"
        )

    return record


@pytest.fixture
def services():
    """DATABASE_URL and REDIS_URL from the environment, checked (a missing one fails)."""
    return require_services()


@pytest.fixture
def smtp():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers_for(services, smtp, tmp_path):
    """``workers_for(broker_url)``: a factory of worker processes on that broker, stopped (and
    the broker's leftovers of this test purged) afterwards."""
    database_url, _redis_url = services
    made: list[Workers] = []

    def make(broker_url: str) -> Workers:
        workers = Workers(
            database_url=worker_database_url(database_url), broker_url=broker_url,
            smtp_port=smtp.port, log=tmp_path / "worker.log",
        )
        made.append(workers)
        return workers

    yield make
    for workers in made:
        workers.stop_all()
