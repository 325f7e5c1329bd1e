"""The package installs as users install it: `pip install .` and `uv tool install .`, and
the README's two commands work as written.

The installs need the package index (reachable here and in CI), so they are marked slow;
they still run in the default suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _source_copy(tmp_path: Path) -> Path:
    """A copy of the project without build leftovers, as a fresh checkout has it."""
    dest = tmp_path / "src"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", "node_modules"))
    return dest


def _detect(exe: Path, project: str) -> str:
    proc = subprocess.run([str(exe), "detect", str(ROOT / "tests/fixtures/projects" / project)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()[0]


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q",
                          str(_source_copy(tmp_path))], capture_output=True, text=True,
                         timeout=600)
    assert pip.returncode == 0, pip.stderr
    exe = venv / "bin" / "autoresearch"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("autoresearch ")
    assert _detect(exe, "flutter_app") == "type:    flutter"
    assert _detect(exe, "kotlin_gradle_multimodule") == "type:    gradle"
    # the bundled examples are package data: a non-editable install carries them
    listed = subprocess.run([str(exe), "new", "--list"], capture_output=True, text=True)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == \
        ["compress", "ml", "speed"], listed
    made = subprocess.run([str(exe), "new", str(tmp_path / "ex"), "-e", "compress"],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert {p.name for p in (tmp_path / "ex").iterdir()} >= {
        ".git", ".gitignore", "CLAUDE.md", "README.md", "program.md", "codec.py", "compress.py"}


@pytest.mark.slow
def test_uv_tool_install(tmp_path):
    venv = tmp_path / "uv-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    got = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q", "uv"],
                         capture_output=True, text=True, timeout=600)
    assert got.returncode == 0, got.stderr
    env = dict(os.environ, UV_TOOL_DIR=str(tmp_path / "tools"),
               UV_TOOL_BIN_DIR=str(tmp_path / "bin"), UV_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([str(venv / "bin/uv"), "tool", "install", str(_source_copy(tmp_path))],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    exe = tmp_path / "bin" / "autoresearch"
    assert _detect(exe, "vite_react_app") == "type:    node"


def _readme_commands() -> list[str]:
    """The commands of the README's "Two commands" section, as written."""
    text = (ROOT / "README.md").read_text().split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return [line[4:] for line in text.splitlines() if line.startswith("    ")]


def test_the_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text().rstrip("\n").splitlines()
    assert ci[-2] == "# The README's test command, exactly:"
    assert _readme_commands()[1] == ci[-1]


def _refusing_python() -> str | None:
    """The folder of a python3 (>= 3.10) that refuses global installs (PEP 668), if any."""
    for folder in ("/usr/bin", "/usr/local/bin"):
        exe = Path(folder) / "python3"
        if not exe.exists():
            continue
        probe = subprocess.run([str(exe), "-c", "import sys, sysconfig, os; print(sys.version_info "
                                ">= (3, 10) and os.path.exists(os.path.join(sysconfig.get_path("
                                "'stdlib'), 'EXTERNALLY-MANAGED')))"],
                               capture_output=True, text=True)
        if probe.stdout.strip() == "True":
            return folder
    return None


@pytest.mark.slow
def test_the_readme_quick_start_works_from_a_fresh_copy(tmp_path):
    """The README's first command in a fresh checkout, with a system Python that refuses
    global installs first on PATH when the machine has one (else this interpreter's)."""
    folder = _refusing_python() or str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{folder}:{env['PATH']}"
    proc = subprocess.run(["bash", "-c", _readme_commands()[0]], cwd=_source_copy(tmp_path),
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "loop stopped: --max-experiments 15 reached" in proc.stdout
    baseline, best = map(float, re.search(r"baseline (\S+) -> best (\S+)", proc.stdout).groups())
    assert best < baseline * 0.8  # the optuna agent improved the example
    report = re.search(r"report:  (\S+)", proc.stdout).group(1)
    assert Path(report).read_text().startswith("<!DOCTYPE html>")
