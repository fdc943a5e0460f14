"""Issue 10, item 7: the production settings pass Django's deployment check, warnings included,
with the TLS redirect on (the default) and switched off behind a TLS proxy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    environment = {
        # Not the test run's own switches (the async-unsafe flag is itself a deploy warning).
        **{
            k: v for k, v in os.environ.items()
            if not k.startswith("SECURE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "DJANGO_SETTINGS_MODULE": "core.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "https://willkommensnetz.example",  # production refuses to start without it
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120,
    )


@pytest.mark.parametrize("env", [{}, {"SECURE_SSL_REDIRECT": "false"}])
def test_production_settings_pass_check_deploy(env):
    result = _check_deploy(**env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_hsts_is_switched_off():
    """The check really looks: without HSTS it fails (so the pass above is earned)."""
    result = _check_deploy(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
