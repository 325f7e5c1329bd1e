"""Nothing runs through `.git`: the repository's own configuration as it was at setup.

Git runs code named by its configuration (core.fsmonitor, hooks, filter drivers, ...).
Every git call of the helper disables the settings that can (engine/git.py SAFE); what
remains, filters above all, is configured in files an experiment can write. So setup
copies those files to ``.autoresearch/git/``, and `run` compares them, in Python and
before any git call, at the start and again after the measurement. A change is undone
(the changed file is moved under the experiment's rejected/ folder and the copy put
back) and makes that experiment a crash ``git_tampered``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil

from autoresearch_helpers import paths
from autoresearch_helpers.engine import git

FILES = ("config", "config.worktree", "info/attributes", "info/exclude")
HOOKS = "hooks"
CONFIGS = ("config", "config.worktree")
# Settings a user changes in the middle of a session that make git run nothing: a change
# to .git/config that touches only these is accepted (and the copy updated).
HARMLESS = re.compile(r"(remote|branch|user|author|committer|color|column|advice|init|push|"
                      r"pull|fetch|log|format|status|help|i18n|pretty|rerere|gui)\.|core\."
                      r"(repositoryformatversion|filemode|bare|logallrefupdates|autocrlf|"
                      r"safecrlf|eol|whitespace|quotepath|symlinks|precomposeunicode)$")


def git_dirs(root) -> tuple[str, str]:
    """(this work tree's git directory, the common one) without running git."""
    dot = os.path.join(root, ".git")
    git_dir = dot
    if os.path.isfile(dot):
        with open(dot, encoding="utf-8", errors="replace") as fh:
            line = fh.read().strip()
        if line.startswith("gitdir:"):
            git_dir = os.path.join(root, line[7:].strip())
    common = git_dir
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as fh:
            common = os.path.join(git_dir, fh.read().strip())
    except OSError:
        pass
    return os.path.normpath(git_dir), os.path.normpath(common)


def _watched(root) -> dict[str, str]:
    """{name shown to the user: absolute path} of every file that can make git run code."""
    git_dir, common = git_dirs(root)
    out = {name: os.path.join(common, name) for name in FILES}
    if git_dir != common:
        out["config.worktree"] = os.path.join(git_dir, "config.worktree")
    hooks = os.path.join(common, HOOKS)
    try:
        names = sorted(os.listdir(hooks))
    except OSError:
        names = []
    for name in names:
        out[f"{HOOKS}/{name}"] = os.path.join(hooks, name)
    return out


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        mode = os.stat(path).st_mode & 0o111
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "directory"
    return f"{hashlib.sha256(data).hexdigest()}:{mode:o}"


def copies(root) -> str:
    return os.path.join(paths.state_dir(root), "git")


def save(root) -> dict[str, str | None]:
    """Copy the watched files to .autoresearch/git/; their fingerprints, for the session."""
    folder = copies(root)
    shutil.rmtree(folder, ignore_errors=True)
    prints = {}
    for name, path in _watched(root).items():
        prints[name] = _digest(path)
        if prints[name] not in (None, "directory"):
            os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
            shutil.copy2(path, os.path.join(folder, name))
    return prints


def changed(root, saved: dict) -> list[str]:
    """The watched files that differ from the copies setup took (one name each). A
    configuration file whose change touches only HARMLESS settings is accepted: its copy
    and ``saved`` are updated, and it is not listed."""
    watched = _watched(root)
    now = {name: _digest(path) for name, path in watched.items()}
    names = set(saved) | {name for name, digest in now.items() if digest is not None}
    out = []
    for name in sorted(n for n in names if now.get(n) != saved.get(n)):
        if name in CONFIGS and saved.get(name) and now.get(name) and _harmless(root, name):
            shutil.copy2(watched[name], os.path.join(copies(root), name))
            saved[name] = now[name]
        else:
            out.append(name)
    return out


def _settings(root, path: str) -> set[tuple[str, str]] | None:
    out = git.git(root, "config", "--file", path, "--list", "-z", check=False)
    if not out and os.path.getsize(path):
        return None  # not readable as a configuration
    return {tuple(item.partition("\n")[::2]) for item in out.split("\0") if item}


def _harmless(root, name: str) -> bool:
    before = _settings(root, os.path.join(copies(root), name))
    after = _settings(root, _watched(root)[name])
    if before is None or after is None:
        return False
    return all(HARMLESS.match(key) for key, _ in before ^ after)


def restore(root, saved: dict, names: list[str], folder: str) -> list[str]:
    """Undo the changes: move each changed file under ``folder``/git/ and put setup's copy
    back (a file setup did not see is only moved away). One line per file."""
    watched = _watched(root)
    common = git_dirs(root)[1]
    lines = []
    for name in names:
        path = watched.get(name) or os.path.join(common, name)
        copy = os.path.join(copies(root), name)
        had = saved.get(name)
        if had is not None and (had == "directory" or _digest(copy) != had):
            lines.append(f".git/{name}: changed, and so was its copy under .autoresearch/git/; "
                         "left as it is: check it by hand")
            continue
        if os.path.lexists(path):
            dest = os.path.join(folder, "git", name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.move(path, dest)
        if had is None:
            lines.append(f".git/{name}: added; moved away")
        else:
            shutil.copy2(copy, path)
            lines.append(f".git/{name}: changed; restored as at setup")
    return lines
