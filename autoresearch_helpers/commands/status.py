"""`autoresearch status [--brief|--json]`: enough state for an agent to carry on.

Read-only: it never repairs or changes anything, so it is safe in a `!` context line.
"""

from __future__ import annotations

from autoresearch_helpers import gitops, jsonio, session
from autoresearch_helpers.errors import AutoresearchError

NO_SESSION = "no autoresearch session in this repository (start one with: autoresearch setup)"


def add_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--brief", action="store_true", help="a few lines, never fails")
    group.add_argument("--json", action="store_true", help="the state as JSON")
    parser.add_argument("--last", type=int, default=5, metavar="N",
                        help="how many recent experiments to list (default 5)")


def parse_fast(argv: list[str]):
    from autoresearch_helpers import fastargs

    args = fastargs.parse(argv, values={"--last": "last"}, types={"last": int},
                          flags={"--brief": "brief", "--json": "json"},
                          defaults={"brief": False, "json": False, "last": 5})
    return None if args is None or (args.brief and args.json) else args  # exclusive


def fmt(value) -> str:
    return "-" if value is None else f"{value:.6g}"


def direction_words(direction: str) -> str:
    return "higher is better" if direction == "higher_is_better" else "lower is better"


def _budget(state: dict) -> str:
    value = ((state.get("config") or {}).get("values") or {}).get("time_budget")
    return "?" if value is None else f"{value:g}"


def brief_lines(root, state: dict, last: int = 5) -> list[str]:
    champion = state.get("champion") or {}
    baseline = state.get("baseline") or {}
    counts = state.get("counts", {})
    lines = [f"session {state['tag']} on {state['branch']} · metric {state['metric_name']} "
             f"({direction_words(state['direction'])})",
             "editable: " + ", ".join(state.get("editable", []))
             + (" · read-only: " + ", ".join(state["readonly"]) if state.get("readonly") else "")
             + f" · time budget {_budget(state)} s per run"]
    if not champion:
        lines.append("no baseline yet: run 'autoresearch setup' to measure it")
        return lines
    change = ""
    if baseline.get("value") not in (None, 0) and champion.get("value") is not None:
        pct = (champion["value"] - baseline["value"]) / abs(baseline["value"]) * 100
        change = f", {pct:+.2f}% vs baseline {fmt(baseline['value'])}"
    lines.append(f"best: {fmt(champion.get('value'))} at {champion.get('commit', '')[:7]}"
                 f"{change} · {state.get('experiments', 0)} experiments: "
                 f"{counts.get('keep', 0)} keep, {counts.get('discard', 0)} discard, "
                 f"{counts.get('crash', 0)} crash · crash streak {state.get('crash_streak', 0)}")
    recent = [r for r in state.get("recent", []) if r.get("n", 0) > 0][-last:] if last > 0 else []
    for r in recent:
        what = r["error"] if r["status"] == "crash" else fmt(r.get("value"))
        lines.append(f"  #{r['n']} {r['status']:<7} {what:<12} {r['description'][:100]}")
    if state.get("pending"):
        lines.append("an experiment was interrupted: the next 'autoresearch run' repairs it")
    lines.append("stop requested: " + ("YES - end the loop now" if session.stop_requested(root)
                                       else "no"))
    return lines


def run(args) -> int:
    try:
        root = gitops.find_root()
        state = session.load(root)
    except AutoresearchError as exc:
        if args.brief:
            print(f"autoresearch: {exc}")
            return 0
        raise
    if args.json:
        if state is None:
            print(jsonio.dumps({"active": False}))
            return 0
        counts = state.get("counts", {})
        champion = state.get("champion") or {}
        print(jsonio.dumps({
            "active": bool(state.get("active")), "tag": state["tag"], "branch": state["branch"],
            "metric": state["metric_name"], "direction": state["direction"],
            "best": champion.get("value"), "best_commit": champion.get("commit"),
            "baseline": (state.get("baseline") or {}).get("value"),
            "experiments": state.get("experiments", 0), "keep": counts.get("keep", 0),
            "discard": counts.get("discard", 0), "crash": counts.get("crash", 0),
            "crash_streak": state.get("crash_streak", 0), "editable": state.get("editable"),
            "readonly": state.get("readonly"), "recent": state.get("recent", [])[-args.last:],
            "stop_requested": session.stop_requested(root),
            "interrupted": bool(state.get("pending")),
        }))
        return 0
    if state is None:
        print(NO_SESSION)
        return 0
    for line in brief_lines(root, state, last=args.last):
        print(line)
    return 0
