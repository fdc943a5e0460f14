"""`make run` keeps its promise: on the embedded default (SQLite, filesystem broker, no
servers) web, worker and beat start together, the demo network is served, a task travels from
web to worker through the broker, and Ctrl-C stops all three."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_web_worker_and_beat_run_together_on_the_embedded_default(tmp_path):
    env = {
        k: v for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    port = free_port()
    env.update(WKN_VAR_DIR=str(tmp_path), PORT=str(port), DJANGO_SETTINGS_MODULE="core.settings.dev",
               ALLOWED_HOSTS="127.0.0.1")
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)

    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "core.run_all"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert wait_for(lambda: "Demo logins:" in log.read_text(), timeout=150), \
                log.read_text()[-3000:]
            worker_log = tmp_path / "log" / "worker.log"
            assert wait_for(lambda: worker_log.exists() and "ready." in worker_log.read_text()), \
                "the worker never became ready"
            terminal = log.read_text()
            # Quiet: one line per started service, the address, the mail viewer and the logins.
            for service in ("web", "worker", "beat"):
                assert sum(line.strip().startswith(f"{service} ") and "started" in line
                           for line in terminal.splitlines()) == 1, terminal
            assert "WARNING" not in terminal and "Warning" not in terminal, terminal
            assert "/dev/mail/" in terminal

            def status(path):
                try:
                    return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").status
                except urllib.error.HTTPError as error:
                    return error.code

            assert status("/good-practices/") == 200  # the seeded public catalogue
            assert status("/admin/login/") == 200
            assert status("/api/schema/") == 200
            assert status("/dev/mail/") == 200  # the local mail viewer
            # An unknown address shows the site's own page, not Django's debug URL list.
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/")
            except urllib.error.HTTPError as error:
                assert error.code == 404
                page = error.read().decode()
                assert "Seite nicht gefunden" in page and "URLconf" not in page

            # A task travels from another process through the filesystem broker to the worker.
            subprocess.run(
                [sys.executable, "-m", "celery", "-A", "core", "call", "notifications.scan_outbox"],
                cwd=ROOT, env=env, check=True, capture_output=True, timeout=60,
            )
            assert wait_for(lambda: "notifications.scan_outbox" in worker_log.read_text()
                            and "succeeded" in worker_log.read_text().split("notifications.scan_outbox")[-1])
            # The services' logs are quiet too: no warning about the broker's (unused) host.
            for name in ("worker", "beat"):
                assert "No hostname was supplied" not in (tmp_path / "log" / f"{name}.log").read_text()
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise
    assert process.returncode == 0, log.read_text()[-3000:]
