"""The apps import one way (.importlinter): league_portal, the roof, over the domain apps, over notifications,
over orgs and accounts, over core, the floor, which imports no app. A new import against the direction fails
here with the chain that breaks it."""
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_imports_follow_the_layers():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint_imports is None:
        pytest.fail("import-linter is not installed; it is in requirements-dev.txt")
    result = subprocess.run([lint_imports, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_every_app_of_the_project_is_in_the_layers():
    """An app left out of the contract would be free to import anything."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layered = {name.strip() for line in config["importlinter:contract:layers"]["layers"].split("\n")
               for name in line.split("|") if name.strip()}
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages == layered
    assert set(config["importlinter"]["root_packages"].split()) == layered

