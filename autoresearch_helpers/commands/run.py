"""`autoresearch run -d "description"`: one experiment of the change in the working tree."""

from __future__ import annotations

import os

from autoresearch_helpers import gitops, jsonio, session
from autoresearch_helpers.errors import UsageError

TAIL_LINES = 30


def add_arguments(parser) -> None:
    parser.add_argument("-d", "--description", required=True,
                        help="what this experiment tries, in a few words")
    parser.add_argument("--allow-empty", action="store_true",
                        help="run even when nothing changed (re-measure the champion)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def parse_fast(argv: list[str]):
    from autoresearch_helpers import fastargs

    return fastargs.parse(argv, values={"-d": "description", "--description": "description"},
                          flags={"--allow-empty": "allow_empty", "--json": "json"},
                          defaults={"allow_empty": False, "json": False},
                          required=("description",))


def fmt(value) -> str:
    return "-" if value is None else f"{value:.6g}"


def fmt_delta(delta) -> str:
    return "" if delta is None else f"{delta:+.6g}"


def run(args) -> int:
    description = args.description.strip()
    if not description:
        raise UsageError("the description is empty: say in a few words what the experiment tries")
    root = gitops.find_root()
    with session.Lock(root, "run"):
        status = gitops.start_status(root)  # git works while the engine is imported
        try:
            from autoresearch_helpers.engine import run_experiment

            run_experiment(root, description, allow_empty=args.allow_empty, status=status,
                           report=lambda outcome: report(root, outcome, args.json))
        finally:
            status.result_or_none()
    return 0


def report(root, outcome: dict, as_json: bool) -> None:
    """Print the outcome: the lines of outcome_lines, or one JSON object."""
    state = outcome["state"]
    if as_json:
        champion = state.get("champion") or {}
        print(jsonio.dumps({
            "status": outcome["status"], "value": outcome.get("value"),
            "best": champion.get("value"), "delta": outcome.get("delta"),
            "commit": (outcome.get("commit") or "")[:7] or None,
            "error": outcome.get("error"), "detail": outcome.get("detail"),
            "reason": outcome.get("reason"), "experiment": outcome["number"],
            "duration_s": outcome.get("duration_s"), "memory_gb": outcome.get("memory_gb"),
            "stop_requested": session.stop_requested(root), "notes": outcome["notes"],
        }), flush=True)
        return
    print("\n".join(outcome_lines(root, outcome, state)), flush=True)


def outcome_lines(root, outcome: dict, state: dict) -> list[str]:
    """At most ~6 lines for the agent; a crash adds the tail of the log (<= 30 lines)."""
    lines = list(outcome["notes"])
    n, status = outcome["number"], outcome["status"]
    metric = state.get("metric_name", "metric")
    if status == "crash":
        head = f"experiment {n}: CRASH ({outcome['error']}) · {outcome.get('detail', '')}"
    else:
        head = (f"experiment {n}: {status.upper()} ({outcome.get('reason', '')}) · {metric} "
                f"{fmt(outcome['value'])} ({fmt_delta(outcome.get('delta'))} vs best "
                f"{fmt(outcome['prev'])})")
    if status != "keep":
        head += "; reverted to the best commit"
    lines.append(head)
    champion = state.get("champion") or {}
    counts = state.get("counts", {})
    lines.append(f"best: {metric} {fmt(champion.get('value'))} at "
                 f"{(champion.get('commit') or '')[:7]} · {state.get('experiments', 0)} "
                 f"experiments: {counts.get('keep', 0)} keep, {counts.get('discard', 0)} "
                 f"discard, {counts.get('crash', 0)} crash")
    if outcome.get("violations"):
        lines.append("only these files may change: " + ", ".join(state.get("editable", [])))
        lines.append(f"the change was saved under {outcome['saved']}/")
    elif status == "crash":
        from autoresearch_helpers.runner import tail

        log = outcome.get("log", "run.log")
        text = tail(os.path.join(root, log), lines=TAIL_LINES)
        if text.strip():
            lines.append(f"--- last lines of {log} ---")
            lines.extend(text.rstrip("\n").splitlines())
    streak = state.get("crash_streak", 0)
    if streak >= 3:
        lines.append(f"{streak} crashes in a row: fix the cause or try a different kind of idea")
    if session.stop_requested(root):
        lines.append("STOP REQUESTED: end the loop now (run 'autoresearch setup' to resume later)")
    return lines
