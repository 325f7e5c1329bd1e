"""The metric of one experiment: a printed `name: value` line, a parse command, a size, a time.

Every failure is a :class:`MetricError` whose ``code`` is the crash code written to the logs:

- ``metric_missing``: no value at all (no matching line, empty output, no artifact);
- ``metric_nan``: the value is NaN or ±inf, not a finite number;
- ``metric_invalid``: what stands where the number should be is not one number;
- ``metric_parse_failed``: the metric_parse command exited non-zero or timed out.

How a printed value is read (``parse_printed``): the LAST line holding ``name: value`` or
``name=value`` (spaces around the separator allowed, and ``"name": value`` as in a printed
dict or JSON) decides. The name must stand as a whole word: ``val_loss`` matches
``step 5 | val_loss: 0.31`` but neither ``my_val_loss2: 1`` nor ``train.val_loss: 1`` nor
``eval-val_loss: 1``. A line is first cleaned as a terminal shows it (runlog.clean_line).

The value is a decimal or scientific number with an optional sign (``-0.5``, ``+2``,
``.5``, ``7.``, ``1e-3``, ``2.5E+2``). Thousands separators are accepted only in their
strict form (``1,234.5`` is 1234.5). After the number comes the end of the line, a space
(then anything: ``12.3 ms``, ``0.31, acc: 0.9``), punctuation (``45%``, ``0.5)``), or a
unit glued to it: a run of letters (``12ms``, ``3.2s``, ``10KB``, ``2.5x``, ``8µs``,
``3.21it/s``). Refused as ``metric_invalid``, because the number read would not be the
number meant (each reason is ``glued_problem``):

- another number glued on by ``.`` ``,`` ``:`` ``/`` ``-`` ``+`` (``1,5``, ``1.2.3``,
  ``1,2345``, ``1:30``, ``5/10``, ``3-4``), or an underscore (``1_000``, ``12_``);
- glued letters followed by a digit or an underscore: a hex, binary or octal literal, a
  second exponent, a size such as ``1920x1080`` (``0x10``, ``0b101``, ``0o17``, ``1e5e3``);
- letters glued to a number with an exponent (``1e5x``, ``1.5e-3ms``: write ``1e5 x``);
- a lone ``e`` or ``E``, an exponent without digits (``12e``, ``1e+``);
- two or more glued letters that are all hex digits or ``x`` (``12abc``, ``0xff``,
  ``7fff``), except the unit ``dB``.

A metric_parse command must print exactly one number in the same grammar and nothing else
(no unit); ``word_value`` checks it.
"""

from __future__ import annotations

import math
import os
import re

from autoresearch_helpers import paths
from autoresearch_helpers.engine import process, runlog, sizes
from autoresearch_helpers.errors import MetricError
from autoresearch_helpers.vocab import ARTIFACT_SIZE, PRINTED, WALL_TIME

NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
NUMBER_RE = re.compile(NUMBER)
WHOLE_NUMBER_RE = re.compile(NUMBER + r"\Z")
NONFINITE_RE = re.compile(r"[-+]?(?:nan|inf(?:inity)?)(?![\w.])", re.IGNORECASE)
GLUED_NUMBER_RE = re.compile(r"[-+.,:/]?\d|_")  # 1,5  1.2.3  1:30  5/10  1_000
UNIT_RE = re.compile(r"[^\W\d_]+")  # letters glued to the number: ms, KB, µs
AFTER_UNIT_RE = re.compile(r"[\d_]")  # 0x10, 0b101, 1e5e3, ms_2
HEX_RE = re.compile(r"[a-fA-FxX]{2,}")  # 12abc, 0xff (a number's letters, not a unit)
HEX_UNITS = frozenset({"dB"})
NAME_RE = r"""(?<![\w./])(?<!\w-){name}(?![\w.])['"]?\s*[:=][ \t]*"""

TIME_UNITS = {None: 1, "s": 1, "ms": 1000, "min": 1 / 60}
PARSE_TIMEOUT = 60  # seconds a metric_parse command may take


def check_name(name: str) -> None:
    """A metric name is not empty and has no surrounding whitespace (ValueError otherwise)."""
    if not name or name != name.strip():
        raise ValueError(f"bad metric name {name!r}")


def name_pattern(name: str) -> re.Pattern:
    return re.compile(NAME_RE.format(name=re.escape(name)))


def value_in(line: str, pattern: re.Pattern, name: str, where: str) -> float | None:
    """The value on this clean line, None when the name is not on it; MetricError if bad."""
    matches = list(pattern.finditer(line))
    if not matches:
        return None
    rest = line[matches[-1].end():]
    if NONFINITE_RE.match(rest):
        raise MetricError("metric_nan", f"{name} is {rest.strip()[:40]!r}, not a finite number "
                                        f"({where})")
    number = NUMBER_RE.match(rest)
    problem = "" if number is None else glued_problem(number.group(), rest[number.end():])
    if number is None or problem:
        because = f": {problem}" if problem else ""
        raise MetricError("metric_invalid", f"{name}: {rest.strip()[:40]!r} is not a number"
                                            f"{because} ({where}: {line.strip()[:120]!r})")
    return to_float(number.group(), name, where)


