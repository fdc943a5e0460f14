"""The WSGI entry point loads the project and freezes what it loaded (``core/wsgi.py``): a
full garbage collection then walks only what requests created, not the ~150,000 objects of
the loaded project (issue 14: they cost the statistics answer 80 ms every few requests)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_application_freezes_the_loaded_project():
    code = (
        "import gc, core.wsgi; "
        "from django.urls import get_resolver; "
        "print(gc.get_freeze_count(), len(get_resolver().url_patterns) > 0)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "core.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    assert int(out[0]) > 50_000  # the project, views included, in the permanent generation
    assert out[1] == "True"
