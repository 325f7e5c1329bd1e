"""`autoresearch compare TAG_A TAG_B [--json]`: two sessions of the JSONL side by side.

Each session is summarised by reports.summarise.load_summary with its tag (the JSONL records
carry it), so this needs no live session. The verdict compares the best values in the
metric's direction; sessions of different metrics are shown but not ranked.
"""

from __future__ import annotations

import json
import os

from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError, UsageError
from autoresearch_helpers.reports.summarise import EVERY, load_summary
from autoresearch_helpers.store import logs
from autoresearch_helpers.vocab import direction_words, fmt_pct, fmt_value, inert, is_better, typed


def add_arguments(parser) -> None:
    parser.add_argument("tag_a", metavar="TAG_A", help="the first session's tag (e.g. mar17)")
    parser.add_argument("tag_b", metavar="TAG_B", help="the second session's tag")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def known_tags(root) -> list[str]:
    """The session tags of the JSONL, in the order they first appear."""
    seen: dict[str, None] = {}
    for record in logs.iter_jsonl(paths.jsonl_path(root)):
        tag = record.get("tag")
        if isinstance(tag, str) and tag and record.get("action") in ("session_start",
                                                                     "experiment_done"):
            seen.setdefault(tag, None)
    return list(seen)


def side(summary) -> dict:
    """The numbers of one session, as shown and as printed by --json."""
    durations = [e.duration_s for e in summary.recent if e.duration_s is not None]
    best, base = summary.best or {}, summary.baseline or {}
    return {
        "tag": summary.tag, "metric": summary.metric, "direction": summary.direction,
        "experiments": summary.experiments, "keep": summary.keep, "discard": summary.discard,
        "crash": summary.crash, "keep_rate": summary.keep_rate,
        "baseline": base.get("value"), "best": best.get("value"),
        "best_commit": best.get("commit"), "best_description": best.get("description"),
        "improvement_pct": summary.improvement_pct,
        "duration_s": round(sum(durations), 3) if durations else None,
        "crash_reasons": summary.crash_reasons,
    }


def verdict(a: dict, b: dict) -> tuple[str | None, str]:
    """(the better tag or None, one sentence why)."""
    if a["metric"] != b["metric"] or a["direction"] != b["direction"]:
        return None, (f"not comparable: {a['tag']} measures {a['metric']} "
                      f"({direction_words(a['direction'])}), {b['tag']} measures {b['metric']} "
                      f"({direction_words(b['direction'])})")
    if a["best"] is None or b["best"] is None:
        missing = a["tag"] if a["best"] is None else b["tag"]
        return None, f"not comparable: {missing} has no measured value"
    if a["best"] == b["best"]:
        return None, f"a tie: both reached {_fmt(a['best'])} {a['metric']}"
    win, lose = (a, b) if is_better(a["direction"], a["best"], b["best"]) else (b, a)
    return win["tag"], (f"{win['tag']} did better: best {a['metric']} {_fmt(win['best'])} "
                        f"vs {_fmt(lose['best'])} ({direction_words(a['direction'])})")


def _fmt(value) -> str:
    return fmt_value(value, missing="—")


def _pct(value) -> str:
    return fmt_pct(value, missing="—")


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    if whole < 60:
        return f"{seconds:.1f} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def table(a: dict, b: dict) -> list[str]:
    def rate(s):
        return "—" if s["keep_rate"] is None else f"{s['keep_rate'] * 100:.1f}% ({s['keep']})"

    rows = [
        ("", a["tag"], b["tag"]),
        ("metric", a["metric"], b["metric"]),
        ("direction", direction_words(a["direction"]), direction_words(b["direction"])),
        ("experiments", str(a["experiments"]), str(b["experiments"])),
        ("keep rate", rate(a), rate(b)),
        ("discards", str(a["discard"]), str(b["discard"])),
        ("crashes", str(a["crash"]), str(b["crash"])),
        ("baseline", _fmt(a["baseline"]), _fmt(b["baseline"])),
        ("best", _fmt(a["best"]), _fmt(b["best"])),
        ("improvement", _pct(a["improvement_pct"]), _pct(b["improvement_pct"])),
        ("time spent", duration_text(a["duration_s"]), duration_text(b["duration_s"])),
    ]
    rows = [tuple(inert(cell) for cell in row) for row in rows]  # tags and metrics: the logs'
    width_a = max(len(r[1]) for r in rows)
    return [f"{k:<12} {x:<{width_a}}  {y}".rstrip() for k, x, y in rows]


def run(args) -> int:
    if args.tag_a == args.tag_b:
        raise UsageError(f"compare needs two different tags (got {args.tag_a!r} twice)")
    root = paths.find_logs()
    if not os.path.exists(paths.jsonl_path(root)):
        raise AutoresearchError(f"no session log in {root}: {paths.JSONL_REL} does not exist; "
                                f"run '{typed('setup')}' to start a session")
    tags = known_tags(root)
    for tag in (args.tag_a, args.tag_b):
        if tag not in tags:
            listed = ", ".join(inert(t) for t in tags) or "none"
            raise AutoresearchError(f"unknown tag {tag!r}: the sessions in {paths.JSONL_REL} "
                                    f"are: {listed}")
    a = side(load_summary(root, last=EVERY, tag=args.tag_a))
    b = side(load_summary(root, last=EVERY, tag=args.tag_b))
    better, why = verdict(a, b)
    if args.json:
        print(json.dumps({"a": a, "b": b, "better": better, "verdict": why},
                         ensure_ascii=False, allow_nan=False))
        return 0
    print("\n".join(table(a, b)))
    print(inert(why))
    return 0
