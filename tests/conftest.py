"""Shared fixtures: an isolated HOME, temporary git repositories, and the CLI as a process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
PROJECTS = FIXTURES / "projects"


def _cli_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m``."""
    script = Path(sys.executable).with_name("autoresearch")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "autoresearch_helpers"]


CLI = _cli_command()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Keep HOME, git identity and config inside a temporary folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.com")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.delenv("CLAUDE_PLUGIN_ROOT", raising=False)
    monkeypatch.delenv("CLAUDE_PLUGIN_DATA", raising=False)
    return home


def git(cwd: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


def init_repo(path: Path, files: dict[str, str] | None = None, commit: bool = True) -> Path:
    """A git repository at ``path`` holding ``files`` (relative path -> text), committed."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    for rel, text in (files or {}).items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    if commit:
        git(path, "add", "-A")
        git(path, "commit", "-q", "--allow-empty", "-m", "initial")
    return path


@pytest.fixture
def make_repo(tmp_path):
    """make_repo(files) -> a committed git repository in a fresh temporary folder."""
    counter = [0]

    def _make(files: dict[str, str] | None = None, commit: bool = True) -> Path:
        counter[0] += 1
        return init_repo(tmp_path / f"repo{counter[0]}", files, commit)

    return _make


@pytest.fixture
def project_repo(tmp_path):
    """project_repo(name) -> a committed git repository copied from tests/fixtures/projects/<name>."""

    def _copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(PROJECTS / name, dest, symlinks=True)
        return init_repo(dest)

    return _copy


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        import json

        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def run_cli(cwd: Path, *args: str, timeout: float = 120, env: dict | None = None,
            input: str | None = None) -> Result:
    """Run ``autoresearch ARGS`` as a real process in ``cwd``."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=full_env, input=input)
    return Result(proc)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def session_repo(make_repo, cli):
    """session_repo(extra_config="", value=5.0, files=None) -> a repo after a good setup
    of the small custom project of tests/engine_project.py (tag t1)."""
    from engine_project import project

    def _make(extra: str = "", value: float = 5.0, files: dict | None = None):
        repo = make_repo(project(extra, value, files))
        result = cli(repo, "setup", "--tag", "t1")
        assert result.code == 0, result
        return repo

    return _make


def session_document(root: Path, **fields) -> dict:
    """A complete .autoresearch/session.json document (docs/formats.md), with ``fields``
    replacing the defaults; write it with write_session_file."""
    doc = {"schema": 1, "active": True, "tag": "t1", "branch": "main", "root": str(root),
           "base_commit": "0" * 40, "config": {"values": {}}, "editable": ["train.py"],
           "readonly": [], "metric_name": "score", "direction": "lower_is_better",
           "champion": None, "baseline": None, "experiments": 0,
           "counts": {"keep": 0, "discard": 0, "crash": 0}, "crash_streak": 0,
           "pending": None, "recent": []}
    doc.update(fields)
    return doc


def write_session_file(root: Path, **fields) -> dict:
    import json

    doc = session_document(root, **fields)
    (root / ".autoresearch").mkdir(exist_ok=True)
    (root / ".autoresearch" / "session.json").write_text(json.dumps(doc))
    return doc
