"""`autoresearch setup [--tag T] [target]`: branch, logs, baseline — or resume a session."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.config.load import (
    Config, add_override_arguments, load_config, overrides_from_args)
from autoresearch_helpers.engine import (
    baseline, calibrate, champion, deps, git, gitguard, holdout, process, scope, switch)
from autoresearch_helpers.engine.measure import Plan
from autoresearch_helpers.engine.recovery import recover
from autoresearch_helpers.engine.runlog import tail
from autoresearch_helpers.errors import AutoresearchError, UsageError
from autoresearch_helpers.reports import briefing
from autoresearch_helpers.reports.status_text import brief_lines
from autoresearch_helpers.store import journal, lock, logs, session, sessions
from autoresearch_helpers.store.session import Point, State
from autoresearch_helpers.vocab import KEEP, fmt_count, fmt_value, inert, short, typed


def add_arguments(parser) -> None:
    parser.add_argument("target", nargs="?", help="the file the agent edits (default: detected)")
    parser.add_argument("--tag", help="session tag; the branch is autoresearch/<tag> "
                                      "(default: today as e.g. nov21, made unique)")
    parser.add_argument("--from", dest="from_ref", metavar="REF",
                        help="a new session's starting commit or branch (default: the "
                             "current session's base, else HEAD)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--calibrate", nargs="?", type=_runs, const=calibrate.CALIBRATION_RUNS,
                        metavar="N", help="measure the baseline's noise over N runs (default "
                        f"{calibrate.CALIBRATION_RUNS}) even when its first two runs agree")
    add_override_arguments(parser)


def _runs(text: str) -> int:
    if not text.isdigit() or not 3 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of calibration runs, "
                                         "3 to 1000 (example: --calibrate 20)")
    return int(text)


def run(args) -> int:
    root = Path(paths.find_root())
    overrides = overrides_from_args(args)
    if args.target:
        overrides["target_file"] = args.target
    state = session.load(root)
    logs.check_appendable(root)  # before the branch, and not after the baseline's run
    target = overrides.get("target_file")
    same = state is not None and args.tag in (None, state.tag) and not (
        target and target not in state.editable)
    if same and args.from_ref:
        raise UsageError(f"--from starts a new session; session {state.tag} already exists "
                         f"(a new one: {typed('setup --tag <new-tag> --from ' + args.from_ref)})")
    notes: list[str] = []
    if not same and args.tag and sessions.load_parked(root, args.tag) is not None:
        with lock.Lock(root, "setup"):
            notes = switch.bring_back(root, args.tag, state, target)
        state, same = session.load(root), True
    if same and state.champion is not None:
        _refuse_new_settings(state, args)
        return _resume(root, state, args, notes)
    if not git.has_commits(root):
        raise AutoresearchError("this repository has no commit yet: commit your project "
                                "first (git add -A && git commit -m init)")
    if state is not None and not same and args.tag == state.tag:
        raise switch.other_target(state, target)
    cfg = load_config(root, overrides)
    switch.refuse_dirty(root)
    if state is None or not same:
        _refuse_tracked_own_files(root)
        tag = switch.choose_tag(root, args.tag)
        base = switch.start_point(root, args.from_ref, state)
    with lock.Lock(root, "setup"):
        if state is not None and not same:
            notes += switch.park(root, state)
            state = None
        if state is None:
            notes += filter(None, [champion.remove(root)])  # an older session's worktree
            state = _start(root, cfg, tag, base)
        else:  # an earlier setup stopped before its baseline: take the new config
            notes.append(f"resuming the setup of session {state.tag} (no baseline yet)")
            _ensure_branch(root, state)
            state.base_commit = git.head(root)  # no experiment yet: the fixes are the base
            state.active = True
            _apply_config(root, state, cfg)
            session.save(root, state)
        return _baseline(root, state, cfg, args, notes)


def _refuse_new_settings(state: State, args) -> None:
    """A session keeps the configuration it was set up with: --set or --calibrate on a
    resume would be ignored, so they are refused."""
    if args.overrides or args.calibrate:
        given = "--set" if args.overrides else "--calibrate"
        raise UsageError(f"{given} applies when a session is set up; session {state.tag} keeps "
                         f"its configuration as at setup (a new session with it: "
                         f"{typed('setup --tag <new-tag> ' + given + ' ...')})")


def _refuse_tracked_own_files(root) -> None:
    """The loop writes results.tsv, run.log and its state on every experiment; a reset
    would rewind them if git tracked them, so such a repository is refused."""
    tracked = git.git(root, "ls-files", "-z", "--", *paths.OWN_FILES).split("\0")
    tracked = [p for p in tracked if p]
    if tracked:
        raise AutoresearchError(
            "git tracks files the loop writes on every experiment: " + ", ".join(tracked[:5])
            + "; a reset would rewind them. Untrack them first (nothing was changed): "
            "git rm --cached -r -- " + " ".join(tracked[:5]) + " && git commit")


def _start(root, cfg: Config, tag: str, base: str) -> State:
    branch = f"autoresearch/{tag}"
    git.add_excludes(root, list(paths.OWN_FILES))
    git.create_branch(root, branch, base)
    state = State(tag=tag, branch=branch, root=str(root), base_commit=base, config={},
                  editable=[], readonly=[], metric_name="", direction="",
                  started_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                  git_prints=gitguard.save(root),
                  untracked_at_setup=[p for code, p, _ in git.status(root)[2] if code == "??"])
    _apply_config(root, state, cfg)
    session.clear_stop(root)
    session.save(root, state)
    logs.ensure_tsv(root)
    return state


def _apply_config(root, state: State, cfg: Config) -> None:
    state.config = cfg.to_dict()
    state.editable, state.readonly = list(cfg.editable), list(cfg.readonly)
    state.hidden = list(cfg.hidden)  # read-only too: fingerprinted with them
    state.metric_name, state.direction = cfg["metric_name"], cfg["metric_direction"]
    state.readonly_prints = scope.fingerprint_files(root, [*cfg.readonly, *cfg.hidden])


def _ensure_branch(root, state: State) -> None:
    branch = git.current_branch(root)
    if branch == state.branch:
        return
    dirty = git.dirty_tracked(root)
    if dirty:
        raise AutoresearchError(f"the session's branch is {state.branch} but HEAD is on "
                                f"{branch}, with uncommitted changes ({', '.join(dirty[:5])}); "
                                f"commit or stash them, then run setup again")
    git.checkout(root, state.branch)


def _run_setup_command(root, cfg: Config) -> None:
    command = cfg["setup_command"]
    log = os.path.join(paths.state_dir(root), "setup.log")
    result = process.run_command(command, root, log, float(cfg["time_budget"]))
    code = process.error_code(result)
    if code:
        raise AutoresearchError(f"setup_command failed ({code}): {command}\n"
                                + tail(log, lines=30))


def _baseline(root, state: State, cfg: Config, args, notes: list[str]) -> int:
    if cfg["setup_command"]:
        _run_setup_command(root, cfg)
    commit = git.head(root)
    m = baseline.measure_baseline(root, Plan.from_config(state.config), args.calibrate)
    if m.error:
        raise baseline.failure(root, m, cfg.sources)
    settings = calibrate.adopt(state.config["values"], m.samples)
    held = holdout.at_baseline(root, state, settings.noise)
    state.decision = dataclasses.asdict(settings)
    state.champion = Point(commit, m.value, list(m.samples), 0, holdout=held)
    state.baseline = Point(commit, m.value, holdout=held)
    logs.log_event(root, "session_start", {
        "tag": state.tag, "branch": state.branch, "metric": state.metric_name,
        "direction": state.direction, "base_commit": state.base_commit,
        "type": cfg.type, "target_file": cfg["target_file"]}, tag=state.tag)
    journal.record(root, state, journal.Result(
        number=0, status=KEEP, description="baseline", value=m.value, commit=commit,
        reason="baseline", duration_s=m.duration_s, memory_gb=m.memory_gb,
        samples=list(m.samples), sizes=m.sizes, holdout=held))
    session.save(root, state)
    scope.save_leftover(root, git.status(root)[2])
    deps.save(root)  # the installed dependencies as the baseline ran with them
    if args.json:
        print(json.dumps({"tag": state.tag, "branch": state.branch, "baseline": m.value,
                          "commit": short(commit), "config": cfg.to_dict()["values"],
                          "samples": m.samples, "decision": state.decision, "holdout": held,
                          "metric_source": briefing.metric_source(state.config),
                          "notes": notes}))
        return 0
    lines = [*notes, f"session {state.tag} on branch {state.branch} ({cfg.type} project)",
             *briefing.config_lines(state.config),
             f"baseline: {state.metric_name} = {fmt_value(m.value)} at {short(commit)} "
             f"({fmt_count(len(m.samples), 'run')}, {m.duration_s:.1f} s)"]
    if held is not None:
        lines.append(f"held-out check: {holdout.metric(cfg.values)} = {fmt_value(held)} at the "
                     f"baseline (a keep may be worse by {fmt_value(state.holdout_tolerance)})")
    lines += [*calibrate.report(state.metric_name, m.samples, settings),
              *briefing.instructions_lines(root, state.config, full=True)]
    print("\n".join(inert(line) for line in lines))  # names and commands: the user's text
    return 0


def _resume(root, state: State, args, notes: list[str] | None = None) -> int:
    with lock.Lock(root, "setup"):
        _ensure_branch(root, state)
        notes = (notes or []) + recover(root, state, git.head(root))
        kept = scope.keep_users_files(root, git.status(root)[2], state.editable, state.readonly)
        if kept:
            notes.append(f"untracked files outside the editable ones are taken as yours and "
                         f"left alone: {', '.join(kept[:5])}" + (" ..." if len(kept) > 5 else ""))
        deps.resume(root)  # changed while stopped: the user's
        session.clear_stop(root)
        state.active, state.resumed_at = True, state.experiments
        if not state.git_prints:  # a session from before .git was watched
            state.git_prints = gitguard.save(root)
        session.save(root, state)
    if args.json:
        print(json.dumps({"resumed": True, "tag": state.tag, "branch": state.branch,
                          "best": state.champion.value, "notes": notes}))
        return 0
    for line in notes:
        print(inert(line))
    print(inert(f"resuming session {state.tag} (configuration as at setup)"))
    for line in brief_lines(root, state):
        print(line)
    return 0
