"""`autoresearch report --html FILE [--tag T]`: one self-contained HTML report of a session.

It reads the logs through reports.summarise.load_summary (no live session needed) and writes
every experiment: header cards, the progress chart and a sortable table.
"""

from __future__ import annotations

import time
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError, UsageError
from autoresearch_helpers.reports import html
from autoresearch_helpers.reports.summarise import EVERY, load_summary
from autoresearch_helpers.vocab import fmt_count, inert


def add_arguments(parser) -> None:
    parser.add_argument("--html", metavar="FILE", required=True,
                        help="the HTML file to write (replaced if it exists)")
    parser.add_argument("--tag", help="the session to report (default: the latest one)")


def experiments_of(summary) -> list[dict]:
    """The experiments of ``summary`` as the renderer's dicts, with the best so far."""
    out = []
    series = summary.best_series
    for exp in summary.recent:
        row = {key: getattr(exp, key, None) for key in html.FIELDS if key != "best"}
        best = series[exp.number] if 0 <= exp.number < len(series) else None
        row["best"] = None if best is None or best != best else best
        out.append(row)
    return out


def report_info(summary) -> dict:
    best, base = summary.best or {}, summary.baseline or {}
    return {
        "tag": summary.tag, "metric": summary.metric or "metric", "direction": summary.direction,
        "baseline": base.get("value"), "best": best.get("value"),
        "best_commit": best.get("commit"), "experiments": summary.experiments,
        "counts": {"keep": summary.keep, "discard": summary.discard, "crash": summary.crash},
        "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def build_html(root: Path, tag: str | None = None) -> tuple[str, int]:
    """(the document, the number of experiments) for the logs of ``root``."""
    found = load_summary(root, last=EVERY, tag=tag)
    return html.render(experiments_of(found), report_info(found)), found.experiments


def run(args) -> int:
    target = Path(args.html)
    if target.is_dir():
        raise UsageError(f"--html {args.html}: is a folder; give a file name such as report.html")
    document, count = build_html(paths.find_logs(), args.tag)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(document, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise AutoresearchError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(inert(f"wrote {target} ({fmt_count(count, 'experiment')})"))
    return 0
