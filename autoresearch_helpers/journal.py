"""Recording one result: the TSV row, the JSONL event and the session counters, together."""

from __future__ import annotations

from autoresearch_helpers import logs

RECENT = 20  # experiments kept in session.json for `status`


def short(commit: str | None) -> str:
    return commit[:7] if commit else "-"


def record(root, state: dict, *, number: int, status: str, value: float | None,
           commit: str | None, description: str, prev: float | None = None,
           error: str | None = None, detail: str = "", reason: str = "",
           duration_s: float | None = None, memory_gb: float | None = None,
           p_value: float | None = None, samples: list[float] | None = None) -> dict:
    """Append the TSV row and the experiment_done event; update the counters in ``state``."""
    delta = None if value is None or prev is None else value - prev
    details = {
        "status": status, "metric": state["metric_name"], "value": value, "prev": prev,
        "delta": delta, "commit": short(commit), "description": description,
        "memory_gb": None if memory_gb is None else round(memory_gb, 3),
        "tag": state["tag"], "duration_s": None if duration_s is None else round(duration_s, 3),
        "experiment": number, "reason": reason, "direction": state["direction"],
    }
    if error:
        details["error"] = error
        details["error_detail"] = detail
    if p_value is not None:
        details["p_value"] = p_value
    if samples and len(samples) > 1:
        details["samples"] = samples
    logs.append_tsv(root, short(commit), state["metric_name"], value, status, description)
    logs.log_event(root, "experiment_done", details, tag=state["tag"], ok=status != "crash")
    if number > 0:
        state["experiments"] = number
        counts = state.setdefault("counts", {"keep": 0, "discard": 0, "crash": 0})
        counts[status] = counts.get(status, 0) + 1
        state["crash_streak"] = state.get("crash_streak", 0) + 1 if status == "crash" else 0
    recent = state.setdefault("recent", [])
    recent.append({"n": number, "status": status, "value": value, "delta": delta,
                   "commit": short(commit), "description": description[:200],
                   "error": error, "reason": reason})
    del recent[:-RECENT]
    return details
