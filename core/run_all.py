"""`make run`: web, Celery worker and Celery beat in one terminal, stopped together by Ctrl-C.

On the embedded default (no REDIS_URL) they talk through the filesystem broker under var/
(WKN_VAR_DIR); the worker runs the solo pool (one task at a time), which SQLite prefers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def announce(web: subprocess.Popen) -> None:
    """Print the address and the demo logins once the web server answers, so they are the
    last thing on screen rather than lost among the start-up lines."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with socket.create_connection((HOST, int(PORT)), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    from workflows.demo import demo_logins  # plain data; importing it needs no database

    lines = [
        "",
        f"  Willkommensnetz is running at http://{HOST}:{PORT}/",
        f"  admin: http://{HOST}:{PORT}/admin/   API docs: http://{HOST}:{PORT}/api/docs/",
        "  Mail is printed here (console backend). Ctrl-C stops web, worker and beat.",
        "",
        "  Demo logins:",
        *(f"    {email:<45} {password}   {role}" for role, email, password in demo_logins()),
        "",
    ]
    print("\n".join(lines), flush=True)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.dev")
    import django

    django.setup()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "core.settings.dev")}
    env.setdefault("SITE_URL", f"http://{HOST}:{PORT}")
    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [python, "-m", "celery", "-A", "core", "worker", "--loglevel=INFO",
                   "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        # The schedule (core/celery.py) is static; beat keeps only its last-run times, in
        # CELERY_BEAT_SCHEDULE_FILENAME under WKN_VAR_DIR.
        "beat": [python, "-m", "celery", "-A", "core", "beat", "--loglevel=INFO"],
    }
    processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
    announce(processes["web"])

    def stop(*_args) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
    finally:
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
