"""What a project adapter provides, and the registry of adapters.

An adapter looks at a repository and, when it recognises its kind of project, returns a
:class:`Detection`: the evidence that decided it and the defaults for the loop. Adding a
project type is one module under ``adapters/`` and one line in ``detection.BUILTIN``;
third-party adapters register through the entry-point group ``autoresearch.adapters`` (the
entry point names an object with the :class:`Adapter` attributes, or a zero-argument factory
of one; adapters/detection.py loads them all and resolves the winner). The custom type,
described by the user's own configuration, is config/custom.py's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from autoresearch_helpers.vocab import (  # noqa: F401  (the names adapters use)
    ARTIFACT_SIZE, HIGHER, LOWER, PRINTED, WALL_TIME)


@dataclass
class Detection:
    type: str
    evidence: list[str]  # repository-relative paths that decided it
    target_file: str | None
    run_command: str | None
    metric_name: str | None  # None: no experiment proposed (a Node project without a build)
    metric_direction: str | None  # LOWER or HIGHER (None when no metric is proposed)
    measure: str = PRINTED  # PRINTED, ARTIFACT_SIZE or WALL_TIME
    artifact: str | None = None  # for ARTIFACT_SIZE: a repo-relative path or glob
    unit: str | None = None  # ARTIFACT_SIZE: "KB" (1000 bytes), "MB", "KiB" (1024)…; WALL_TIME: "s"
    time_budget: int = 300
    editable_files: list[str] | None = None  # more files or folders the agent may edit
    verify_command: str | None = None  # a fast correctness check proposed for the project
    size: str | None = None  # ARTIFACT_SIZE: "raw", "gzip" or "brotli" (default raw)
    score: int = 0  # strength of the match: the highest score wins
    notes: list[str] = field(default_factory=list)  # why, in words, for --explain

    def to_dict(self) -> dict:
        return asdict(self)


@runtime_checkable
class Adapter(Protocol):
    name: str

    def detect(self, root: Path) -> Detection | None:
        """Return a Detection when ``root`` is this kind of project, else None."""


ENTRY_POINT_GROUP = "autoresearch.adapters"
