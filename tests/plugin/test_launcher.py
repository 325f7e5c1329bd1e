"""The plugin launcher: fast path, `--context` lines that never fail, and the one-time install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autoresearch_helpers import __version__
from autoresearch_helpers.plugin import launch

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "autoresearch_helpers" / "plugin" / "launch.py"
NOT_INSTALLED = ("autoresearch: the helper is not installed yet; the first autoresearch command "
                 "installs it (once)\n")


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> str:
    """A Python >= 3.10 that cannot import autoresearch_helpers (a fresh, empty venv)."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(launch.venv_python(str(venv)))
    probe = subprocess.run([python, "-c", "import autoresearch_helpers"], capture_output=True,
                           cwd=venv.parent)
    assert probe.returncode != 0, "the bare venv must not see our package"
    return python


def launcher(python: str, *args: str, cwd: Path, data: Path, env: dict | None = None,
             launcher_path: Path | None = LAUNCHER) -> subprocess.CompletedProcess:
    """Run the launcher (``launcher_path=None``: ``args`` hold the whole command line)."""
    full = dict(os.environ, XDG_DATA_HOME=str(data))
    full.update(env or {})
    cmd = [python, *args] if launcher_path is None else [python, str(launcher_path), *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=full, timeout=600)


def test_an_installed_helper_is_used_directly(tmp_path):
    proc = launcher(sys.executable, "--version", cwd=tmp_path, data=tmp_path / "data")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"autoresearch {__version__}\n", "")
    assert not (tmp_path / "data").exists()


def test_exit_code_and_output_of_the_helper_come_through(make_repo, tmp_path):
    repo = make_repo({"a.txt": "x\n"})
    proc = launcher(sys.executable, "status", "--brief", cwd=repo, data=tmp_path / "data")
    assert proc.returncode == 0
    assert proc.stdout == "no autoresearch session in this repository (start one with: /autoresearch setup)\n"
    proc = launcher(sys.executable, "no-such-verb", cwd=repo, data=tmp_path / "data")
    assert proc.returncode == 2
    assert "autoresearch: error: unknown verb 'no-such-verb'" in proc.stderr


def _ready_venv(data: Path, python_for_venv) -> Path:
    """A venv for this version as the launcher finds it after an install: its bin/python,
    the marker, and our package in its site-packages (linked to this checkout)."""
    venv = data / "autoresearch" / f"venv-{__version__}"
    site = venv / "lib" / ("python%d.%d" % sys.version_info[:2]) / "site-packages"
    site.mkdir(parents=True)
    (site / "autoresearch_helpers").symlink_to(ROOT / "autoresearch_helpers")
    (site / "autoresearch_dashboard").symlink_to(ROOT / "dashboard")
    (venv / "bin").mkdir()
    python_for_venv(venv / "bin" / "python", site)
    (venv / launch.MARKER).write_text(f"{__version__}\n")
    return venv


def _imported_here(proc) -> bool:
    return any(line.rstrip().endswith("| autoresearch_helpers.cli")
               for line in proc.stderr.splitlines())


def test_the_plugin_venv_is_started_when_this_interpreter_lacks_the_helper(bare_python, tmp_path):
    def wrapper(python: Path, site: Path) -> None:  # another program: realpath differs
        python.write_text(f'#!/bin/sh\nPYTHONPATH="{site}" exec "{bare_python}" "$@"\n')
        python.chmod(0o755)

    data = tmp_path / "data"
    _ready_venv(data, wrapper)
    proc = launcher(bare_python, "-X", "importtime", str(LAUNCHER), "--version", cwd=tmp_path,
                    data=data, launcher_path=None)
    assert (proc.returncode, proc.stdout) == (0, f"autoresearch {__version__}\n"), proc.stderr
    assert not _imported_here(proc)  # the helper ran in the exec'd interpreter


def test_context_without_the_helper_prints_one_line_and_installs_nothing(bare_python, make_repo, tmp_path):
    repo = make_repo({"a.txt": "x\n"})
    proc = launcher(bare_python, "--context", "status", "--brief", cwd=repo, data=tmp_path / "data")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, NOT_INSTALLED, "")
    assert not (tmp_path / "data").exists()


def test_context_never_fails_outside_a_git_repository(tmp_path):
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    proc = launcher(sys.executable, "--context", "status", cwd=outside, data=tmp_path / "data")
    assert proc.returncode == 0
    assert proc.stdout.startswith("autoresearch status: error: ")
    assert proc.stdout.count("\n") == 1


def test_a_module_named_like_a_standard_one_never_shadows_it(tmp_path):
    """Run as a file, the package folder is first on sys.path: the launcher drops it."""
    plugin = tmp_path / "plugin"
    shutil.copytree(ROOT / "autoresearch_helpers", plugin / "autoresearch_helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("re", "tempfile", "subprocess"):
        (plugin / "autoresearch_helpers" / f"{name}.py").write_text("raise SystemExit('shadowed!')\n")
    proc = launcher(sys.executable, "--version", cwd=tmp_path, data=tmp_path / "data",
                    launcher_path=plugin / "autoresearch_helpers" / "plugin" / "launch.py")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"autoresearch {__version__}\n", "")


