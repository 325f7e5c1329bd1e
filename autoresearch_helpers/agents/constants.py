"""The numeric constants of a Python file: the search space of the optuna agent.

A constant is a top-level ``NAME = 3``, ``NAME = -0.5`` or ``NAME: float = 1e-3``: one
name, an int or float literal, or a minus sign before one. Booleans are not numbers. When
any line carries a ``# autoresearch: tune`` marker, only the marked constants are tuned:

    LR = 0.01        # autoresearch: tune 1e-4..1e-1 log
    DEPTH = 4        # autoresearch: tune 1..12
    BATCH = 32       # autoresearch: tune 8..256 int log
    SCALE = 2        # autoresearch: tune float

The words after ``tune``: an optional range ``LOW..HIGH`` (both numbers, LOW < HIGH, the
same sign), then any of ``log`` (sample the logarithm; needs LOW > 0 or HIGH < 0), ``int``
and ``float`` (the kind; default: the literal's). Without a range: floats value/10 ..
value*10, ints max(1, value//4) .. value*4 (log scale both; mirrored for a negative
value), never crossing zero; a zero needs a range. Without any marker every constant but
the zeros is tuned with those defaults.

Rewriting replaces only the literal's characters: comments and formatting stay.
"""

from __future__ import annotations

import ast
import io
import math
import re
import tokenize
from dataclasses import dataclass

from autoresearch_helpers.errors import AutoresearchError

MARKER = re.compile(r"#\s*autoresearch\s*:\s*(\S*)(.*)$")
EXAMPLE = "LR = 0.01  # autoresearch: tune 1e-4..1e-1 log"


@dataclass
class Constant:
    name: str
    line: int  # 1-based
    value: float | int
    kind: str  # int | float
    low: float | int
    high: float | int
    log: bool
    span: tuple[int, int]  # the literal's character offsets in the file's text


def find(text: str, path: str) -> list[Constant]:
    """The constants to tune in ``text`` (the file ``path``); AutoresearchError naming the
    file and line for a bad marker, and when there is nothing to tune."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise AutoresearchError(f"{path}:{exc.lineno}: not valid Python ({exc.msg}): "
                                "the optuna agent reads its constants with Python's parser")
    markers = _markers(text, path)
    offsets = _line_offsets(text)
    found = {}
    for node in tree.body:
        got = _assignment(node)
        if got is not None:
            name, literal, value = got
            start = offsets[literal.lineno - 1] + _chars(text, offsets, literal.lineno,
                                                         literal.col_offset)
            end = offsets[literal.end_lineno - 1] + _chars(text, offsets, literal.end_lineno,
                                                           literal.end_col_offset)
            found[node.lineno] = (name, value, (start, end))
    for line in markers:
        if line not in found:
            raise AutoresearchError(
                f"{path}:{line}: a '# autoresearch: tune' marker on a line that is not a "
                f"top-level 'NAME = number' assignment; example: {EXAMPLE}")
    out = []
    for line, (name, value, span) in sorted(found.items()):
        if markers and line not in markers:
            continue
        words = markers.get(line, "")
        if not markers and value == 0:
            continue  # a zero has no scale to search around; mark it with a range
        out.append(_constant(name, line, value, span, words, f"{path}:{line}"))
    if not out:
        raise AutoresearchError(
            f"{path}: no numeric constant to tune (a top-level 'NAME = number'); "
            f"add one, or mark one: {EXAMPLE}")
    return out


def rewrite(text: str, values: dict[str, str], constants: list[Constant]) -> str:
    """``text`` with each constant's literal replaced by ``values[name]`` (its text)."""
    for c in sorted(constants, key=lambda c: c.span[0], reverse=True):
        if c.name in values:
            text = text[:c.span[0]] + values[c.name] + text[c.span[1]:]
    return text


def literal(value: float | int, kind: str) -> str:
    """The text written for a value: ints as they are, floats to 4 significant digits
    and always a float literal."""
    if kind == "int":
        return str(int(value))
    text = f"{value:.4g}"
    if not any(ch in text for ch in ".en"):
        text += ".0"
    return text


def _assignment(node):
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None and node.simple:
        target, value = node.target, node.value
    else:
        return None
    if not isinstance(target, ast.Name):
        return None
    inner, sign = value, 1
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
        inner, sign = value.operand, -1
    if not isinstance(inner, ast.Constant) or isinstance(inner.value, bool) \
            or not isinstance(inner.value, (int, float)) or value.lineno != node.lineno:
        return None
    number = sign * inner.value
    if not math.isfinite(number):
        return None
    return target.id, value, number


def _markers(text: str, path: str) -> dict[int, str]:
    """line -> the words after ``tune`` of each marker comment."""
    out = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError):
        return out  # ast.parse accepted it; nothing more to learn
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = MARKER.match(tok.string)
        if not match:
            continue
        line = tok.start[0]
        if match.group(1) != "tune":
            raise AutoresearchError(
                f"{path}:{line}: unknown autoresearch marker {match.group(1)!r} "
                f"(the one marker is 'tune'); example: {EXAMPLE}")
        out[line] = match.group(2).strip()
    return out


def _constant(name, line, value, span, words: str, where: str) -> Constant:
    kind = "int" if isinstance(value, int) else "float"
    low = high = None
    log = None
    for word in words.split():
        if ".." in word and low is None:
            low, high = _range(word, where)
        elif word == "log":
            log = True
        elif word in ("int", "float"):
            kind = word
        else:
            raise AutoresearchError(
                f"{where}: '{word}' in a tune marker is not a range LOW..HIGH nor one of "
                f"log, int, float; example: {EXAMPLE}")
    if low is None:
        if value == 0:
            raise AutoresearchError(f"{where}: {name} is 0, which has no scale to search "
                                    f"around: give the marker a range; example: "
                                    f"{name} = 0  # autoresearch: tune -1..1")
        low, high = _default(abs(value), kind)
        if value < 0:
            low, high = -high, -low
        log = True if log is None else log
    if kind == "int":
        low, high = math.ceil(low), math.floor(high)
        if low >= high:
            raise AutoresearchError(f"{where}: the range of int {name} holds one integer "
                                    "at most; widen it or mark it 'float'")
    if log and low <= 0 < high:
        raise AutoresearchError(f"{where}: 'log' needs a range on one side of zero "
                                f"(LOW > 0, or HIGH < 0); example: {EXAMPLE}")
    return Constant(name, line, value, kind, low, high, bool(log), span)


def _range(word: str, where: str) -> tuple[float, float]:
    low_text, _, high_text = word.partition("..")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise AutoresearchError(f"{where}: the range '{word}' is not LOW..HIGH with two "
                                f"numbers; example: {EXAMPLE}") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise AutoresearchError(f"{where}: the range '{word}' needs LOW < HIGH, both finite")
    return low, high


def _default(magnitude: float, kind: str) -> tuple[float, float]:
    if kind == "int":
        whole = int(magnitude)
        return max(1, whole // 4), max(whole * 4, 2)
    return magnitude / 10, magnitude * 10


def _line_offsets(text: str) -> list[int]:
    """Where each line starts, as Python's parser counts lines (\\n, \\r\\n, \\r)."""
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)] + [len(text)]


def _chars(text: str, offsets: list[int], lineno: int, col_bytes: int) -> int:
    """ast's column (UTF-8 bytes) as a character count within the line."""
    line = text[offsets[lineno - 1]:offsets[lineno]]
    return len(line.encode("utf-8")[:col_bytes].decode("utf-8", "replace"))
