"""Installed dependencies are not the agent's edit.

git ignores ``node_modules/`` and a virtualenv, so an edit of an installed package (or of
an untracked lockfile) would move the metric without ever showing in ``git status``. The
helper fingerprints them in ``.autoresearch/deps.json``:

- what: every ``node_modules`` of the repository (at the root and one or two folders
  down), the ``site-packages`` of each virtualenv inside it (``.venv``, ``venv``, a folder
  holding ``pyvenv.cfg``, ``$VIRTUAL_ENV`` and the one ``python3`` on PATH belongs to), and
  the lockfiles git ignores (git shows a change to any other); one unit per package
  (``node_modules/lodash``, ``node_modules/@babel/core``, an entry of site-packages);
- how: per unit, a digest of every file's size, mtime, ctime and mode (ctime cannot be
  set back, so a touch that restores the mtime still shows), and a digest of the contents,
  recomputed only for the units whose stat digest changed (``__pycache__`` and ``.pyc``,
  which Python itself writes on import, are left out);
- when: taken at setup after the baseline, and after every experiment's run, so a change
  the run makes (``npm ci`` in run_command) is accepted; checked before each experiment.

A unit whose contents differ from the fingerprint is the agent's edit: the experiment is
a ``scope_violation`` crash naming it and saying how to reinstall it. git cannot restore an
ignored file, so the change stays; the fingerprint is not re-taken, and every later `run`
refuses (exit 1, nothing logged) while it stays, saying the same. Once reinstalled — same
contents as before — the loop goes on. A poisoned dependency is thus never measured, let
alone kept, and an unattended loop stops with a message rather than crashing forever.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import time

from autoresearch_helpers import paths
from autoresearch_helpers.engine import git
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import jsonfile

LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock",
             "bun.lockb", "poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock",
             "requirements*.txt")
SKIP = ("__pycache__",)
SHOWN = 5


def deps_file(root) -> str:
    return os.path.join(paths.state_dir(root), "deps.json")


def save(root, taken: dict | None = None) -> None:
    """Take the fingerprint now (reusing the saved contents of unchanged units); the
    dependencies as they are become the reference."""
    units = taken if taken is not None else _take(root, _load(root).get("units", {}))
    _write(root, {"taken_at": time.time_ns(), "units": units, "reported": None})


def check(root) -> list[str]:
    """One line per unit changed since the fingerprint (empty when none, or when there is
    no fingerprint yet). Raises AutoresearchError when the same change was already logged
    as a scope_violation and is still there."""
    saved = _load(root)
    if not saved:
        return []
    ref = saved["units"]
    now = _take(root, ref)
    changed = sorted(k for k in set(ref) | set(now)
                     if (ref.get(k) or [None, None])[1] != (now.get(k) or [None, None])[1])
    if not changed:
        if now != ref or saved.get("reported"):  # touched, not changed: cheaper next time
            save(root, now)
        return []
    lines = [_line(root, key, ref, now, saved["taken_at"]) for key in changed]
    state = {k: (now.get(k) or [None, None])[1] for k in changed}
    if saved.get("reported") == state:
        raise AutoresearchError(
            "installed dependencies were changed outside an experiment and are still "
            "changed (an earlier experiment was a scope_violation for it): "
            + "; ".join(lines[:SHOWN]) + ". git cannot restore ignored files: reinstall "
            "them as they were, then run again. To take the dependencies as they are now "
            "(a deliberate upgrade), start a new session (setup --tag NEW) or delete "
            + os.path.relpath(deps_file(root), root))
    saved["reported"] = state
    _write(root, saved)
    return lines


def resume(root) -> None:
    """On resuming a session (the changes made while it was stopped are the user's), or
    after recovering a killed run (its own changes): take the dependencies as they are,
    unless a violation is still waiting for its reinstall."""
    if not _load(root).get("reported"):
        save(root)


def _line(root, key: str, ref: dict, now: dict, since: int) -> str:
    what = ("removed" if key not in now else "added" if key not in ref else
            "changed" + _newest(os.path.join(root, key), since))
    return f"{key}: installed dependency {what}, not by a run; reinstall it: {_fix(root, key)}"


def _newest(path: str, since: int) -> str:
    """' (a.js, b.js)': the files of the unit changed after ``since``."""
    files = [p for p in _files(path) if max(p[1].st_mtime_ns, p[1].st_ctime_ns) > since]
    names = [os.path.relpath(p[0], path) if os.path.isdir(path) else os.path.basename(p[0])
             for p in files[:3]]
    return f" ({', '.join(names)}{' ...' if len(files) > 3 else ''})" if names else ""


def _fix(root, key: str) -> str:
    if "node_modules/" in key or key.endswith("node_modules"):
        for lock, tool in (("pnpm-lock.yaml", "pnpm install --frozen-lockfile"),
                           ("yarn.lock", "yarn install --frozen-lockfile"),
                           ("bun.lockb", "bun install --frozen-lockfile")):
            if os.path.exists(os.path.join(root, lock)):
                return tool
        return "npm ci"
    if "site-packages/" in key:
        name = os.path.basename(key).split("-")[0].removesuffix(".py")
        if os.path.exists(os.path.join(root, "uv.lock")):
            return "uv sync --reinstall"
        return f"pip install --force-reinstall --no-deps {name}"
    return f"put {key} back as it was"


# --- taking the fingerprint -------------------------------------------------------------

def _take(root, ref: dict) -> dict:
    """{unit: [stat digest, contents digest]} (contents reused from ``ref`` when the stat
    digest is the same)."""
    out = {}
    for key, path in _units(root):
        files = _files(path)
        cut = len(path) + 1  # the paths below the unit (relpath is too slow here)
        stat = _digest(f"{p[cut:]}\0{s.st_size}\0{s.st_mtime_ns}\0{s.st_ctime_ns}\0{s.st_mode}"
                       for p, s in files)
        old = ref.get(key)
        out[key] = [stat, old[1] if old and old[0] == stat else _contents(path, files)]
    return out


def _units(root):
    """(key, path) of every package and untracked lockfile to fingerprint."""
    for tree in _trees(root):
        for entry in sorted(os.scandir(tree), key=lambda e: e.name):
            if entry.name in SKIP:
                continue
            if entry.name.startswith("@") and entry.is_dir(follow_symlinks=False):
                for sub in sorted(os.scandir(entry.path), key=lambda e: e.name):
                    yield _key(root, sub.path), sub.path
            else:
                yield _key(root, entry.path), entry.path
    locks = sorted({p for pattern in LOCKFILES for p in glob.glob(os.path.join(root, pattern))})
    names = [os.path.basename(p) for p in locks]  # git shows the others' changes itself
    ignored = set(git.git(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard",
                          "--", *names).split("\0")) if names else set()
    for path in locks:
        if os.path.basename(path) in ignored:
            yield _key(root, path), path


def _trees(root) -> list[str]:
    """node_modules folders and site-packages inside the repository."""
    found = []
    for depth in ("", "*", "*/*"):  # not a package's own node_modules: part of the package
        found += [p for p in glob.glob(os.path.join(root, depth, "node_modules"))
                  if "node_modules" not in _key(root, p).split("/")[:-1]]
    venvs = {os.path.join(root, name) for name in (".venv", "venv")}
    venvs |= {os.path.dirname(p) for p in glob.glob(os.path.join(root, "*", "pyvenv.cfg"))}
    python = shutil.which("python3")
    for prefix in (os.environ.get("VIRTUAL_ENV"),
                   os.path.dirname(os.path.dirname(python)) if python else None):
        if prefix and os.path.realpath(prefix).startswith(os.path.realpath(root) + os.sep):
            venvs.add(prefix)
    for venv in venvs:
        found += glob.glob(os.path.join(venv, "lib*", "python*", "site-packages"))
        found += glob.glob(os.path.join(venv, "Lib", "site-packages"))
    real = {os.path.realpath(p): p for p in sorted(found) if os.path.isdir(p)}
    return sorted(real)


def _files(path: str) -> list:
    """(path, lstat) of every file under ``path`` (``path`` itself when it is a file)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return []
    if not os.path.isdir(path) or os.path.islink(path):
        return [(path, st)]
    out = []
    stack = [path]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name in SKIP or entry.name.endswith(".pyc"):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                out.append((entry.path, entry.stat(follow_symlinks=False)))
    return sorted(out, key=lambda p: p[0])


def _contents(path: str, files: list) -> str:
    def one(p: str, st) -> str:
        if os.path.islink(p):
            return "link:" + os.readlink(p)
        digest = hashlib.sha1()
        try:
            with open(p, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            return f"unreadable:{exc.errno}"
        return f"{st.st_mode & 0o111:o}:{digest.hexdigest()}"
    return _digest(f"{p[len(path) + 1:]}\0{one(p, s)}" for p, s in files)


def _digest(lines) -> str:
    digest = hashlib.sha1()
    for line in lines:
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def _key(root, path: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _load(root) -> dict:
    try:
        with open(deps_file(root), encoding="utf-8") as fh:
            data = json.load(fh)
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("units"), dict) else {}


def _write(root, data: dict) -> None:
    jsonfile.write(deps_file(root), data)
