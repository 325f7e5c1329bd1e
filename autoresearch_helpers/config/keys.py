"""The configuration keys and how a raw value becomes a typed one.

Each ``coerce_*`` function takes the raw value (a string from CLAUDE.md or the command line,
or whatever TOML/YAML made of it) and returns the typed value, or raises ValueError with a
short reason; config.py turns that into one ConfigError naming the file, line, key and value.

Durations (time_budget) are seconds: ``600``, ``600s``, ``10m``, ``1.5h``.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Callable

from autoresearch_helpers.adapters.ml import LOWER_WORDS, metric_direction
from autoresearch_helpers.config.claude_md import clean_value
from autoresearch_helpers.vocab import HIGHER, LOWER, SIZES, parse_direction

_DURATION = re.compile(r"([+-]?\d+(?:\.\d*)?|\.\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|"
                       r"h|hr|hrs|hours?)?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


def _number(raw: object) -> float:
    if isinstance(raw, bool):
        raise ValueError("not a number")
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError("not a number") from None
    else:
        raise ValueError("not a number")
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _tidy(value: float) -> int | float:
    return int(value) if value == int(value) else value


def coerce_text(raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise ValueError("must be a single line of text")
    text = str(raw).strip()
    if "\n" in text:
        raise ValueError("must be a single line of text")
    return text


def coerce_metric_name(raw: object) -> str:
    text = coerce_text(raw)
    if re.search(r"[:\t\s]", text):
        raise ValueError("a metric name has no spaces or colons (run.log prints 'name: value')")
    return text


def coerce_direction(raw: object) -> str:
    direction = parse_direction(coerce_text(raw))
    if direction is None:
        raise ValueError("must be lower_is_better or higher_is_better "
                         "(also minimize/maximize, lower/higher, min/max)")
    return direction


def coerce_duration(raw: object) -> int | float:
    if isinstance(raw, str):
        match = _DURATION.fullmatch(raw.strip().lower())
        if not match:
            raise ValueError("must be a number of seconds (600) or a duration (10m, 1.5h)")
        seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s")[0]]
    else:
        try:
            seconds = _number(raw)
        except ValueError:
            raise ValueError("must be a number of seconds (600) or a duration (10m, 1.5h)") from None
    if seconds <= 0:
        raise ValueError("must be more than 0 seconds")
    return _tidy(seconds)


MAX_PAIRS = 100


def coerce_count(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError("must be a whole number")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw.strip()):
        value = int(raw.strip())
    else:
        raise ValueError("must be a whole number")
    if value < 1:
        raise ValueError("must be 1 or more")
    return value


_RELATIVE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(%|sigma|σ)")


def coerce_min_delta(raw: object) -> int | float | str:
    """A number in the metric's units, ``1%`` (of the baseline) or ``2sigma`` (of the
    calibrated noise): the forms engine/calibrate.py resolves at setup."""
    if isinstance(raw, str):
        match = _RELATIVE.fullmatch(raw.strip().lower())
        if match:
            unit = "%" if match.group(2) == "%" else "sigma"
            return f"{_tidy(float(match.group(1)))}{unit}"
    try:
        value = _number(raw)
    except ValueError as exc:
        raise ValueError(f"{exc}; min_delta is a number (0.001), a percentage of the "
                         "baseline (1%) or a multiple of the measured noise (2sigma)") from None
    if value < 0:
        raise ValueError("must be 0 or more")
    return _tidy(value)


def coerce_alpha(raw: object) -> float:
    value = _number(raw)
    if not 0 < value <= 0.5:
        raise ValueError("must be more than 0 and at most 0.5 (the chance of keeping a "
                         "change that is not better; 0.05 is usual)")
    return value


def coerce_pairs(raw: object) -> int:
    value = coerce_count(raw)
    if value > MAX_PAIRS:
        raise ValueError(f"must be at most {MAX_PAIRS} (each pair is two runs)")
    return value


def coerce_list(raw: object) -> list[str]:
    """A comma-separated string or a list of strings -> a list of non-empty strings."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("[") and text.endswith("]"):  # `[a.py, b.py]` written in a bullet
            text = text[1:-1]
        items = text.split(",")
    elif isinstance(raw, (list, tuple)):
        items = []
        for item in raw:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise ValueError("must be file paths (a comma-separated string or a list)")
            items.append(str(item))
    else:
        raise ValueError("must be file paths (a comma-separated string or a list)")
    return [clean_value(item) for item in items if clean_value(item)]


def coerce_size(raw: object) -> str:
    text = coerce_text(raw).lower()
    if text not in SIZES:
        raise ValueError("must be raw, gzip or brotli")
    return text


def coerce_pattern(raw: object) -> str:
    text = coerce_text(raw)
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc})") from None
    return text