def test_unwritable_data_folder_is_one_message(bare_python, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    proc = launcher(bare_python, "--version", cwd=tmp_path, data=blocker)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("autoresearch: cannot install the helper: [Errno 20] Not a directory")
    assert lines[1] == (f"fix: make {blocker}/autoresearch writable, or set XDG_DATA_HOME to a "
                        "writable folder, and rerun")
    assert proc.stdout == ""


@pytest.mark.slow
def test_first_install_fails_offline_then_installs_once_and_is_reused(bare_python, make_repo, tmp_path):
    """Needs PyPI. A failed install says what to do and leaves no marker; the next two
    (concurrent) first calls share one install; after that the marker is reused."""
    repo = make_repo({"a.txt": "x\n"})
    data = tmp_path / "data"
    venv = data / "autoresearch" / f"venv-{__version__}"
    installing = (f"autoresearch: first run: installing the helper and its dependencies into "
                  f"{venv} (once, about a minute)")
    empty = tmp_path / "no-packages"
    empty.mkdir()
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(empty), "PIP_CONFIG_FILE": os.devnull}
    failed = launcher(bare_python, "--version", cwd=tmp_path, data=data, env=offline)
    assert failed.returncode == 1
    lines = failed.stderr.splitlines()
    assert lines[0] == installing
    assert lines[1].startswith("autoresearch: installing the helper with pip failed (")
    assert lines[-1] == ("fix: make the Python package index reachable for pip (behind a proxy: export "
                         "HTTPS_PROXY=...) and rerun the same command")
    assert failed.stdout == ""
    assert not (venv / launch.MARKER).exists()

    env = dict(os.environ, XDG_DATA_HOME=str(data))
    first = [subprocess.Popen([bare_python, str(LAUNCHER), "status", "--brief"], cwd=repo,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.communicate(timeout=600), p.returncode) for p in first]
    no_session = "no autoresearch session in this repository (start one with: /autoresearch setup)\n"
    assert [(code, out) for (out, _), code in results] == [(0, no_session)] * 2, results
    assert sorted(err for (_, err), _ in results) == ["", installing + "\n"]
    marker = venv / launch.MARKER
    assert marker.read_text() == f"{__version__}\n"
    stamp = marker.stat().st_mtime_ns

    again = launcher(bare_python, "status", "--brief", cwd=repo, data=data)
    assert (again.returncode, again.stdout, again.stderr) == (0, no_session, "")
    context = launcher(bare_python, "--context", "status", "--brief", cwd=repo, data=data)
    assert (context.returncode, context.stdout, context.stderr) == (0, no_session, "")
    assert marker.stat().st_mtime_ns == stamp


# --- the pure pieces ------------------------------------------------------------------------

@pytest.mark.parametrize("env, expected", [
    ({"CLAUDE_PLUGIN_DATA": "/p/data", "XDG_DATA_HOME": "/x"}, "/p/data"),
    ({"XDG_DATA_HOME": "/x"}, "/x/autoresearch"),
    ({"CLAUDE_PLUGIN_DATA": "", "XDG_DATA_HOME": "/x"}, "/x/autoresearch"),
])
def test_data_dir(env, expected):
    assert launch.data_dir(env) == expected


def test_data_dir_defaults_to_the_users_share_folder():
    assert launch.data_dir({}) == str(Path.home() / ".local" / "share" / "autoresearch")


@pytest.mark.parametrize("marker, expected", [("0.1.0\n", True), ("0.0.9\n", False), (None, False)])
def test_ready_needs_a_marker_of_this_version(tmp_path, marker, expected):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    if marker is not None:
        (venv / launch.MARKER).write_text(marker)
    assert launch.ready(str(venv), "0.1.0") is expected


def test_read_version_matches_the_package():
    assert launch.read_version(str(ROOT)) == __version__


def test_messages_name_what_is_typed_inside_claude_code(make_repo, tmp_path):
    # through the launcher, a verb the slash command takes is named as /autoresearch ...,
    # any other as autoresearch ... (bin/autoresearch); in a terminal the bare command
    repo = make_repo({"a.txt": "x\n"})
    via = launcher(sys.executable, "run", "-d", "idea", cwd=repo, data=tmp_path / "data")
    assert via.returncode == 1 and "run '/autoresearch setup' first" in via.stderr
    bare = subprocess.run([sys.executable, "-m", "autoresearch_helpers", "run", "-d", "idea"],
                          cwd=repo, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items()
                               if k != "AUTORESEARCH_LAUNCHER"})
    assert bare.returncode == 1 and "run 'autoresearch setup' first" in bare.stderr
    listed = launcher(sys.executable, "sessions", cwd=repo, data=tmp_path / "data")
    assert "(start one with: /autoresearch setup)" in listed.stdout


def test_a_verb_the_slash_command_does_not_take_is_named_as_typed_in_a_shell(monkeypatch):
    from autoresearch_helpers.vocab import typed

    monkeypatch.delenv("AUTORESEARCH_LAUNCHER", raising=False)
    assert typed("run -d x") == "autoresearch run -d x"
    monkeypatch.setenv("AUTORESEARCH_LAUNCHER", "/plugins/ar/launch.py")
    assert typed("run -d x") == "autoresearch run -d x"  # bin/autoresearch, on the PATH
    assert typed("setup --tag t2") == "/autoresearch setup --tag t2"
