"""The layers point one way: core's network base <- workflows <- notifications <- api.

import-linter checks the contract in pyproject.toml (``[tool.importlinter]``) over every import
in the source tree, including imports inside functions and under ``TYPE_CHECKING``. The second
test proves the check bites: it copies the tree, adds one forbidden import, and expects the
linter to name it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "workflows", "network", "notifications", "api")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_point_one_way():
    result = lint_imports(BASE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The Python sources and the contract, without templates, locales or the venv."""
    for package in PACKAGES:
        shutil.copytree(
            BASE_DIR / package,
            tmp_path / package,
            ignore=lambda directory, names: [
                n for n in names if not n.endswith(".py") and not (Path(directory) / n).is_dir()
            ],
        )
    shutil.copy(BASE_DIR / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(root: Path, module_path: str, line: str) -> None:
    path = root / module_path
    source = path.read_text() if path.exists() else ""
    path.write_text(source + "\n\n" + line + "\n")


FORBIDDEN = [
    # (module, the import added to it, what the linter must name)
    ("workflows/services/lifecycle.py", "from notifications import dispatch",
     "workflows.services.lifecycle -> notifications.dispatch"),
    ("workflows/selectors.py", "def f():\n    from api import views",
     "workflows.selectors -> api.views"),
    ("workflows/management/commands/seed_demo.py", "import notifications.services",
     "workflows.management.commands.seed_demo -> notifications.services"),
    ("core/permissions.py",
     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from workflows.models import Challenge",
     "core.permissions -> workflows.models"),
    ("core/forms.py", "from notifications.models import Preference",
     "core.forms -> notifications.models"),
    ("core/views.py", "from notifications import services", "core.views -> notifications.services"),
    ("core/new_module.py", "import api.urls", "core.new_module -> api.urls"),
    ("notifications/mail.py", "from api import serializers", "notifications.mail -> api.serializers"),
]


def test_the_copy_alone_is_clean(tree_copy):
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module_path", "line", "named"), FORBIDDEN)
def test_a_forbidden_import_breaks_the_check(tree_copy, module_path, line, named):
    _add_import(tree_copy, module_path, line)

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert named in result.stdout, result.stdout


@pytest.mark.parametrize(
    "module_path",
    ["core/urls.py", "core/run_all.py", "core/celery.py", "core/settings/base.py"],
)
def test_the_project_wiring_may_import_every_layer(tree_copy, module_path):
    _add_import(tree_copy, module_path, "import api.views\nimport notifications.tasks")

    result = lint_imports(tree_copy)

    assert result.returncode == 0, result.stdout + result.stderr
