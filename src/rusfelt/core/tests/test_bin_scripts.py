"""The README's commands: bin/setup installs only when needed, bin/demo talks at once.

The scripts run in a scratch copy of the checkout whose ``.venv`` holds a
stand-in ``python`` and ``rusfelt`` that only record how they were called,
so nothing is installed and no server starts.
"""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]

STAND_IN = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$(dirname "$0")/../calls.log"
"""


@pytest.fixture
def checkout(tmp_path):
    (tmp_path / "bin").mkdir()
    for name in ("setup", "demo"):
        shutil.copy(REPO / "bin" / name, tmp_path / "bin" / name)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    for name in ("python", "rusfelt"):
        path = venv_bin / name
        path.write_text(STAND_IN)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return tmp_path


def calls(checkout: Path) -> list[str]:
    log = checkout / ".venv" / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def run(checkout: Path, script: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(checkout / "bin" / script)], cwd=checkout, capture_output=True,
                          text=True, timeout=60, check=True)


def test_setup_installs_the_first_time(checkout):
    run(checkout, "setup")
    assert any("pip install" in call and "-e .[test]" in call for call in calls(checkout))


def test_setup_does_not_reinstall_when_nothing_changed(checkout):
    run(checkout, "setup")
    before = calls(checkout)
    result = run(checkout, "setup")
    assert calls(checkout) == before
    assert result.stdout == ""


def test_setup_reinstalls_when_the_dependencies_change(checkout):
    run(checkout, "setup")
    before = len(calls(checkout))
    with (checkout / "pyproject.toml").open("a") as f:
        f.write("\n# a changed dependency list\n")
    run(checkout, "setup")
    assert len(calls(checkout)) > before


def test_demo_says_what_it_does_before_each_slow_step(checkout):
    (checkout / ".venv" / "bin" / "rusfelt").write_text(
        STAND_IN + 'if [ "$1" = runserver ]; then exit 0; fi\n')
    result = run(checkout, "demo")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Starter Rusfelt-demoen")
    assert lines[1].startswith("Installerer Rusfelt")
    assert lines.index("Oppdaterer databasen i var/ …") < lines.index("Laster demodata …")
    assert [c.split()[1] for c in calls(checkout) if c.startswith("rusfelt")] == [
        "migrate", "loaddemo", "runserver"]
