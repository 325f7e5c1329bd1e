"""The words and numbers every part shares: directions, statuses, "is better", formatting.

One copy of each rule, so that run, status, results, the report, compare and finalize say
a value, a direction and a comparison the same way — and print text they did not write
(descriptions, metric names, file names, error details, log tails, commit subjects) the
same inert way (``inert``).
"""

from __future__ import annotations

import math
import os
import re

LOWER, HIGHER = "lower_is_better", "higher_is_better"
# what a user may write for a direction -> the direction
DIRECTIONS = {
    "lower_is_better": LOWER, "lower": LOWER, "minimize": LOWER, "minimise": LOWER, "min": LOWER,
    "higher_is_better": HIGHER, "higher": HIGHER, "maximize": HIGHER, "maximise": HIGHER,
    "max": HIGHER,
}

KEEP, DISCARD, CRASH = "keep", "discard", "crash"
STATUSES = (KEEP, DISCARD, CRASH)

# How the metric of one experiment is measured.
PRINTED = "printed"  # the last `metric_name: value` line of run.log (or metric_parse)
ARTIFACT_SIZE = "artifact_size"  # the size of a build artifact (file or folder)
WALL_TIME = "wall_time"  # the wall time of run_command, measured by the helper
MEASURES = (PRINTED, ARTIFACT_SIZE, WALL_TIME)
SIZES = ("raw", "gzip", "brotli")  # how a size metric counts bytes (the `size` key)
# a size metric's units: decimal unless binary is asked for (KiB); KB is 1000 bytes
SIZE_UNITS = {"B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3,
              "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}


def size_unit(name: str | None) -> str | None:
    """The unit ``name`` spells, in SIZE_UNITS' spelling (``kb`` -> ``KB``); None if none."""
    return {u.upper(): u for u in SIZE_UNITS}.get((name or "").upper())


def size_words(artifact: str, size: str | None, unit: str | None) -> str:
    """'gzip size of the JS and CSS dist/index.html loads on first view, in KB (1000 bytes)'."""
    unit = unit or "KB"
    what = (f"the JS and CSS {artifact} loads on first view"
            if artifact.lower().endswith((".html", ".htm")) else artifact)
    per = SIZE_UNITS.get(size_unit(unit) or "", 1)
    bytes_ = f" ({per if per < 10_000 else f'{per:,}'} bytes)" if per > 1 else ""
    return f"{size or 'raw'} size of {what}, in {unit}{bytes_}"

# What a terminal would act on rather than show: C0 controls, DEL, C1 controls, the bidi
# embeddings, overrides, isolates and marks, and the Unicode line and paragraph separators.
_OTHERS = r"\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(rf"[\x00-\x1f{_OTHERS}]")
_UNSAFE_KEEPING_LINES = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHERS}]")  # keeps \t and \n
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

_REL_TOL = 1e-12  # float noise such as 1.3 - 1.2 = 0.10000000000000009 is no difference


def parse_direction(text: object) -> str | None:
    """The direction ``text`` names (any spelling of DIRECTIONS), or None."""
    if not isinstance(text, str):
        return None
    return DIRECTIONS.get(text.strip().lower().replace("-", "_").replace(" ", "_"))


def check_direction(direction: str) -> None:
    if direction not in (LOWER, HIGHER):
        raise ValueError(f"direction must be {LOWER!r} or {HIGHER!r}, not {direction!r}")


def direction_words(direction: str) -> str:
    """'lower is better' / 'higher is better'."""
    return "higher is better" if direction == HIGHER else "lower is better"


def gain(direction: str, a: float, b: float) -> float:
    """How much better ``a`` is than ``b`` in ``direction`` (negative when worse)."""
    return b - a if direction == LOWER else a - b


def tolerance(*values: float) -> float:
    """The difference below which values count as equal (relative to their size)."""
    return _REL_TOL * max(abs(v) for v in values)


def is_better(direction: str, a: float, b: float | None, min_delta: float = 0.0) -> bool:
    """Whether ``a`` beats ``b`` in ``direction`` by more than ``min_delta`` (anything
    beats None)."""
    check_direction(direction)
    if b is None:
        return True
    return gain(direction, a, b) > min_delta + tolerance(a, b, min_delta)


def decimals(value: float) -> int:
    """The decimals ``value`` is written with (its shortest repr): 4.5169 -> 4, 1e-05 -> 5,
    5.0 -> 0."""
    mantissa, _, exponent = repr(float(value)).partition("e")
    fraction = mantissa.partition(".")[2].rstrip("0")
    return max(len(fraction) - int(exponent or 0), 0)


