"""The example projects `autoresearch new` copies: autoresearch_helpers/examples/<name>/,
shipped as package data. Each is a small project with a fixed harness, a file to improve,
a CLAUDE.md `## autoresearch` section, a README.md whose first heading is
``# NAME: one line`` (what ``new --list`` shows) and the project's rules in program.md.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from autoresearch_helpers.engine import git
from autoresearch_helpers.errors import AutoresearchError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEFAULT = "ml"
SKIPPED = ("__pycache__", "*.pyc")


def names() -> list[str]:
    return sorted(p.name for p in EXAMPLES.iterdir()
                  if p.is_dir() and (p / "CLAUDE.md").is_file())


def summary(name: str) -> str:
    """The one line after ``# NAME:`` in the example's README.md."""
    first = (EXAMPLES / name / "README.md").read_text(encoding="utf-8").splitlines()[0]
    return first.lstrip("# ").partition(":")[2].strip() or first.lstrip("# ")


def check_name(name: str) -> None:
    known = names()
    if name in known:
        return
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.7)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise AutoresearchError(f"no example named {name!r}: {hint}(the examples: "
                            f"{', '.join(known)}; 'autoresearch new --list' describes them)")


def create(name: str, dest: Path) -> str:
    """Copy example ``name`` into ``dest`` (absent or an empty folder), ``git init`` it and
    commit every file; return the commit. Nothing is left behind on an error."""
    check_name(name)
    if dest.exists() and not dest.is_dir():
        raise AutoresearchError(f"{dest} is a file: give a new or empty folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise AutoresearchError(f"{dest} is not empty: give a new or empty folder, so "
                                "nothing of yours is mixed with the example")
    made = not dest.exists()
    try:
        shutil.copytree(EXAMPLES / name, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(*SKIPPED))
        git.git(dest, "init", "-q")
        git.git(dest, "add", "-A")
        env = None
        if not (git.succeeds(dest, "var", "GIT_AUTHOR_IDENT")
                and git.succeeds(dest, "var", "GIT_COMMITTER_IDENT")):
            env = dict(os.environ)  # no git identity here: commit as the tool, not fail
            for role in ("AUTHOR", "COMMITTER"):
                for key, value in (("NAME", "autoresearch"), ("EMAIL", "autoresearch@localhost")):
                    env[f"GIT_{role}_{key}"] = env.get(f"GIT_{role}_{key}") or value
        git.git(dest, "commit", "-q", "-m", f"the {name} example of autoresearch", env=env)
        return git.head(dest)
    except BaseException:
        if made:
            shutil.rmtree(dest, ignore_errors=True)
        else:
            for child in list(dest.iterdir()):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
