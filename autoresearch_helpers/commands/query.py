"""`autoresearch query 'FILTER'`: a jq program applied to each record of the JSONL log.

The program is compiled once by the jq binding (the jq library itself, so the language is
jq's). Each output is printed on its own line as compact JSON, the same text as
``jq -c``; with ``--raw`` strings are printed without quotes, as ``jq -r`` does.
A line torn by a kill at the end of the file is skipped; a line that is not JSON is
skipped with one warning. A filter that does not compile is a usage error (exit 2) with
jq's reason; a filter that fails on a record reports the line and goes on (exit 1).
"""

from __future__ import annotations

import json
import os
import sys

from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError, UsageError
from autoresearch_helpers.store import tail
from autoresearch_helpers.vocab import fmt_count, typed

MAX_REPORTED = 5


def add_arguments(parser) -> None:
    parser.add_argument("filter", help="a jq program, e.g. 'select(.details.status == \"keep\")'")
    parser.add_argument("-r", "--raw", action="store_true",
                        help="print strings without quotes (like jq -r)")
    parser.add_argument("--file", metavar="PATH",
                        help="the JSONL file (default: .claude/logs/autoresearch.jsonl)")


def compile_filter(text: str):
    import jq

    try:
        return jq.compile(text)
    except ValueError as exc:
        reason = _first_line(exc).removeprefix("jq: error: ")
        raise UsageError(f"bad jq filter {text!r}: {reason}") from None


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].rstrip(":") if lines else type(exc).__name__


def to_jq_json(value) -> str:
    """Compact JSON as jq prints it: no spaces, non-ASCII kept, 1.0 written as 1."""
    # jq has one number type and the jq binary (1.6) prints 1.0 as 1; the binding keeps
    # the literal "1.0" of a Python float, so integral floats are handed over as ints.
    return json.dumps(_jq_numbers(value), separators=(",", ":"), ensure_ascii=False)


def _jq_numbers(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return int(value)
    if isinstance(value, list):
        return [_jq_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _jq_numbers(v) for k, v in value.items()}
    return value


def run(args) -> int:
    program = compile_filter(args.filter)
    path = args.file or paths.jsonl_path(paths.find_logs())
    if not os.path.isfile(path):
        raise AutoresearchError(f"no JSONL log at {path}; run '{typed('setup')}' first, "
                                "or name a file with --file")
    show = (lambda v: v if isinstance(v, str) else to_jq_json(v)) if args.raw else to_jq_json
    write = sys.stdout.write
    failures: list[str] = []
    skipped = [0, 0]  # lines that are not JSON: count, first line number
    number = 0
    for chunk in tail.iter_chunks(path):
        records = []  # (line number, value) of the JSON lines of this block
        for line in chunk.split(b"\n"):
            number += 1
            if not line.strip():
                continue
            try:
                records.append((number, _jq_numbers(json.loads(line))))
            except ValueError:
                skipped[0] += 1
                skipped[1] = skipped[1] or number
        try:  # the fast path: the whole block in one call
            outputs = program.input_values([value for _, value in records]).all()
        except ValueError:
            outputs = None
        if outputs is not None:
            for value in outputs:
                write(show(value) + "\n")
            continue
        for line_number, record in records:  # a record fails: find it, report it, go on
            try:
                for value in program.input_value(record).all():
                    write(show(value) + "\n")
            except ValueError as exc:
                failures.append(f"line {line_number}: {_first_line(exc)}")
    if skipped[0]:
        print(f"autoresearch query: warning: skipped {fmt_count(skipped[0], 'line')} that "
              f"{'is' if skipped[0] == 1 else 'are'} not JSON "
              f"(first: line {skipped[1]} of {path})", file=sys.stderr)
    if failures:
        more = len(failures) - MAX_REPORTED
        for failure in failures[:MAX_REPORTED]:
            print(f"autoresearch query: error: {failure}", file=sys.stderr)
        if more > 0:
            print(f"autoresearch query: error: ... and {more} more", file=sys.stderr)
        return 1
    return 0