def glued_problem(number: str, after: str) -> str | None:
    """Why the text right after ``number`` changes what it says, or None (module doc)."""
    if GLUED_NUMBER_RE.match(after):
        return "another number or an underscore is glued to it"
    unit = UNIT_RE.match(after)
    if unit is None:
        return None
    letters = unit.group()
    if AFTER_UNIT_RE.match(after, unit.end()):
        return "letters and digits run together (a hex, binary or octal literal, two exponents?)"
    if "e" in number or "E" in number:
        return "letters right after an exponent (put a space before a unit)"
    if letters in ("e", "E"):
        return "an exponent without digits"
    if HEX_RE.fullmatch(letters) and letters not in HEX_UNITS:
        return "the letters read as hexadecimal digits"
    return None


def to_float(text: str, name: str, where: str) -> float:
    value = float(text.replace(",", ""))
    if not math.isfinite(value):
        raise MetricError("metric_nan", f"{name} is {text!r}, not a finite number ({where})")
    return value


def _missing(name: str, where: str) -> MetricError:
    return MetricError("metric_missing", f"no line '{name}: <number>' in {where}")


def parse_printed(text: str, name: str, where: str = "the output") -> float:
    """The value of the last ``name: value`` line of ``text`` (rules in the module doc)."""
    return _last_value(reversed(text.split("\n")), name, where)


def parse_printed_file(path, name: str) -> float:
    """``parse_printed`` on a log file, reading from its end (logs can be gigabytes)."""
    try:
        return _last_value(runlog.lines_backward(path), name, str(path))
    except FileNotFoundError:
        raise MetricError("metric_missing",
                          f"{path} does not exist: the run wrote no log") from None


def _last_value(lines, name: str, where: str) -> float:
    check_name(name)
    pattern = name_pattern(name)
    for line in lines:
        if name in line:
            value = value_in(runlog.clean_line(line), pattern, name, where)
            if value is not None:
                return value
    raise _missing(name, where)


def word_value(word: str, where: str) -> float:
    """One printed word that must be one finite number."""
    if NONFINITE_RE.fullmatch(word):
        raise MetricError("metric_nan", f"{where} printed {word!r}, not a finite number")
    if not WHOLE_NUMBER_RE.match(word):
        raise MetricError("metric_invalid", f"{where} printed {word[:60]!r}, not a number")
    return to_float(word, "the value", where)


def parse_command(cmd: str, cwd, timeout: float = PARSE_TIMEOUT) -> float:
    """Run the metric_parse shell command; its stdout must be exactly one finite number."""
    where = f"metric_parse `{cmd}`"
    folder = paths.state_dir(cwd)
    os.makedirs(folder, exist_ok=True)
    out_path = os.path.join(folder, "metric_parse.out")
    err_path = os.path.join(folder, "metric_parse.err")
    result = process.run_command(cmd, cwd, out_path, timeout, grace=1.0, stderr_path=err_path)
    with open(out_path, "rb") as fh:
        out = fh.read().decode("utf-8", "replace")
    with open(err_path, "rb") as fh:
        err = fh.read().decode("utf-8", "replace")
    if result.timed_out:
        raise MetricError("metric_parse_failed", f"{where} timed out after {timeout:g} s")
    if result.exit_code != 0:
        tail = err.strip().splitlines()[-5:]
        detail = ("; stderr: " + " | ".join(tail)) if tail else ""
        raise MetricError("metric_parse_failed", f"{where} exited {result.exit_code}{detail}")
    words = out.split()
    if not words:
        raise MetricError("metric_missing", f"{where} printed nothing")
    if len(words) > 1:
        shown = " ".join(words)[:60]
        raise MetricError("metric_invalid", f"{where} printed {len(words)} values, "
                                            f"expected one number: {shown!r}")
    return word_value(words[0], where)


# --- sizes and times --------------------------------------------------------------------

def artifact_size(root, pattern: str, unit: str, size: str = "raw") -> float:
    """Size of ``root/pattern`` (a file, a folder, a glob's matches, or the first view of
    an .html page) in ``unit`` (KB, MB…: vocab.SIZE_UNITS), counted ``size`` (engine/sizes.py)."""
    return sizes.measure(root, pattern, unit, size).value


def measure(root, *, metric_name: str, measure: str, metric_parse: str | None = None,
            artifact: str | None = None, unit: str | None = None, size: str | None = None,
            run_result=None, log_path=None, details: dict | None = None) -> float:
    """The metric of the run that just ended; metric_parse, when set, always wins. A size
    measure puts what it counted into ``details["sizes"]`` (sizes.Size.summary)."""
    if metric_parse:
        return parse_command(metric_parse, root)
    if measure == PRINTED:
        return parse_printed_file(log_path or os.path.join(root, paths.RUN_LOG), metric_name)
    if measure == ARTIFACT_SIZE:
        if not artifact:
            raise MetricError("metric_missing", f"no artifact is configured for {metric_name}")
        found = sizes.measure(root, artifact, unit or "KB", size or "raw")
        if details is not None:
            details["sizes"] = found.summary(size or "raw")
        return found.value
    if measure == WALL_TIME:
        if run_result is None:
            raise ValueError("wall_time needs the run's result")
        factor = TIME_UNITS.get(unit)
        if factor is None:
            raise ValueError(f"unknown time unit {unit!r}; use s, ms or min")
        return run_result.duration_s * factor
    raise ValueError(f"unknown measure {measure!r}; use {PRINTED}, {ARTIFACT_SIZE} or {WALL_TIME}")
