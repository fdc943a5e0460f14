"""No countdown or ETA anywhere near the broker's visibility timeout.

Redis hands a message not acknowledged within ``visibility_timeout`` to another worker: a task
scheduled further ahead than that runs again and again (celery#7009, PITFALLS.md). This test
reads every Python file of the project: each ``countdown=`` is a literal at most half the
timeout or goes through ``core.celery.bounded_countdown``; ``eta=`` is not used at all (far-off
work is found by periodic database scans); retry delays and back-off maxima are literals at
most half the timeout; the mail back-off setting too."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "staticfiles", "node_modules", ".git", "artifacts"}
BOUNDED = "bounded_countdown"
DELAYS = {"countdown", "retry_backoff_max", "default_retry_delay"}
CELERY_DEFAULT_BACKOFF_MAX = 600  # what retry_backoff=… caps at without retry_backoff_max


def python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def _number(node) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    return None


def violations(source: str, where: str, limit: float) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        pairs = []
        if isinstance(node, ast.Call):
            pairs = [(kw.arg, kw.value) for kw in node.keywords if kw.arg]
            names = {kw.arg for kw in node.keywords}
            if "retry_backoff" in names and "retry_backoff_max" not in names and CELERY_DEFAULT_BACKOFF_MAX > limit:
                found.append(f"{where}:{node.lineno}: retry_backoff without retry_backoff_max")
        elif isinstance(node, ast.Assign):
            pairs = [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
        for name, value in pairs:
            line = f"{where}:{value.lineno}"
            if name == "eta":
                found.append(f"{line}: eta= schedules absolute times; use a database scan")
            elif name in DELAYS:
                number = _number(value)
                bounded = (
                    isinstance(value, ast.Call)
                    and getattr(value.func, "id", getattr(value.func, "attr", None)) == BOUNDED
                )
                if number is None and not (name == "countdown" and bounded):
                    found.append(f"{line}: {name}= neither a literal nor {BOUNDED}(…)")
                elif number is not None and number > limit:
                    found.append(f"{line}: {name}={number:g} exceeds {limit:g} s")
    return found


def test_the_broker_has_an_explicit_visibility_timeout():
    assert settings.BROKER_VISIBILITY_TIMEOUT > 0
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == settings.BROKER_VISIBILITY_TIMEOUT


def test_no_countdown_or_eta_in_the_code_base_comes_near_the_visibility_timeout():
    limit = settings.BROKER_VISIBILITY_TIMEOUT / 2
    found = []
    files = list(python_files())
    assert any(p.name == "tasks.py" for p in files)  # the scan really reads the project
    for path in files:
        found += violations(path.read_text(), str(path.relative_to(ROOT)), limit)
    assert found == []


def test_the_settings_keep_retries_and_claims_inside_the_timeout():
    limit = settings.BROKER_VISIBILITY_TIMEOUT / 2
    assert settings.MAIL_RETRY_MAX_SECONDS <= limit
    assert getattr(settings, "CELERY_TASK_DEFAULT_RETRY_DELAY", 180) <= limit


def test_bounded_countdown_caps_and_the_scanner_catches_what_it_must():
    from core.celery import bounded_countdown

    limit = settings.BROKER_VISIBILITY_TIMEOUT / 2
    assert bounded_countdown(10 * settings.BROKER_VISIBILITY_TIMEOUT) == limit
    assert bounded_countdown(-5) == 0
    bad = (
        "task.apply_async(args=[1], countdown=7200)\n"
        "task.apply_async(args=[1], eta=tomorrow)\n"
        "task.retry(countdown=delay)\n"
        "default_retry_delay = 86400\n"
        "@shared_task(retry_backoff=True, retry_backoff_max=99999)\ndef f(): pass\n"
    )
    assert len(violations(bad, "x.py", 1800)) == 5
    good = "task.retry(countdown=bounded_countdown(delay))\ntask.apply_async(countdown=30)\n"
    assert violations(good, "x.py", 1800) == []
