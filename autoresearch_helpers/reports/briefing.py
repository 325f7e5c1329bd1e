"""What the agent is told about the project besides the numbers: the configuration as setup
shows it, where the metric comes from, the files it may not read, and the project's own
instructions (the ``instructions`` key: program.md, say).

Each function takes the configuration as session.json freezes it (config.Config.to_dict):
``status`` reads it from the session state, ``setup`` and ``config`` from the Config they
loaded. Lines are returned inert (vocab.inert, which changes an inert line no more): names,
commands and the instructions' text are the user's.
"""

from __future__ import annotations

import os

from autoresearch_helpers.vocab import ARTIFACT_SIZE, PRINTED, WALL_TIME, inert, size_words

MAX_LINES = 60  # of the instructions shown; the rest is named, not printed
SHOWN_KEYS = ("target_file", "editable_files", "readonly_files", "hidden_files", "run_command",
              "metric_name", "metric_direction", "metric_parse", "time_budget",
              "verify_command", "guard_pattern", "holdout_command", "holdout_metric", "min_delta",
              "instructions")


def _values(config: dict) -> dict:
    return config.get("values") or {}


def metric_source(config: dict) -> str:
    """Where the metric's value comes from, in words."""
    measure, values = config.get("measure") or PRINTED, _values(config)
    if measure == ARTIFACT_SIZE:
        return size_words(config.get("artifact") or "-", values.get("size"), config.get("unit"))
    if measure == WALL_TIME:
        return "wall time of run_command, measured by autoresearch"
    if values.get("metric_parse"):
        return "stdout of metric_parse"
    return f"the last '{values.get('metric_name')}: value' line of run.log"


def config_lines(config: dict) -> list[str]:
    """The keys setup shows, each with its source, and where the metric comes from."""
    lines = []
    for key in SHOWN_KEYS:
        value = _values(config).get(key)
        if value in (None, [], ""):
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        lines.append(f"  {key}: {shown}  ({(config.get('sources') or {}).get(key, 'default')})")
    lines.append(f"  measure: {metric_source(config)}")
    return [inert(line) for line in lines]


def run_line(config: dict) -> str:
    return inert(f"run: {_values(config).get('run_command')} · measure: {metric_source(config)}")


def hidden_files(config: dict) -> list[str]:
    return list(_values(config).get("hidden_files") or [])


def hidden_line(config: dict) -> list[str]:
    """One line naming the hidden files, or none."""
    hidden = hidden_files(config)
    if not hidden:
        return []
    return [inert("hidden files (never read them; the experiment still uses them): "
                  + ", ".join(hidden))]


def instructions_path(config: dict) -> str | None:
    return _values(config).get("instructions")


def instructions_text(root, config: dict) -> str | None:
    """The whole text of the project's instructions; None without any, or unreadable."""
    try:
        return _read(root, instructions_path(config))
    except OSError:
        return None


def _read(root, rel: str | None) -> str | None:
    if rel is None:
        return None
    with open(os.path.join(root, rel), "rb") as fh:
        return fh.read().decode("utf-8", errors="replace")


def instructions_lines(root, config: dict, full: bool, limit: int = MAX_LINES) -> list[str]:
    """The project's instructions: with ``full`` their text (the first ``limit`` lines,
    then where the rest is), else one line naming the file; none without any."""
    rel = instructions_path(config)
    if rel is None:
        return []
    if not full:
        return [inert(f"instructions: {rel} (the project's rules: follow them)")]
    try:
        text = _read(root, rel)
    except OSError as exc:
        return [inert(f"instructions: {rel} cannot be read ({exc.strerror or exc})")]
    lines = text.replace("\r\n", "\n").split("\n")  # a lone CR is shown, as an escape
    lines = lines[:-1] if lines[-1] == "" else lines
    end = (f"--- end of {rel} ---" if len(lines) <= limit else
           f"--- {len(lines) - limit} more lines: read the rest in {rel} ---")
    return [inert(f"--- {rel}: the project's instructions (follow them) ---"),
            *(inert(line) for line in lines[:limit]), inert(end)]
