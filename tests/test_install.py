"""The package installs as users install it: `pip install .` and `uv tool install .`.

Both need the package index (reachable here and in CI), so they are marked slow; they
still run in the default suite.
"""

from __future__ import annotations

import os
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
        ".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", "node_modules"))
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
