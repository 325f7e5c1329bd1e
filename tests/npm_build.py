"""Real builds of the fixture web projects with the tools from the npm registry.

``node_modules(name)`` installs the dependencies of tests/fixtures/projects/<name> once per
package.json (the folder is keyed by its hash) under $AUTORESEARCH_NPM_CACHE, else
~/.cache/autoresearch-tests/npm, and a test links it into its temporary repository. Tests
that use it carry the ``npm`` marker; they are skipped when npm is not installed, or when
AUTORESEARCH_SKIP_NPM=1 (offline). npm's own download cache is the user's (~/.npm). The
slowest (a Next.js build, about a minute more) run only with AUTORESEARCH_NPM_SLOW=1.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROJECTS

HOME = Path(os.path.expanduser("~"))  # read at import, before a test replaces HOME
CACHE = Path(os.environ.get("AUTORESEARCH_NPM_CACHE") or HOME / ".cache/autoresearch-tests/npm")
NPM_ENV = {"npm_config_cache": str(HOME / ".npm"), "npm_config_update_notifier": "false",
           "npm_config_fund": "false", "npm_config_audit": "false",
           "NEXT_TELEMETRY_DISABLED": "1"}


def skip_without_npm() -> None:
    if os.environ.get("AUTORESEARCH_SKIP_NPM") == "1":
        pytest.skip("AUTORESEARCH_SKIP_NPM=1: real npm builds are skipped")
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")


def skip_unless_slow() -> None:
    if os.environ.get("AUTORESEARCH_NPM_SLOW") != "1":
        pytest.skip("set AUTORESEARCH_NPM_SLOW=1 to run the slowest real builds")


def build(repo: Path) -> None:
    """``npm run build`` in ``repo``, as the loop runs it."""
    proc = subprocess.run(["npm", "run", "build"], cwd=repo, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **NPM_ENV})
    assert proc.returncode == 0, f"npm run build failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"


def node_modules(name: str) -> Path:
    """The installed node_modules of fixture ``name`` (installed now if not cached)."""
    skip_without_npm()
    manifest = (PROJECTS / name / "package.json").read_bytes()
    folder = CACHE / f"{name}-{hashlib.sha256(manifest).hexdigest()[:12]}"
    if not (folder / "node_modules" / ".package-lock.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_bytes(manifest)
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=folder,
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, **NPM_ENV})
        assert proc.returncode == 0, f"npm install of {name} failed:\n{proc.stderr[-2000:]}"
    return folder / "node_modules"


def link_node_modules(repo: Path, name: str) -> None:
    """Link the cached node_modules of fixture ``name`` into ``repo`` (git ignores it)."""
    (repo / "node_modules").symlink_to(node_modules(name), target_is_directory=True)
