"""`autoresearch results`: counts, baseline -> best, a trend line and the last experiments.

Reads results.tsv and the JSONL only (reports/summarise.py, and reports/summary.py for the
rules and what ``--tag`` reads). Plain text when stdout is not a terminal, so the Claude
Code transcript shows it as is; colour only on a terminal without NO_COLOR. The table and
the markdown are inert (vocab.inert: what the logs hold shows its control characters as
escapes); csv, tsv and json are data, written as the logs hold them.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys

from autoresearch_helpers import paths
from autoresearch_helpers.errors import UsageError
from autoresearch_helpers.reports.summarise import load_summary
from autoresearch_helpers.reports.summary import clip
from autoresearch_helpers.store.logs import escape_field
from autoresearch_helpers.vocab import (
    direction_words, fmt_count, fmt_counts, fmt_pct, fmt_value, inert)

FORMATS = ("table", "markdown", "csv", "tsv", "json")
BLOCKS = "▁▂▃▄▅▆▇█"
COLUMNS = ("experiment", "commit", "value", "delta", "status", "description", "error",
           "duration_s", "memory_gb", "p_value", "interval_low", "interval_high", "pairs")
COLOURS = {"keep": "\033[32m", "discard": "\033[33m", "crash": "\033[31m"}


def add_arguments(parser) -> None:
    parser.add_argument("--last", type=int, default=10, metavar="N",
                        help="how many recent experiments to list (default 10; 0: none)")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (default), markdown, csv, tsv or json")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument("--tag", help="one session: the JSONL records of this tag")


def run(args) -> int:
    if args.last < 0:
        raise UsageError(f"--last must be 0 or more, got {args.last}")
    fmt = "json" if args.json else args.format
    summary = load_summary(paths.find_logs(), last=args.last, tag=args.tag)
    out = sys.stdout
    if fmt == "json":
        out.write(json.dumps(summary.to_json(), indent=2, ensure_ascii=False) + "\n")
    elif fmt in ("csv", "tsv"):
        write_rows(summary, out, fmt)
    elif fmt == "markdown":
        out.write("\n".join(markdown(summary)) + "\n")
    else:
        colour = out.isatty() and not os.environ.get("NO_COLOR")
        width = shutil.get_terminal_size((100, 24)).columns
        out.write("\n".join(table(summary, width, colour)) + "\n")
    return 0


def sparkline(values: list[float]) -> str:
    """Unicode blocks, one per value, scaled between the minimum and the maximum."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    if span <= 0:
        return BLOCKS[3] * len(values)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[round((v - low) / span * top)] for v in values)


def headline(s) -> list[str]:
    """The lines above the table, shared by table and markdown (no markup)."""
    rate = f" (keep rate {s.keep_rate:.0%})" if s.keep_rate is not None else ""
    lines = [fmt_counts(s.experiments, s.keep, s.discard, s.crash) + rate]
    if s.baseline and s.best:
        lines.append(f"baseline {fmt_value(s.baseline['value'])} -> best "
                     f"{fmt_value(s.best['value'])} ({fmt_pct(s.change_pct)}) at "
                     f"{s.best['commit']} #{s.best['experiment']} "
                     f"{clip(s.best['description'], 50)}")
    trend = sparkline(s.running_best(40))
    if len(s.best_series) > 1:
        lines.append(f"trend of the best: {trend}  ({fmt_value(s.best_series[0])} -> "
                     f"{fmt_value(s.best_series[-1])}, {fmt_count(len(s.best_series), 'run')})")
    if s.crash_reasons:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(s.crash_reasons.items(),
                                                          key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"crashes: {reasons}")
    if s.sessions > 1:
        lines.append(f"(the last of {s.sessions} sessions in results.tsv; --tag T for another)")
    return [inert(line) for line in lines]


def left_out(s) -> list[str]:
    """The line under the rows that says how many --last left out (none when it left none)."""
    if not s.not_shown:
        return []
    rows = fmt_count(s.not_shown, "earlier row" if s.recent else "row")
    return [f"({rows} not shown; --last {s.experiments + 1} shows every row)"]


def table(s, width: int = 100, colour: bool = False) -> list[str]:
    title = (f"autoresearch results: {s.tag or 'session'} ({s.metric}, "
             f"{direction_words(s.direction)})")
    lines = [inert(title), *headline(s)]
    if not s.recent:
        return lines + left_out(s)
    tested = any(e.decided_by() for e in s.recent)  # a column only when a row has a test
    cells = [(str(e.number), inert(e.commit[:9]), fmt_value(e.value),
              fmt_value(e.delta, sign=True), inert(e.status))
             + ((e.decided_by(short=True),) if tested else ()) for e in s.recent]
    heads = ("#", "commit", "value", "delta", "status") + (("evidence",) if tested else ())
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    rest = max(width - sum(widths) - 2 * len(widths) - 2, 12)

    def row(values, desc, status=None):
        text = "  ".join(v.rjust(w) if i in (0, 2, 3) else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths)))
        if status and colour:
            text = text.replace(status, COLOURS[status] + status + "\033[0m", 1)
        return ("  " + text + "  " + desc).rstrip()

    lines += ["", row(heads, "description")]
    for e, c in zip(s.recent, cells):
        desc = e.description + (f" [{e.error}]" if e.error else "")
        lines.append(row(c, clip(desc, rest), e.status))
    return lines + left_out(s)


def markdown(s) -> list[str]:
    def cell(text: str) -> str:
        return clip(text, 80).replace("|", "\\|")

    lines = [inert(f"**autoresearch results: {s.tag or 'session'}** ({s.metric}, "
                   f"{direction_words(s.direction)})"), ""]
    lines += [f"- {line}" for line in headline(s)]
    if s.recent:
        tested = any(e.decided_by() for e in s.recent)
        lines += ["", "| # | commit | value | delta | status | "
                  + ("evidence | " if tested else "") + "description |",
                  "|---:|---|---:|---:|---|" + ("---|" if tested else "") + "---|"]
        for e in s.recent:
            desc = e.description + (f" [{e.error}]" if e.error else "")
            value = fmt_value(e.value, missing="")
            delta = fmt_value(e.delta, sign=True, missing="")
            test = f"{e.decided_by()} | " if tested else ""
            lines.append(inert(f"| {e.number} | `{e.commit}` | {value} | {delta} | "
                               f"{e.status} | {test}{cell(desc)} |"))
    return lines + ([""] + left_out(s) if s.not_shown else [])


def write_rows(s, out, fmt: str) -> None:
    """The experiments shown, one row each, full precision; empty cells for missing values
    (the paired test's columns are empty for an experiment without one)."""
    def plain(value) -> str:
        return "" if value is None else repr(value) if isinstance(value, float) else str(value)

    def fields(e) -> dict:
        data = e.to_json()
        data["interval_low"], data["interval_high"] = data.pop("interval") or (None, None)
        return data

    rows = [[plain(fields(e)[c]) for c in COLUMNS] for e in s.recent]
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return
    out.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        out.write("\t".join(escape_field(v) for v in r) + "\n")
