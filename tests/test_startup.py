"""What the per-experiment commands import: the start-up cost is paid on every experiment.

Not a timing test (bench/overhead.py measures time): these pin the import sets, so a
heavy standard module slipping back onto the hot path fails here, with its name.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine_project import edit

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "autoresearch_helpers" / "launch.py"
BOOT = "import sys; from autoresearch_helpers.cli import main; sys.exit(main(sys.argv[1:]))"
# each costs a noticeable share of the interpreter's own start-up on a slow build
HEAVY = {"subprocess", "pathlib", "argparse", "threading", "dataclasses", "inspect",
         "typing", "shutil", "tempfile", "importlib.util", "rich", "yaml", "jq"}


def _imports(cmd: list[str], cwd) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd], cwd=cwd,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def imported(cmd: list[str], cwd: Path) -> set[str]:
    """The modules ``python CMD`` imports beyond what the interpreter's start-up already
    does (an editable install's path hook, for one, imports pathlib at start-up)."""
    return _imports(cmd, cwd) - _imports(["-c", "pass"], cwd)


def test_an_experiment_imports_nothing_heavy(session_repo):
    repo = session_repo()
    edit(repo, 4.0)
    names = imported(["-c", BOOT, "run", "-d", "lower"], repo)
    assert "autoresearch_helpers.engine" in names  # the experiment really ran here
    assert names & HEAVY == set()


def test_status_imports_nothing_heavy(session_repo):
    names = imported(["-c", BOOT, "status", "--brief"], session_repo())
    assert "autoresearch_helpers.session" in names  # (importlib.import_module is not listed)
    assert names & HEAVY == set()


def test_the_plugin_launcher_imports_only_the_helper_when_it_is_installed(tmp_path):
    names = imported([str(LAUNCHER), "--version"], tmp_path)
    assert "autoresearch_helpers.cli" in names  # ran in this process, no second interpreter
    assert names & (HEAVY | {"re"}) == set()
