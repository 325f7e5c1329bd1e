"""What the per-experiment commands import: the start-up cost is paid on every experiment.

Not a timing test (bench/overhead.py measures time): these pin the import sets, so a
heavy standard module slipping back onto the hot path fails here, with its name.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine_project import edit

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "autoresearch_helpers" / "launch.py"
BOOT = "import sys; from autoresearch_helpers.cli import main; sys.exit(main(sys.argv[1:]))"
# each costs a noticeable share of the interpreter's own start-up on a slow build
HEAVY = {"subprocess", "pathlib", "argparse", "threading", "dataclasses", "inspect",
         "typing", "shutil", "tempfile", "importlib", "importlib.util", "rich", "yaml", "jq",
         # re and json (which needs re), and signal with the enum, functools and
         # collections it imports: together more than half an interpreter start
         "re", "json", "signal", "enum", "functools", "collections"}


def _imports(cmd: list[str], cwd, *, site: bool) -> set[str]:
    # without site (-S), this checkout is found through PYTHONPATH: nothing that a .pth
    # file of this machine imports at start-up can hide a module of ours
    flags, env = (["-X", "importtime"], None) if site else (
        ["-S", "-X", "importtime"], {**os.environ, "PYTHONPATH": str(ROOT)})
    proc = subprocess.run([sys.executable, *flags, *cmd], cwd=cwd, capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def imported(cmd: list[str], cwd: Path, *, site: bool = False) -> set[str]:
    """The modules ``python CMD`` imports beyond what the interpreter's own start-up does."""
    return _imports(cmd, cwd, site=site) - _imports(["-c", "pass"], cwd, site=site)


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
    assert names & HEAVY == set()


def test_the_installed_command_imports_nothing_heavy():
    """pip's wrapper for an entry point imports re; our plain script does not."""
    script = Path(sys.executable).with_name("autoresearch")
    if not script.exists():
        pytest.skip("no autoresearch command installed next to this interpreter")
    names = imported([str(script), "--version"], ROOT, site=True)
    assert "autoresearch_helpers.cli" in names
    assert names & HEAVY == set()


EXIT = "from autoresearch_helpers.cli import exit_now\n"


@pytest.mark.parametrize("code, out", [
    # output still buffered (stdout is a pipe) is written before the process ends
    (EXIT + "print('done', end='')\nexit_now(4)", ("done", 4)),
    # another thread still running: a normal exit, which waits for it
    (EXIT + "import threading, time\n"
     "threading.Thread(target=lambda: (time.sleep(0.3), print('thread'))).start()\n"
     "print('main')\nexit_now(3)", ("main\nthread\n", 3)),
])
def test_exit_now_loses_no_output(code, out):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT)})
    assert (proc.stdout, proc.returncode) == out, proc.stderr
