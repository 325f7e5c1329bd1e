"""`autoresearch finalize [--per-experiment] [--branch NAME] [--json]`.

Collect the kept changes of the session (the diff base_commit..champion) on a NEW branch
that starts at the session's base commit: one clean commit, or with --per-experiment one
commit per commit of the session branch's kept history. Only git plumbing is used
(``commit-tree`` on the trees already recorded, ``update-ref`` that refuses an existing
branch), so no checkout happens: the user's branch, index and working tree stay exactly as
they were, no other branch moves, nothing is pushed. A markdown summary for the pull
request is printed and saved to ``.autoresearch/finalize-<tag>.md``.

The champion's worktree (a noisy metric's cache, engine/champion.py) is removed unless a
run holds the session lock; the session stays resumable: the next run makes it again.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.engine import git
from autoresearch_helpers.engine.champion import remove_unless_busy
from autoresearch_helpers.errors import AutoresearchError, FileError, UsageError
from autoresearch_helpers.reports import finalize_text
from autoresearch_helpers.reports.finalize_text import Kept
from autoresearch_helpers.reports.summarise import EVERY, load_summary
from autoresearch_helpers.store import session
from autoresearch_helpers.store.session import State
from autoresearch_helpers.vocab import KEEP, LOWER, fmt_count, fmt_value, inert, short, typed


def add_arguments(parser) -> None:
    parser.add_argument("--per-experiment", action="store_true",
                        help="one commit per kept experiment instead of one squashed commit")
    parser.add_argument("--branch", metavar="NAME",
                        help="the new branch (default: autoresearch/<tag>-final, made unique)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def load_state(root) -> State:
    state = session.load(root)
    if state is None:
        raise AutoresearchError(
            f"no session in {root}: {paths.STATE_DIR}/session.json does not exist; finalize "
            f"collects the kept experiments of a session started by '{typed('setup')}'")
    if state.champion is None:
        raise AutoresearchError(f"{session.session_file(root)}: the session state has no "
                                "champion; it was not written by a finished setup")
    return state


def chain(root, base: str, champion: str) -> list[dict]:
    """The commits base..champion on the first-parent line, oldest first."""
    for name, sha in (("base_commit", base), ("champion", champion)):
        if not git.succeeds(root, "cat-file", "-e", f"{sha}^{{commit}}"):
            raise AutoresearchError(f"the session's {name} {sha[:12]} is not in this "
                                    "repository any more; nothing to finalize from")
    if not git.succeeds(root, "merge-base", "--is-ancestor", base, champion):
        raise AutoresearchError(f"the champion {champion[:12]} does not descend from the "
                                f"session's base {base[:12]}; the session branch was rewritten")
    out = git.git(root, "log", "--first-parent", "--reverse",
                     "--format=%H%x00%T%x00%an%x00%ae%x00%aI%x00%B%x1e", f"{base}..{champion}")
    commits = []
    for entry in out.split("\x1e"):
        fields = entry.lstrip("\n").split("\x00")
        if len(fields) == 6:
            sha, tree, name, email, date, message = fields
            commits.append({"sha": sha, "tree": tree, "name": name, "email": email,
                            "date": date, "message": message})
    return commits


def branch_name(root, requested: str | None, default: str) -> str:
    """The new branch: ``requested`` (which must be free) or ``default`` made unique."""
    name = requested or default
    if not git.succeeds(root, "check-ref-format", "--branch", name):
        raise UsageError(f"--branch {name!r} is not a valid branch name "
                         "(example: --branch autoresearch/mar17-final)")
    if requested:
        if git.ref_exists(root, f"refs/heads/{name}"):
            raise AutoresearchError(f"branch {name} already exists; finalize never moves an "
                                    "existing branch: choose another name with --branch")
        return name
    n = 2
    while git.ref_exists(root, f"refs/heads/{name}"):
        name, n = f"{default}-{n}", n + 1
    return name


def disagreement(state: State, found) -> str | None:
    """Why the logs' champion (reports/summary.py: the last keep) is not session.json's,
    or None when they agree (or the logs name none)."""
    best = found.best if found is not None else None
    if not best or state.champion.commit.startswith(best["commit"] or "-"):
        return None
    return (f"the logs name {best['commit']} ({fmt_value(best['value'])}) as the session's "
            f"best, session.json names {short(state.champion.commit)} "
            f"({fmt_value(state.champion.value)}): finalize collects the latter, which the "
            "branch holds")


def summary_info(root, state: State) -> tuple[dict, list, str | None]:
    """The session's numbers and its kept experiments, from the logs (or session.json),
    and what is wrong when the logs' best is not session.json's champion."""
    tag = state.tag
    try:
        found = load_summary(root, last=EVERY, tag=tag)
    except FileError:
        raise  # a log that cannot be read is not a log that is not there
    except AutoresearchError:  # no logs: session.json's numbers
        found = None
    base_value = state.baseline.value if state.baseline else None
    if base_value is None and found is not None:
        base_value = (found.baseline or {}).get("value")
    problem, best = disagreement(state, found), found.best if found is not None else None
    info = {"tag": tag, "branch": state.branch or f"autoresearch/{tag}",
            "metric": state.metric_name or (found.metric if found else "metric"),
            "direction": state.direction or (found.direction if found else LOWER),
            "baseline": base_value,
            "best": state.champion.value if problem or not best else best["value"],
            "experiments": found.experiments if found else state.experiments,
            "discard": found.discard if found else state.counts.get("discard", 0),
            "crash": found.crash if found else state.counts.get("crash", 0)}
    kept = [e for e in (found.recent if found else []) if e.status == KEEP and e.number > 0]
    return info, kept, problem


def match_kept(commits: list[dict], records: list) -> list:
    """One Kept per commit of the chain: the logged experiment of that commit, if any."""
    out = []
    for c in commits:
        rec = next((r for r in records if len(r.commit) >= 4 and c["sha"].startswith(r.commit)),
                   None)
        if rec is not None:
            out.append(Kept(rec.number, c["sha"], rec.description, rec.value, rec.delta))
        else:
            subject = c["message"].strip().splitlines()[0] if c["message"].strip() else c["sha"]
            out.append(Kept(None, c["sha"], re.sub(r"^experiment: ", "", subject)))
    return out


def commit_tree(root, tree: str, parent: str, message: str, author: dict | None = None) -> str:
    env = dict(os.environ)
    if author:
        env.update(GIT_AUTHOR_NAME=author["name"], GIT_AUTHOR_EMAIL=author["email"],
                   GIT_AUTHOR_DATE=author["date"])
    return git.git(root, "commit-tree", tree, "-p", parent, "-F", "-", env=env,
                      input=message.encode("utf-8")).strip()


def build(root, state: State, commits: list[dict], kept: list, info: dict,
          per_experiment: bool, branch: str) -> list[str]:
    """Write the new commits and create ``branch`` on the last; return the new shas."""
    parent, made = state.base_commit, []
    if per_experiment:
        for c, k in zip(commits, kept):
            msg = finalize_text.experiment_message(c["message"],
                                                   k if k.number is not None else None, info)
            parent = commit_tree(root, c["tree"], parent, msg, author=c)
            made.append(parent)
    else:
        tree = commits[-1]["tree"]
        made.append(commit_tree(root, tree, parent, finalize_text.squash_message(info, kept)))
    # An empty old value makes update-ref refuse a branch that appeared meanwhile.
    git.git(root, "update-ref", "-m", "autoresearch finalize", f"refs/heads/{branch}",
               made[-1], "")
    return made


def run(args) -> int:
    root = Path(paths.find_root())
    state = load_state(root)
    base, champion = state.base_commit, state.champion.commit
    commits = chain(root, base, champion)
    if not commits:
        raise AutoresearchError(f"nothing to finalize: session {state.tag} kept no "
                                f"experiment (the champion is still the baseline at "
                                f"{base[:7]}); run more experiments first")
    info, records, problem = summary_info(root, state)
    if problem:
        print(inert(f"autoresearch finalize: warning: {problem}"), file=sys.stderr)
    kept = match_kept(commits, records)
    listed = [k for k in kept if k.number is not None] or kept
    default = f"{info['branch']}-final"
    branch = branch_name(root, args.branch, default)
    made = build(root, state, commits, kept, info, args.per_experiment, branch)
    files = [f for f in git.git(root, "diff", "--name-only", base, champion).splitlines() if f]
    result = {"branch": branch, "base_commit": base, "commits": made,
              "mode": "per-experiment" if args.per_experiment else "squash",
              "files": files, "shortstat": git.git(root, "diff", "--shortstat", base, champion)}
    text = finalize_text.markdown(info, listed, result)
    tag_file = re.sub(r"[^A-Za-z0-9._-]", "-", state.tag)
    path = Path(paths.state_dir(root)) / f"finalize-{tag_file}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    rel = path.relative_to(root)
    problem = remove_unless_busy(root, "finalize")
    if problem:
        print(inert(f"autoresearch finalize: warning: {problem}"), file=sys.stderr)
    if args.json:
        print(json.dumps({**result, "champion": champion, "tag": info["tag"],
                          "metric": info["metric"], "direction": info["direction"],
                          "baseline": info["baseline"], "best": info["best"],
                          "kept": [k.__dict__ for k in listed], "summary_path": str(rel),
                          "markdown": text}, ensure_ascii=False, allow_nan=False))
        return 0
    print(inert(f"created branch {branch} at {made[-1][:7]} ({fmt_count(len(made), 'commit')} "
                f"on {base[:7]}); your working tree is unchanged"))
    print(inert(f"summary saved to {rel}"))
    print()
    print(text, end="")
    return 0
