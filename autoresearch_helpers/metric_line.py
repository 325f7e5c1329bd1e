"""One printed metric value read from one log line, without importing ``re`` in the usual case.

The rules (``metrics`` documents them for users) are defined by the regular expressions of
:class:`Reference`: ``NAME_RE`` finds ``name: value``, ``name=value`` or ``"name": value``
with the name as a whole word, and the LAST match on the line wins; ``NONFINITE_RE``,
``NUMBER`` and ``GLUED_RE`` then judge what follows. ``re`` costs several milliseconds to
import, paid on every experiment, so lines that are plain ASCII without an ESC character
(nearly all of them) are read by a hand-written scanner that gives the same answers
(tests/test_metric_line.py compares both on thousands of generated lines); any other line,
and any printed word that is not ASCII, is read by the regular expressions, imported then.
"""

from __future__ import annotations

import math

NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
NONFINITE_RE = r"[-+]?(?:nan|inf(?:inity)?)(?![\w.])"  # case-insensitive
GLUED_RE = r"[.,]?\d"  # a second number glued on: 1,5 or 1.2.3, or 1,2345
NAME_RE = r"""(?<![\w./])(?<!\w-){name}(?![\w.])['"]?\s*[:=][ \t]*"""
ANSI_RE = r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"

# What \w, \d and \s of a str pattern match among ASCII characters.
WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
DIGITS = frozenset("0123456789")
SPACE = frozenset(" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")


class MetricError(Exception):
    """No usable metric value; ``code`` is the crash code written to the logs."""

    CODES = ("metric_missing", "metric_nan", "metric_invalid", "metric_parse_failed")

    def __init__(self, code: str, message: str):
        if code not in self.CODES:
            raise ValueError(f"unknown metric error code {code!r}")
        super().__init__(message)
        self.code = code


class Reference:
    """The regular expressions that define the rules, compiled on first use (``reference()``)."""

    def __init__(self):
        import re

        self.re = re
        self.number = re.compile(NUMBER)
        self.number_full = re.compile(NUMBER + r"\Z")
        self.nonfinite = re.compile(NONFINITE_RE, re.IGNORECASE)
        self.glued = re.compile(GLUED_RE)
        self.ansi = re.compile(ANSI_RE)

    def name(self, name: str):
        return self.re.compile(NAME_RE.format(name=self.re.escape(name)))


_reference: Reference | None = None


def reference() -> Reference:
    """The shared :class:`Reference`; the first call imports ``re``."""
    global _reference
    if _reference is None:
        _reference = Reference()
    return _reference


def check_name(name: str) -> None:
    """A metric name is not empty and has no surrounding whitespace (ValueError otherwise)."""
    if not name or name != name.strip():
        raise ValueError(f"bad metric name {name!r}")


def clean_line(line: str) -> str:
    """One log line as a terminal would leave it: no ANSI escapes, the last \\r segment."""
    if "\x1b" in line:
        line = reference().ansi.sub("", line)
    return line.rstrip("\r").rsplit("\r", 1)[-1]


def value_in(line: str, name: str, where: str) -> float | None:
    """The value on this clean line, None when the name is not on it; MetricError if bad."""
    if line.isascii() and "\x1b" not in line:
        return value_in_fast(line, name, where)
    return value_in_regex(line, name, where)


def value_in_regex(line: str, name: str, where: str) -> float | None:
    """``value_in`` by the regular expressions: the reference for every line."""
    ref = reference()
    matches = list(ref.name(name).finditer(line))
    if not matches:
        return None
    rest = line[matches[-1].end():]
    if ref.nonfinite.match(rest):
        raise _nan(name, rest, where)
    number = ref.number.match(rest)
    if number is None or ref.glued.match(rest, number.end()):
        raise _invalid(name, rest, line, where)
    return to_float(number.group(), name, where)


def value_in_fast(line: str, name: str, where: str) -> float | None:
    """``value_in`` for an ASCII line with no ESC, without ``re``."""
    start = value_start(line, name)
    if start is None:
        return None
    if nonfinite_end(line, start) >= 0:
        raise _nan(name, line[start:], where)
    end = number_end(line, start)
    glued = line[end + 1:end + 2] if line[end:end + 1] in (".", ",") else line[end:end + 1]
    if end < 0 or (glued and glued in DIGITS):
        raise _invalid(name, line[start:], line, where)
    return to_float(line[start:end], name, where)


