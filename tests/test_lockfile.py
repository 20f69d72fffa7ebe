"""The lock files (make lock) pin every requirement the portal names, at the version it names, with hashes."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path):
    """{name: version} of a requirements file, following its -r includes."""
    pins = {}
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins.update(requirements(line[3:].strip()))
        elif match := PIN.match(line):
            pins[normalise(match[1])] = match[2]
    return pins


def lock(path):
    """{name: version} of a lock file, and the names locked without a hash (an entry may carry environment markers:
    the lock is universal, e.g. numpy for Python 3.11 and another for later ones)."""
    text = (ROOT / path).read_text()
    entries = re.findall(r"^([A-Za-z0-9][^\s=]*)==([^\s;\\]+)(?: ;[^\\\n]*)?((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)",
                         text, re.M)
    return ({normalise(name): version for name, version, _ in entries},
            [name for name, _, hashes in entries if not hashes])


@pytest.mark.parametrize(("source", "locked"), [("requirements.txt", "requirements.lock"),
                                                ("requirements-dev.txt", "requirements-dev.lock")])
def test_the_lock_covers_every_top_level_requirement_at_its_version(source, locked):
    wanted = requirements(source)
    pins, unhashed = lock(locked)
    assert wanted, f"no requirement read from {source}"
    missing = {name: version for name, version in wanted.items() if pins.get(name) != version}
    assert not missing, f"{locked} lacks or differs from {source} for {missing}: run `make lock`"
    assert not unhashed, f"{locked} has entries without hashes: {unhashed}"


def test_the_development_lock_agrees_with_the_runtime_lock():
    runtime, _ = lock("requirements.lock")
    development, _ = lock("requirements-dev.lock")
    differ = {name: (version, development.get(name)) for name, version in runtime.items()
              if development.get(name) != version}
    assert not differ, f"requirements-dev.lock resolves runtime packages differently: {differ}"


def test_installs_come_from_the_locks():
    assert "--require-hashes -r requirements-dev.lock" in (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in (ROOT / "Dockerfile").read_text()
