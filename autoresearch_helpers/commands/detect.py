"""`autoresearch detect [--explain] [--json] [PATH]`: the project type and its defaults."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.adapters import detection
from autoresearch_helpers.config import custom
from autoresearch_helpers.errors import UsageError
from autoresearch_helpers.vocab import ARTIFACT_SIZE, PRINTED, WALL_TIME, inert, size_words


def add_arguments(parser) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH",
                        help="the project folder, in a git repository or not (default: the "
                             "repository root of the current directory)")
    parser.add_argument("--explain", action="store_true",
                        help="also say which files decided it and what else matched")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def project_root(path: str | None) -> Path:
    """PATH when given; else the enclosing git repository's root (outside one, the error
    every verb gives)."""
    if path is not None:
        folder = Path(path)
        if not folder.is_dir():
            raise UsageError(f"PATH {path!r} is not a directory")
        return folder.resolve()
    return Path(paths.find_root())


def metric_line(d) -> str:
    if d.metric_name is None:
        return "(none proposed: set metric_name)"
    how = {ARTIFACT_SIZE: size_words(d.artifact or "-", getattr(d, "size", None), d.unit),
           WALL_TIME: f"wall time of the run command in {d.unit}",
           PRINTED: "the last 'name: value' line of run.log"}.get(d.measure, d.measure)
    return f"{d.metric_name} ({d.metric_direction}): {how}"


def summary_lines(d) -> list[str]:
    return [
        f"type:    {d.type}",
        f"target:  {d.target_file or '(none found: set target_file)'}",
        f"run:     {d.run_command or '(none proposed: set run_command)'}",
        f"metric:  {metric_line(d)}",
    ] + ([f"verify:  {d.verify_command}"] if getattr(d, "verify_command", None) else [])


def explain_lines(resolution) -> list[str]:
    """The files that decided it and what else matched (the ranking's scores are internal:
    only --json shows them)."""
    best = resolution.best
    lines = [f"decided by: {', '.join(best.evidence)}"]
    lines += [f"  - {note}" for note in best.notes]
    if not resolution.alternatives:
        lines.append("also matched: nothing else")
    else:
        lines.append("also matched:")
        for alt in resolution.alternatives:
            lines.append(f"  {alt.type}: {', '.join(alt.evidence)}")
            lines += [f"    - {note}" for note in alt.notes]
    return lines


def run(args) -> int:
    root = project_root(args.path)
    resolution = custom.resolve(root, required=False)
    for warning in resolution.warnings:
        print(f"autoresearch detect: warning: {inert(warning)}", file=sys.stderr)
    if resolution.best is None:
        raise detection.no_match_error(root)
    if args.json:
        print(json.dumps(detection.to_json(resolution), indent=2))
        return 0
    lines = summary_lines(resolution.best)
    if args.explain:
        lines += explain_lines(resolution)
    print("\n".join(inert(line) for line in lines))  # names from the project's files
    return 0
