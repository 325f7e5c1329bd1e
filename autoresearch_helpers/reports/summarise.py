"""Summarising the logs of a repository: ``load_summary(root, last=10, tag=None)``.

It reads the two log files only (results.tsv and the JSONL, docs/formats.md) plus, for the
metric direction, .autoresearch/session.json or the config; nothing here needs a live
session. One pass over results.tsv in blocks of whole lines; the JSONL is read from its
end back to the session's start. The rules are in reports/summary.py.
"""

from __future__ import annotations

import json
import os

from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.reports.session_log import (
    DONE, SessionInfo, direction_for, load_record, session_info)
from autoresearch_helpers.reports.summary import Summary
from autoresearch_helpers.reports.tally import Tally
from autoresearch_helpers.store import tail
from autoresearch_helpers.vocab import CRASH, STATUSES, typed

EVERY = 1 << 62  # "show the last N" with N past any log: every experiment


def load_summary(root, *, last: int = 10, tag: str | None = None) -> Summary:
    """Summarise the logs of ``root``; AutoresearchError when there is nothing yet."""
    root = os.fspath(root)
    tsv, jsonl = paths.tsv_path(root), paths.jsonl_path(root)
    if not os.path.exists(tsv) and not os.path.exists(jsonl):
        raise AutoresearchError(
            f"no results yet in {root}: neither {paths.TSV_NAME} nor {paths.JSONL_REL} exists; "
            f"run '{typed('setup')}' first to measure the baseline")
    if tag is not None or not os.path.exists(tsv):
        return summary_from_jsonl(root, last=last, tag=tag)
    info = session_info(root, want=max(last, 0) + 20)
    tally = Tally(direction_for(root, info.direction), last)
    for chunk in tail.iter_chunks(tsv):
        tally.feed(chunk)
    if tally.n < 0:
        raise AutoresearchError(
            f"no results yet in {tsv}: it has no baseline row; run '{typed('setup')}' "
            "to measure the baseline")
    return tally.summary(root, info.tag, info.details, info.crash_reasons)


def summary_from_jsonl(root, *, last: int = 10, tag: str | None = None) -> Summary:
    """A Summary from the experiment_done records of ``tag`` (default: the last session's)."""
    path = paths.jsonl_path(root)
    if tag is None:
        tag = session_info(root, want=0).tag
    records, starts, tags = _records_of(path, tag)
    if not records:
        known = ", ".join(str(t) for t in tags) or "none"
        where = f"with tag {tag!r} " if tag else ""
        raise AutoresearchError(f"no experiments {where}in {path} (session tags found: {known}); "
                                f"run '{typed('setup')}' to start a session")
    info = SessionInfo(tag=tag)
    if starts:
        info.note_start(starts[-1])
    tally = Tally(direction_for(root, info.direction), last)
    first = records[0]["details"]
    metric = str(first.get("metric") or info.metric or "")
    if first.get("experiment") != 0 and first.get("description") != "baseline":
        if isinstance(first.get("prev"), (int, float)):
            tally.add(str(info.base_commit or ""), metric, float(first["prev"]), "keep",
                      "baseline")
    details = {}
    for record in records:
        d = record["details"]
        status = d.get("status") if d.get("status") in STATUSES else CRASH
        value = d.get("value") if isinstance(d.get("value"), (int, float)) else None
        if status != CRASH and value is None:
            continue
        tally.add(str(d.get("commit") or ""), str(d.get("metric") or metric), value,
                  status, str(d.get("description") or ""))
        if status == CRASH:
            reason = str(d.get("error") or "unknown")
            info.crash_reasons[reason] = info.crash_reasons.get(reason, 0) + 1
        details[tally.n] = d
    return tally.summary(root, tag, details, info.crash_reasons, source="jsonl")


def _records_of(path, tag: str | None) -> tuple[list, list, list]:
    """(experiment_done records, session_start records) of ``tag``, and the tags seen."""
    records, starts, tags = [], [], []
    # the tag as a JSON string, as we write it (raw UTF-8) or as another writer may (\uXXXX)
    needles = {b'"' + json.dumps(tag, ensure_ascii=ascii).encode("utf-8")[1:-1] + b'"'
               for ascii in (False, True)} if tag else None
    for chunk in tail.iter_chunks(path):
        for line in chunk.split(b"\n"):
            if needles is not None and not any(needle in line for needle in needles):
                if b'"tag"' in line and b'"session_start"' in line:
                    record = load_record(line)
                    if record and record.get("tag") not in tags:
                        tags.append(record.get("tag"))
                continue
            if DONE not in line and b'"session_start"' not in line:
                continue
            record = load_record(line)
            if not record or record.get("tag") != tag:
                continue
            if record.get("action") == "session_start":
                starts.append(record)
            elif record.get("action") == "experiment_done":
                records.append(record)
    return records, starts, tags
