"""`autoresearch setup [--tag T] [target]`: branch, logs, baseline — or resume a session."""

from __future__ import annotations

import json
import time
from pathlib import Path

from autoresearch_helpers import config as configmod
from autoresearch_helpers import gitops, journal, logs, scope, session
from autoresearch_helpers.errors import AutoresearchError, UsageError
from autoresearch_helpers.measure import measure
from autoresearch_helpers.recovery import recover

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
EXCLUDES = ["results.tsv", "run.log", ".claude/logs/", ".autoresearch/"]


def add_arguments(parser) -> None:
    parser.add_argument("target", nargs="?", help="the file the agent edits (default: detected)")
    parser.add_argument("--tag", help="session tag; the branch is autoresearch/<tag> "
                                      "(default: today as e.g. nov21, made unique)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    configmod.add_override_arguments(parser)


def default_tag(now: float | None = None) -> str:
    """English lowercase month + day (nov21), whatever the locale."""
    t = time.localtime(now)
    return f"{MONTHS[t.tm_mon - 1]}{t.tm_mday}"


def choose_tag(root, wanted: str | None) -> str:
    if wanted is not None:
        name = f"autoresearch/{wanted}"
        valid = gitops.git(root, "check-ref-format", "--branch", name, check=False).strip()
        if not wanted or "/" in wanted or valid != name:
            raise UsageError(f"--tag {wanted!r} cannot be part of a branch name "
                             "(example: --tag nov21-lr)")
        if gitops.ref_exists(root, f"refs/heads/autoresearch/{wanted}"):
            raise UsageError(f"branch autoresearch/{wanted} already exists; choose another "
                             f"--tag, or check it out to resume its session")
        return wanted
    base = default_tag()
    tag, n = base, 1
    while gitops.ref_exists(root, f"refs/heads/autoresearch/{tag}"):
        n += 1
        tag = f"{base}-{n}"
    return tag


def run(args) -> int:
    root = Path(gitops.find_root())
    overrides = configmod.overrides_from_args(args)
    if args.target:
        overrides["target_file"] = args.target
    state = session.load(root)
    if state and state.get("champion"):
        return _resume(root, state, args, overrides)
    if not gitops.has_commits(root):
        raise AutoresearchError("this repository has no commit yet: commit your project "
                                "first (git add -A && git commit -m init)")
    cfg = configmod.load_config(root, overrides)
    if state is None:
        dirty = gitops.dirty_tracked(root)
        if dirty:
            listed = "\n  ".join(dirty[:20]) + ("\n  ..." if len(dirty) > 20 else "")
            raise AutoresearchError(
                f"uncommitted changes to tracked files; commit or stash them first "
                f"(nothing was changed):\n  {listed}")
    with session.Lock(root, "setup"):
        notes = []
        if state is None:
            state = _start(root, cfg, args.tag)
        else:  # an earlier setup stopped before its baseline: take the new config
            notes.append(f"resuming the setup of session {state['tag']} (no baseline yet)")
            _ensure_branch(root, state)
            _apply_config(root, state, cfg)
            session.save(root, state)
        return _baseline(root, state, cfg, args, notes)


def _start(root, cfg, wanted_tag) -> dict:
    tag = choose_tag(root, wanted_tag)
    branch = f"autoresearch/{tag}"
    base = gitops.head(root)
    gitops.add_excludes(root, EXCLUDES)
    gitops.create_branch(root, branch)
    state = {"schema": session.SCHEMA, "active": True, "tag": tag, "branch": branch,
             "root": str(root), "started_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
             "base_commit": base, "champion": None, "baseline": None, "experiments": 0,
             "counts": {"keep": 0, "discard": 0, "crash": 0}, "crash_streak": 0,
             "pending": None, "recent": []}
    _apply_config(root, state, cfg)
    session.clear_stop(root)
    session.save(root, state)
    logs.ensure_tsv(root)
    return state


def _apply_config(root, state: dict, cfg) -> None:
    state.update(config=cfg.to_dict(), editable=list(cfg.editable),
                 readonly=list(cfg.readonly), metric_name=cfg.values["metric_name"],
                 direction=cfg.values["metric_direction"],
                 readonly_prints=scope.fingerprint_files(root, list(cfg.readonly)))


def _ensure_branch(root, state: dict) -> None:
    branch = gitops.current_branch(root)
    if branch == state["branch"]:
        return
    dirty = gitops.dirty_tracked(root)
    if dirty:
        raise AutoresearchError(f"the session's branch is {state['branch']} but HEAD is on "
                                f"{branch}, with uncommitted changes ({', '.join(dirty[:5])}); "
                                f"commit or stash them, then run setup again")
    gitops.checkout(root, state["branch"])


def _baseline(root, state: dict, cfg, args, notes: list[str]) -> int:
    v = cfg.values
    if v.get("setup_command"):
        from autoresearch_helpers import runner

        log = Path(session.state_dir(root)) / "setup.log"
        result = runner.run_command(v["setup_command"], root, log, float(v["time_budget"]))
        if runner.error_code(result):
            raise AutoresearchError(
                f"setup_command failed ({runner.error_code(result)}): {v['setup_command']}\n"
                + runner.tail(log, lines=30))
    commit = gitops.head(root)
    m = measure(root, cfg)
    if m.error:
        raise AutoresearchError(
            f"the baseline run failed ({m.error}): {m.detail}\n--- last lines of {m.log} ---\n"
            + _tail(root, m.log) + "\nFix the project or the configuration, then run "
            "'autoresearch setup' again (the session resumes).")
    state["champion"] = {"commit": commit, "value": m.value, "samples": m.samples, "number": 0}
    state["baseline"] = {"commit": commit, "value": m.value}
    logs.log_event(root, "session_start", {
        "tag": state["tag"], "branch": state["branch"], "metric": state["metric_name"],
        "direction": state["direction"], "base_commit": state["base_commit"],
        "type": cfg.type, "target_file": v["target_file"]}, tag=state["tag"])
    journal.record(root, state, number=0, status="keep", value=m.value, commit=commit,
                   description="baseline", reason="baseline", duration_s=m.duration_s,
                   memory_gb=m.memory_gb, samples=m.samples)
    session.save(root, state)
    _, _, entries = gitops.status_v2(root)
    scope.save_leftover(root, entries)
    if args.json:
        print(json.dumps({"tag": state["tag"], "branch": state["branch"], "baseline": m.value,
                          "commit": journal.short(commit), "config": cfg.to_dict()["values"],
                          "notes": notes}))
        return 0
    for line in notes:
        print(line)
    print(f"session {state['tag']} on branch {state['branch']} ({cfg.type} project)")
    for key in ("target_file", "editable_files", "readonly_files", "run_command", "metric_name",
                "metric_direction", "metric_parse", "time_budget", "verify_command", "repeats",
                "min_delta"):
        value = v.get(key)
        if value in (None, [], ""):
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        print(f"  {key}: {shown}  ({cfg.sources.get(key, 'default')})")
    print(f"baseline: {state['metric_name']} = {m.value:.6g} at {journal.short(commit)} "
          f"({m.duration_s:.1f} s)")
    return 0


def _tail(root, rel: str) -> str:
    from autoresearch_helpers.runner import tail

    return tail(root / rel, lines=30)


def _resume(root, state: dict, args, overrides: dict) -> int:
    if overrides.get("target_file") and overrides["target_file"] not in state["editable"]:
        raise UsageError(f"session {state['tag']} edits {', '.join(state['editable'])}; to work "
                         f"on {overrides['target_file']} start a new session: "
                         f"autoresearch setup --tag <new-tag> {overrides['target_file']}")
    with session.Lock(root, "setup"):
        _ensure_branch(root, state)
        head, _, _ = gitops.status_v2(root)
        notes = recover(root, state, head)
        session.clear_stop(root)
        state["active"] = True
        session.save(root, state)
    if args.json:
        print(json.dumps({"resumed": True, "tag": state["tag"], "branch": state["branch"],
                          "best": state["champion"]["value"], "notes": notes}))
        return 0
    for line in notes:
        print(line)
    from autoresearch_helpers.commands.status import brief_lines

    print(f"resuming session {state['tag']} (configuration as at setup)")
    for line in brief_lines(root, state):
        print(line)
    return 0
