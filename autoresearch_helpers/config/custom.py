"""The custom adapter: the user describes the experiment in CLAUDE.md or pyproject.toml.

It matches when the ``## autoresearch`` section of CLAUDE.md or ``[tool.autoresearch]`` in
pyproject.toml (together) give at least ``run_command`` and ``metric_name``: a complete
experiment. It then outranks every detected type, which stay listed as alternatives. A
partial section (only ``time_budget``, say) does not match: it overrides the defaults of
the detected type instead (config.py does that).
"""

from __future__ import annotations

from pathlib import Path

from autoresearch_helpers.adapters import detection
from autoresearch_helpers.adapters.base import PRINTED, Detection
from autoresearch_helpers.config.claude_md import read_claude_md
from autoresearch_helpers.config.keys import coerce_direction, coerce_duration, guess_direction
from autoresearch_helpers.config.sources import read_pyproject

SCORE = 1000  # above every built-in type: what the user wrote beats what we guess
DEFAULT_BUDGET = 300


def _text(value) -> str | None:
    if value is None or isinstance(value, (bool, list, dict)):
        return None
    text = str(value).strip()
    return text or None


class CustomAdapter:
    name = "custom"

    def detect(self, root: Path) -> Detection | None:
        root = Path(root)
        given: dict = {}
        for entry in [*read_pyproject(root), *read_claude_md(root)]:
            given[entry.key] = entry  # CLAUDE.md after pyproject: it wins
        run, metric = (_text(given[k].value) if k in given else None
                       for k in ("run_command", "metric_name"))
        if not run or not metric:
            return None
        evidence = list(dict.fromkeys(e.where.split(":")[0].split(" ")[0]
                                      for e in given.values()))
        notes = [f"run_command ({given['run_command'].where}) and metric_name "
                 f"({given['metric_name'].where}) describe a custom experiment"]
        direction = None
        if "metric_direction" in given:
            try:
                direction = coerce_direction(given["metric_direction"].value)
            except ValueError:
                direction = None
        if direction is None:
            direction = guess_direction(metric)
            notes.append(f"direction {direction}: guessed from the metric name")
        budget = DEFAULT_BUDGET
        if "time_budget" in given:
            try:
                budget = coerce_duration(given["time_budget"].value)
            except ValueError:
                pass
        target = _text(given["target_file"].value) if "target_file" in given else None
        return Detection(type="custom", evidence=evidence, target_file=target,
                         run_command=run, metric_name=metric, metric_direction=direction,
                         measure=PRINTED, time_budget=budget, score=SCORE, notes=notes)


ADAPTER = CustomAdapter()


def resolve(root: Path, *, required: bool = True) -> detection.Resolution:
    """Detection with the custom type too: what the user wrote beats what we guess."""
    return detection.resolve(root, required=required, extra=(ADAPTER,))
