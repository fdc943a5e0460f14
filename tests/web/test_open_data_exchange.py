"""Two instances exchange a feed: instance A is the test database served by ``live_server``;
instance B is a second database (a fresh SQLite file) run in a subprocess with its own
DATABASE_URL, which migrates and imports A's feed over HTTP, twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import advance, file_challenge
from workflows import services
from workflows.models import GoodPractice, State

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_instance_b_imports_the_feed_of_instance_a(live_server, network, tmp_path, settings):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    advance(challenge, State.EVALUATED, actor=network.group_member, group=network.group)
    record = services.good_practice_publish(
        actor=network.coordinator, good_practice=GoodPractice.objects.get()
    )
    database_b = tmp_path / "instance-b.sqlite3"
    env = {
        key: value for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database_b}", DJANGO_SETTINGS_MODULE="core.settings.test",
        WKN_VAR_DIR=str(tmp_path),
    )
    _manage(env, "migrate", "--noinput", "-v0")
    feed_url = f"{live_server.url}/open-data/good-practices.json"

    assert "1 created" in _manage(env, "import_good_practices", feed_url)
    assert "1 unchanged" in _manage(env, "import_good_practices", feed_url)

    with sqlite3.connect(database_b) as b:
        rows = b.execute(
            "SELECT title, status, source_name, source_uri, licence FROM workflows_goodpractice"
        ).fetchall()
    assert rows == [(
        "Lotsenprogramm", "draft", settings.NETWORK_NAME,
        f"{settings.SITE_URL}/good-practices/{record.slug}/",
        "Creative Commons Attribution 4.0 International (CC BY 4.0) "
        "https://creativecommons.org/licenses/by/4.0/",
    )]