def value_start(line: str, name: str) -> int | None:
    """Where the value after the last ``name:`` match starts (the matches do not overlap)."""
    found, i = None, line.find(name)
    while i >= 0:
        end = _separator_end(line, i, i + len(name))
        if end is None:
            i = line.find(name, i + 1)
        else:
            found, i = end, line.find(name, end)
    return found


def _separator_end(line: str, start: int, j: int) -> int | None:
    """The end of ``NAME_RE`` matched with the name at line[start:j], None if it does not."""
    if start > 0:
        before = line[start - 1]
        if before in WORD or before in "./":
            return None
        if before == "-" and start > 1 and line[start - 2] in WORD:
            return None
    size = len(line)
    if j < size and (line[j] in WORD or line[j] == "."):
        return None
    if j < size and line[j] in "'\"":
        j += 1
    while j < size and line[j] in SPACE:
        j += 1
    if j >= size or line[j] not in ":=":
        return None
    j += 1
    while j < size and line[j] in " \t":
        j += 1
    return j


def nonfinite_end(text: str, p: int) -> int:
    """The end of ``NONFINITE_RE`` matched at text[p:] (ASCII text), -1 if it does not match."""
    if text[p:p + 1] in ("+", "-"):
        p += 1
    head = text[p:p + 8].lower()
    if head == "infinity":
        end = p + 8
    elif head[:3] in ("nan", "inf"):
        end = p + 3
    else:
        return -1
    after = text[end:end + 1]
    return -1 if after and (after in WORD or after == ".") else end


def number_end(text: str, p: int) -> int:
    """The end of ``NUMBER`` matched at text[p:] (ASCII text), -1 if it does not match."""
    if text[p:p + 1] in ("+", "-"):
        p += 1
    q = _digits_end(text, p)
    if q > p:  # \d{1,3}(?:,\d{3})+ when it fits, else \d+; then an optional \.\d*
        if q - p <= 3 and _group_at(text, q):
            while _group_at(text, q):
                q += 4
        if text[q:q + 1] == ".":
            q = _digits_end(text, q + 1)
    elif text[q:q + 1] == "." and text[q + 1:q + 2] in DIGITS:
        q = _digits_end(text, q + 1)
    else:
        return -1
    if text[q:q + 1] in ("e", "E"):
        r = q + 1
        if text[r:r + 1] in ("+", "-"):
            r += 1
        if r < len(text) and text[r] in DIGITS:
            q = _digits_end(text, r)
    return q


def _digits_end(text: str, p: int) -> int:
    while p < len(text) and text[p] in DIGITS:
        p += 1
    return p


def _group_at(text: str, q: int) -> bool:
    """``,\\d{3}`` at text[q:]."""
    return (text[q:q + 1] == "," and q + 3 < len(text)
            and text[q + 1] in DIGITS and text[q + 2] in DIGITS and text[q + 3] in DIGITS)


def word_kind(word: str) -> str:
    """How a printed word reads: ``nan`` (NaN or ±inf), ``number`` or ``invalid``."""
    if word.isascii():
        if nonfinite_end(word, 0) == len(word):
            return "nan"
        return "number" if number_end(word, 0) == len(word) else "invalid"
    return word_kind_regex(word)


def word_kind_regex(word: str) -> str:
    """``word_kind`` by the regular expressions: the reference for every word."""
    ref = reference()
    if ref.nonfinite.fullmatch(word):
        return "nan"
    return "number" if ref.number_full.match(word) else "invalid"


def to_float(text: str, name: str, where: str) -> float:
    value = float(text.replace(",", ""))
    if not math.isfinite(value):
        raise MetricError("metric_nan", f"{name} is {text!r}, not a finite number ({where})")
    return value


def _nan(name: str, rest: str, where: str) -> MetricError:
    shown = rest.strip()[:40]
    return MetricError("metric_nan", f"{name} is {shown!r}, not a finite number ({where})")


def _invalid(name: str, rest: str, line: str, where: str) -> MetricError:
    shown = rest.strip()[:40]
    return MetricError("metric_invalid",
                       f"{name}: {shown!r} is not a number ({where}: {line.strip()[:120]!r})")
