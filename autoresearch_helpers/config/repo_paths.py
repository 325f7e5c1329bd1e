"""The paths a configuration names (target_file, editable_files, readonly_files,
instructions).

Each must be a file (or, in a list, a folder) of the project: inside the repository, also
once symlinks are resolved, and neither in .git nor one of the files the tool writes
itself (results.tsv, run.log, .autoresearch/, .claude/logs/: paths.OWN_FILES), however it
is written (``./results.tsv``, ``sub/../run.log``, ``.autoresearch/x``).
"""

from __future__ import annotations

import os
from pathlib import Path

from autoresearch_helpers import paths

# The project's rules for the agent, when the configuration names none: the first found.
INSTRUCTIONS = ("program.md", f"{paths.STATE_DIR}/program.md")


def found_instructions(root: Path) -> str | None:
    """The first file of INSTRUCTIONS in the repository at ``root``, or None."""
    return next((rel for rel in INSTRUCTIONS if os.path.isfile(os.path.join(root, rel))), None)


def repo_path(root: Path, given_root: Path, raw: str, must_be_file: bool,
              own_ok: tuple[str, ...] = ()) -> str:
    """The clean repository-relative POSIX path of ``raw`` (a folder ends with '/').

    ValueError (the reason) when it is outside the repository (also through a symlink),
    inside .git, one of the tool's own files (or a folder holding one: paths.own_path),
    missing, or a folder where a file is needed. A path in ``own_ok`` may be one of the
    tool's own files."""
    path = Path(raw)
    candidate = Path(os.path.normpath(path if path.is_absolute() else root / path))
    rel = None
    for base in (root, Path(os.path.abspath(given_root))):
        try:
            rel = candidate.relative_to(base)
            candidate = root / rel
            break
        except ValueError:
            continue
    if rel is None or rel.parts[:1] == ("..",):
        raise ValueError(f"is outside the repository ({root})")
    if not rel.parts:
        raise ValueError("is the repository itself; name a file inside it")
    if rel.parts[0] == ".git":
        raise ValueError("is inside .git")
    _refuse_own(rel.as_posix(), own_ok)
    real = candidate.resolve()
    if real != root and root not in real.parents:
        raise ValueError(f"is a symlink that resolves outside the repository (to {real})")
    if real != candidate:
        if real == root:
            raise ValueError("is a symlink to the repository itself; name a file inside it")
        _refuse_own(real.relative_to(root).as_posix(), own_ok)
    if not candidate.exists():
        raise ValueError("does not exist in the repository")
    if candidate.is_dir():
        if must_be_file:
            raise ValueError("is a folder; name a file")
        return rel.as_posix() + "/"
    return rel.as_posix()


def _refuse_own(rel: str, own_ok: tuple[str, ...]) -> None:
    if rel in own_ok:
        return
    own = paths.own_path(rel)
    if own is not None or rel.split("/")[0] == ".git":
        raise ValueError(f"is or holds autoresearch's own {own or '.git/'} (the tool writes "
                         f"{', '.join(paths.OWN_FILES)} itself); name a file of your project")
