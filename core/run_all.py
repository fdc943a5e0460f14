"""`make run`: web, Celery worker and Celery beat in one terminal, stopped together by Ctrl-C.

On the embedded default (no REDIS_URL) they talk through the filesystem broker under var/
(WKN_VAR_DIR); the worker runs the solo pool (one task at a time), which SQLite prefers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def main() -> int:
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
    print(f"\n  Willkommensnetz is running at http://{HOST}:{PORT}/  (admin: /admin/, API: /api/docs/)")
    print("  Demo logins: see the list printed by seed_demo above. Ctrl-C stops web, worker and beat.\n",
          flush=True)

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
