"""Real log files for tests: results.tsv and the JSONL written through logs.py's writers.

    write_session(root, values, statuses=None, direction="lower_is_better", ...)

``values[0]`` is the baseline; ``None`` is a crash. Without ``statuses`` each experiment
is decided as the engine does: strictly better than the champion -> keep, else discard.
Returns one dict per row (number, commit, value, status, description, prev, delta).
``bulk=True`` writes the same lines with one write per file (for large benchmark logs).
"""

from __future__ import annotations

import hashlib
import os
import json
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.store import logs


def commit_of(tag: str, number: int) -> str:
    return hashlib.sha1(f"{tag}-{number}".encode()).hexdigest()[:7]


def decide(values, direction):
    statuses, champion = [], None
    for i, value in enumerate(values):
        if value is None:
            statuses.append("crash")
        elif i == 0 or (value > champion if direction == "higher_is_better" else value < champion):
            statuses.append("keep")
        else:
            statuses.append("discard")
        if statuses[-1] == "keep":
            champion = value
    return statuses


def write_session(root: Path, values, statuses=None, direction: str = "lower_is_better",
                  descriptions=None, *, tag: str = "mar17", metric: str = "val_bpb",
                  errors=None, durations=None, memory=None, tsv: bool = True,
                  jsonl: bool = True, session_start: bool = True, bulk: bool = False):
    root = Path(root)
    statuses = list(statuses or decide(values, direction))
    tsv_lines, json_lines, rows = [], [], []
    champion = None

    def event(action, details, ok=True):
        record = logs.make_record(action, details, tag=tag, ok=ok)
        if bulk:
            json_lines.append(json.dumps(record, separators=(", ", ": ")))
        elif jsonl:
            logs.append_jsonl(root, record)

    if session_start:
        event("session_start", {"tag": tag, "branch": f"autoresearch/{tag}", "metric": metric,
                                "direction": direction, "base_commit": commit_of(tag, 0)})
    for i, value in enumerate(values):
        status = statuses[i]
        desc = descriptions[i] if descriptions else ("baseline" if i == 0 else f"idea {i}")
        commit = commit_of(tag, i)
        error = (errors[i] if errors else None) or ("exit_1" if status == "crash" else None)
        delta = None if value is None or champion is None else value - champion
        rows.append({"number": i, "commit": commit, "value": value, "status": status,
                     "description": desc, "prev": champion, "delta": delta})
        if tsv:
            if bulk:
                tsv_lines.append("\t".join([commit, metric, logs.format_value(value), status,
                                            logs.escape_field(desc)]))
            else:
                logs.append_tsv(root, commit, metric, value, status, desc)
        details = {"status": status, "metric": metric, "value": value, "prev": champion,
                   "delta": delta, "commit": commit, "description": desc,
                   "memory_gb": memory[i] if memory else None,
                   "duration_s": durations[i] if durations else 1.5, "tag": tag,
                   "reason": "improved" if status == "keep" else "not better",
                   "direction": direction, "experiment": i}
        if status == "crash":
            details["error"], details["reason"] = error, error
        event("experiment_done", details, ok=status != "crash")
        if status == "keep" and value is not None:
            champion = value
    if bulk:
        if tsv:
            path = logs.ensure_tsv(root)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write("\n".join(tsv_lines) + "\n")
        if jsonl:
            path = paths.jsonl_path(root)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write("\n".join(json_lines) + "\n")
    return rows