def difference(a: float, b: float) -> float:
    """``a - b`` without float noise: rounded to the decimals of ``a`` and ``b`` (4.0338 -
    4.5169 is -0.4831, not -0.4830999999999994). The delta of every log and JSON output."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return a - b
    return round(a - b, max(decimals(a), decimals(b))) + 0.0  # + 0.0: never -0.0


def median(values) -> float:
    if not len(values):
        raise ValueError("the median of no values")
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def fmt_value(value: float | None, *, sign: bool = False, missing: str = "-") -> str:
    """A metric value for people: six significant digits, no exponent for large numbers."""
    if value is None or not math.isfinite(value):
        return missing
    text = f"{value:+.6g}" if sign else f"{value:.6g}"
    if "e" in text and abs(value) >= 1:
        text = f"{value:+.1f}" if sign else f"{value:.1f}"
    return text


def fmt_count(n: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, singular for one: '1 experiment', '0 experiments', '2 pairs'
    (``plural`` for a noun that does not just add an s: 'processes')."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def fmt_counts(experiments: int, keep: int, discard: int, crash: int) -> str:
    """'4 experiments: 2 keep, 1 discard, 1 crash', as run, status and results say it."""
    return (f"{fmt_count(experiments, 'experiment')}: {keep} keep, {discard} discard, "
            f"{crash} crash")


def fmt_delta(delta: float | None) -> str:
    """A signed difference, '' when there is none."""
    return "" if delta is None else fmt_value(delta, sign=True)


def fmt_evidence(interval, p_value: float | None, pairs: int) -> str:
    """A paired test's result for people: '3 pairs: Δ in [-1.6, -0.41], p=0.003' (Δ:
    candidate - best, the interval the decision used); '' when
    the experiment had none."""
    if interval is None or p_value is None:
        return ""
    return f"{fmt_count(pairs, 'pair')}: Δ in {_bounds(interval)}, {_p(p_value)}"


def _bounds(interval) -> str:
    low, high = (f"{v:+.3g}" for v in interval)
    return f"[{low}, {high}]"


def _p(p_value: float) -> str:
    return f"p={p_value:.2g}"


ONE_RUN = "1 run, outside the noise band"  # a noisy candidate discarded after its first run


def fmt_decided_by(interval, p_value: float | None, pairs: int, reason: str | None = None,
                   *, short: bool = False) -> str:
    """What a noisy metric's decision rested on, for people: the paired test (fmt_evidence;
    ``short``, for a table cell: 'Δ [-1.6, -0.41] p=0.003 n=3'), or ONE_RUN for a
    candidate discarded 'clearly worse' after one run; '' for any other experiment."""
    if interval is None or p_value is None:
        return ONE_RUN if reason == "clearly worse" else ""
    if short:
        return f"Δ {_bounds(interval)} {_p(p_value)} n={pairs}"
    return fmt_evidence(interval, p_value, pairs)


def fmt_memory(gb: float | None, missing: str = "-") -> str:
    """Peak memory for people: '1.2 GB', and below 0.1 GB in MB ('45 MB', not '0.0 GB')."""
    if gb is None or not math.isfinite(gb):
        return missing
    return f"{gb * 1000:.0f} MB" if gb < 0.1 else f"{gb:.1f} GB"


def fmt_pct(value: float | None, missing: str = "") -> str:
    return missing if value is None else f"{value:+.2f}%"


def change_pct(baseline: float | None, best: float | None) -> float | None:
    """The signed relative change from ``baseline`` to ``best`` in percent."""
    if baseline is None or best is None or baseline == 0:
        return None
    return (best - baseline) / abs(baseline) * 100


def short(commit: str | None) -> str:
    """A commit as the logs show it: 7 characters, '-' for none."""
    return commit[:7] if commit else "-"


def _escape(match: re.Match) -> str:
    ch = match.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def inert(text: object, *, lines: bool = False) -> str:
    """``text`` safe to print on a terminal: every character it would act on (ESC, BEL, CR,
    backspace, other C0 and C1 controls, DEL, bidi controls such as U+202E, U+2028/9) is
    shown as an escape (``\\x1b``, ``\\r``, ``\\u202e``). A one-line field shows a newline
    or a tab as ``\\n``, ``\\t``; with ``lines`` (a block such as a log tail) they stay."""
    text = str(text)
    return (_UNSAFE_KEEPING_LINES if lines else _UNSAFE).sub(_escape, text)


# --- what the reader types -----------------------------------------------------------------

LAUNCHER_ENV = "AUTORESEARCH_LAUNCHER"  # set by plugin/launch.py: the helper runs in Claude Code
SLASH_VERBS = ("setup", "sessions", "results", "status", "stop")  # autoresearch.md dispatches


def typed(words: str) -> str:
    """How the reader of a message runs ``autoresearch WORDS``: as is in a terminal; inside
    Claude Code (through the plugin's launcher) ``/autoresearch WORDS`` for a verb the
    slash command takes, else as is too: the plugin's bin/autoresearch is on the Bash
    tool's PATH there, the form the command file uses."""
    if os.environ.get(LAUNCHER_ENV) and words.split(" ", 1)[0] in SLASH_VERBS:
        return f"/autoresearch {words}"
    return f"autoresearch {words}"
