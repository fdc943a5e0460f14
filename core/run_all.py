"""`make run`: web, Celery worker and Celery beat in one terminal, stopped together by Ctrl-C.

On the embedded default (no REDIS_URL) they talk through the filesystem broker under var/
(WKN_VAR_DIR); the worker runs the solo pool (one task at a time), which SQLite prefers.

The terminal stays quiet: one line per started service, then the address, the mail viewer and
the demo logins. Each service writes its log to WKN_VAR_DIR/log/<service>.log; a service that
stops on its own has the end of its log printed. Django's debug pages are off unless a developer
asks for them (`make run DEBUG=1`), so people see the site's own error pages.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


# Long enough for a first start on a busy machine (the address and logins come after it).
def wait_until_serving(web: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with socket.create_connection((HOST, int(PORT)), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def announce(log_dir: Path, mail_viewer: bool) -> None:
    """The address and the demo logins, last on screen rather than lost among start-up lines."""
    from workflows.demo import demo_logins  # plain data; importing it needs no database

    base = f"http://{HOST}:{PORT}"
    mail_line = (
        f"  Emails stay on this machine: read them at {base}/dev/mail/"
        if mail_viewer
        else "  Emails go out through the configured EMAIL_HOST."
    )
    lines = [
        "",
        f"  Willkommensnetz is running at {base}/",
        f"  admin: {base}/admin/   API docs: {base}/api/docs/",
        mail_line,
        f"  Logs: {log_dir}/   Ctrl-C stops web, worker and beat.",
        "",
        "  Demo logins:",
        *(f"    {email:<45} {password}   {role}" for role, email, password in demo_logins()),
        "",
    ]
    print("\n".join(lines), flush=True)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.dev")
    os.environ.setdefault("DEBUG", "0")
    import django
    from django.conf import settings

    django.setup()
    env = {**os.environ, "DJANGO_RUNSERVER_HIDE_WARNING": "true"}
    env.setdefault("SITE_URL", f"http://{HOST}:{PORT}")
    log_dir = Path(settings.VAR_DIR) / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload", "--skip-checks"],
        "worker": [python, "-m", "celery", "-A", "core", "worker", "--loglevel=INFO",
                   "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        # The schedule (core/celery.py) is static; beat keeps only its last-run times, in
        # CELERY_BEAT_SCHEDULE_FILENAME under WKN_VAR_DIR.
        "beat": [python, "-m", "celery", "-A", "core", "beat", "--loglevel=INFO"],
    }
    logs = {name: log_dir / f"{name}.log" for name in commands}
    processes: dict[str, subprocess.Popen] = {}
    for name, command in commands.items():
        with logs[name].open("ab") as out:
            processes[name] = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        print(f"  {name:<7} started (pid {processes[name].pid}), log: {logs[name]}", flush=True)
    if wait_until_serving(processes["web"]):
        announce(log_dir, getattr(settings, "DEV_MAIL_VIEWER", False))

    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
    finally:
        for name, process in processes.items():
            if process.poll() is not None and not stopping:
                print(f"\n  {name} stopped on its own (exit {process.returncode}); the end of its log:\n"
                      f"{tail(logs[name])}\n", flush=True)
        stop()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    failed = [name for name, p in processes.items() if p.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