@dataclass(frozen=True)
class Key:
    name: str
    coerce: Callable[[object], object]
    example: str  # a valid value, as written in CLAUDE.md
    default: object = None
    meaning: str = ""
    path: str = ""  # "file" or "list" for keys whose values are repository paths


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("target_file", coerce_text, "src/model.py", None, "the one file the agent edits", "file"),
    Key("run_command", coerce_text, "python train.py --epochs 5", None,
        "shell command of one experiment (output -> run.log)"),
    Key("metric_name", coerce_metric_name, "accuracy", None, "name of the scalar metric"),
    Key("metric_parse", coerce_text, "grep \"accuracy:\" run.log | tail -1 | awk '{print $2}'",
        None, "shell command printing the value (else the last 'name: value' line)"),
    Key("metric_direction", coerce_direction, "higher_is_better", None,
        "lower_is_better or higher_is_better"),
    Key("time_budget", coerce_duration, "600", 300, "seconds one experiment may take"),
    Key("readonly_files", coerce_list, "data/dataset.py, config.yaml", None,
        "files the agent must not change", "list"),
    Key("editable_files", coerce_list, "src/layers.py, src/optim.py", None,
        "more files the agent may edit", "list"),
    Key("verify_command", coerce_text, "pytest -q", None, "must exit 0 for a keep"),
    Key("repeats", coerce_pairs, "2", 1,
        "noisy metric: pairs of runs before the first test"),
    Key("max_repeats", coerce_pairs, "8", 8, "noisy metric: the most pairs of runs"),
    Key("min_delta", coerce_min_delta, "0.001", 0,
        "smallest gain that counts (a number, 1% of the baseline, or 2sigma of the noise)"),
    Key("alpha", coerce_alpha, "0.05", 0.05,
        "noisy metric: the most chance of keeping a change that is not better"),
    Key("setup_command", coerce_text, "pip install -r requirements.txt", None,
        "run once before the baseline"),
    Key("max_experiments", coerce_count, "100", None, "stop after this many experiments"),
    Key("artifact", coerce_text, "dist/index.html", None,
        "the file, folder or glob a size metric measures (an .html page: the JS and CSS "
        "it loads first)"),
    Key("size", coerce_size, "gzip", None, "how a size metric counts bytes: raw, gzip or brotli"),
    Key("guard_pattern", coerce_pattern, "correct: false", None,
        "a regular expression that, found in run.log, makes the experiment a crash "
        "verify_failed"),
    Key("hidden_files", coerce_list, "evaluate.py, data/test/", None,
        "files the agent may not read (the harness, the test data); the run still uses them",
        "list"),
    Key("holdout_command", coerce_text, "python evaluate.py --split holdout", None,
        "a second evaluation the agent never sees, run for each candidate about to be kept"),
    Key("holdout_metric", coerce_metric_name, "holdout_accuracy", None,
        "the metric holdout_command prints (default: metric_name)"),
    Key("holdout_tolerance", coerce_min_delta, "1%", 0,
        "how much worse than the best's held-out value a keep may be (a number, 1%, 2sigma)"),
    Key("instructions", coerce_text, "program.md", None,
        "the project's rules for the agent (default: program.md or .autoresearch/program.md)",
        "file"),
)}

# Names people write for our keys (from other tools, or by habit): suggested, never guessed.
ALIASES = {
    "target": "target_file", "file": "target_file", "timeout": "time_budget",
    "budget": "time_budget", "metric": "metric_name", "direction": "metric_direction",
    "command": "run_command", "run": "run_command", "readonly": "readonly_files",
    "editable": "editable_files", "verify": "verify_command", "setup": "setup_command",
    "max_iterations": "max_experiments", "iterations": "max_experiments",
    "hidden": "hidden_files", "holdout": "holdout_command", "guard": "guard_pattern",
    "program": "instructions", "compression": "size",
}


# Words of metric names the ML adapter's guess does not know: rates of work done.
HIGHER_EXTRA = frozenset({"ops", "qps", "rps", "tps", "fps", "throughput", "speedup",
                          "coverage", "hits", "passed", "pass"})


PER_TIME = frozenset({"s", "sec", "second", "ms", "min", "minute", "h", "hour"})


def _a_rate(tokens: list[str]) -> bool:
    """Work done per unit of time: requests_per_s, tokens_per_sec."""
    return any(a == "per" and b in PER_TIME for a, b in zip(tokens, tokens[1:]))


def guess_direction(name: str) -> str:
    """The direction a metric name suggests (lower unless it names a quality or a rate)."""
    tokens = [t for t in re.split(r"[_\-.\s/]+", name.lower()) if t]
    if any(t in LOWER_WORDS for t in tokens):
        return LOWER
    if any(t in HIGHER_EXTRA for t in tokens) or _a_rate(tokens):
        return HIGHER
    return metric_direction(name)


def suggest(key: str) -> str | None:
    """The key the user probably meant, or None."""
    if key in ALIASES:
        return ALIASES[key]
    close = difflib.get_close_matches(key, list(KEYS), n=1, cutoff=0.6)
    return close[0] if close else None
