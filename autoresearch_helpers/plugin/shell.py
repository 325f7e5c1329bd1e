"""Bash commands that would read a hidden file: the hook's second line of defence.

The first line is the command file's permission rules (autoresearch.md `allowed-tools`):
the agent may run only the helper (``autoresearch``, the plugin's bin/, or the launcher) and
`git status/diff/log/show`. This check, a token check and not a shell parser, denies a
command (input ``{"command": "..."}``) when one of its simple commands (split at
``; && || | &`` and newlines), other than the helper's:

1. has a word that names a hidden path, or a hidden file's blob id: as written (from the
   working directory, wildcards expanded as the shell would), after ``=`` (``--file=x``),
   after ``:`` (``git show REV:path``, from the repository root; ``REV:./path`` from the
   working directory), or inside a word (``python3 -c "open('evaluate.py')"``);
2. runs a recursive reader (grep, rg, find, tar, cp, ...) over a folder that holds a
   hidden file (without a folder: the working directory);
3. is a git command that prints contents from history — `git show`, `git log -p` (or
   `-S`/`-G`, which search contents), `git diff REV`, `git grep`, ... — with no pathspec
   or with one that holds a hidden file, when the commits it shows change a hidden file
   (`git show`, `git diff`, `git log -p -N`) or git has ever tracked one (the others): such
   a command could print a version of it. Name the files instead:
   ``git show HEAD -- train.py``.

Standard library only.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import subprocess

from autoresearch_helpers.engine.scope import Scope
from autoresearch_helpers.plugin.reading import absolute, hidden_as, relative, why_hidden

OPERATORS = re.compile(r"^[;&|()<>]+$")
RECURSIVE = {"grep", "egrep", "fgrep", "rg", "ag", "ack", "find", "tar", "zip", "cp", "rsync",
             "scp", "du", "xargs"}
IMPLICIT_CWD = {"rg", "ag", "ack", "find"}  # search the working directory without a folder
HISTORY = {"show", "log", "diff", "grep", "whatchanged", "format-patch", "archive",
           "cat-file", "bundle", "blame", "annotate", "diff-tree", "rev-list"}
NO_PATCH = {"-s", "--no-patch", "--stat", "--shortstat", "--numstat", "--name-only",
            "--name-status", "--summary", "--dirstat", "--oneline"}
CONTENT_LOG = re.compile(r"^(-p|-u|--patch|-U\d*|--unified.*|--cc|-c|-m|--word-diff.*|"
                         r"--color-words.*|-S.*|-G.*|--pickaxe.*|--full-diff|--raw)$")
HEX = re.compile(r"^[0-9a-f]{4,64}$")


def words(command: str) -> list[list[str]]:
    """The simple commands of ``command``, each a list of words (quotes removed)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split, lexer.commenters = True, ""
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: the plain words
        tokens = command.split()
    out: list[list[str]] = [[]]
    for token in tokens:
        if OPERATORS.match(token) and token not in ("<", ">", ">>", "<<"):
            out.append([])
        else:
            out[-1].append(token)
    return [[w for w in c if w] for c in out if c]


def decide(command: str, root: str, scope: Scope, cwd: str) -> str | None:
    """The reason to deny the Bash ``command``, or None."""
    for simple in words(command):
        while simple and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", simple[0]):
            simple = simple[1:]  # VAR=value before the program
        if not simple or os.path.basename(simple[0]) == "autoresearch" or any(
                w.endswith("plugin/launch.py") for w in simple[:2]):
            continue  # the helper (bin/autoresearch, the launcher): it reads what it needs
        if simple[0] in ("cd", "pushd") and len(simple) == 2:
            cwd = absolute(simple[1], cwd)  # where the next commands run
        reason = _names_hidden(simple, root, scope, cwd)
        if reason is None and os.path.basename(simple[0]) == "git":
            reason = _git_history(simple, root, scope, cwd)
        elif reason is None and os.path.basename(simple[0]) in RECURSIVE:
            reason = _recursive(simple, root, scope, cwd)
        if reason:
            return reason
    return None


def _names_hidden(simple: list[str], root: str, scope: Scope, cwd: str) -> str | None:
    blobs = None
    for word in simple:
        for full in _candidates(word, root, cwd):
            rel = hidden_as(full, root, scope)
            if rel:
                return why_hidden(f"{rel} is")
        for rel in _mentioned(word, root, scope, cwd):
            return why_hidden(f"{rel} is")
        if HEX.match(word) and os.path.basename(simple[0]) == "git":
            blobs = _hidden_blobs(root, scope) if blobs is None else blobs
            if any(b.startswith(word) for b in blobs):
                return why_hidden(f"{word} is a version of a hidden file, which is")
    return None


def _candidates(word: str, root: str, cwd: str) -> list[str]:
    """The absolute paths ``word`` may name (wildcards expanded like the shell)."""
    out = []
    for part in {word, word.partition("=")[2]} - {""}:
        out += glob.glob(absolute(part, cwd))[:1000] if glob.has_magic(part) else []
        out.append(absolute(part, cwd))
    rev, colon, path = word.partition(":")
    if colon and path:  # REV:path (git): from the root, unless ./ or ../
        out.append(absolute(path, cwd if path.startswith(("./", "../")) else root))
    return out


def _mentioned(word: str, root: str, scope: Scope, cwd: str) -> list[str]:
    """Hidden paths written inside ``word`` (code or a quoted string), as a whole name."""
    out = []
    for rel in scope.hidden_below(""):
        name = rel.rstrip("/")
        for form in {name, os.path.relpath(os.path.join(root, name), cwd)}:
            if re.search(r"(?<![\w./-])" + re.escape(form) + r"(?![\w-]|\.\w)", word):
                out.append(rel)
    return out


def _recursive(simple: list[str], root: str, scope: Scope, cwd: str) -> str | None:
    folders = [w for w in simple[1:] if not w.startswith("-")
               and os.path.isdir(absolute(w, cwd))]
    if not folders and os.path.basename(simple[0]) in IMPLICIT_CWD | {"grep"} and (
            os.path.basename(simple[0]) != "grep" or any(
                w in ("-r", "-R", "--recursive") or re.match(r"^-\w*[rR]", w)
                for w in simple[1:])):
        folders = ["."]
    for folder in folders:
        rel = relative(os.path.realpath(absolute(folder, cwd)), root)
        if rel is not None and scope.hidden_below(rel):
            return why_hidden(f"{rel + '/' if rel else 'the repository'} holds hidden "
                              "files, which are") \
                + " Name the files or a folder without hidden files."
    return None


def _git_history(simple: list[str], root: str, scope: Scope, cwd: str) -> str | None:
    args = simple[1:]
    while args and args[0].startswith("-"):  # git -C dir, -c k=v, --no-pager ...
        args = args[2:] if args[0] in ("-C", "-c") else args[1:]
    if not args or args[0] not in HISTORY:
        return None
    sub, rest = args[0], args[1:]
    if sub == "log" and not any(CONTENT_LOG.match(w) for w in rest):
        return None
    if sub == "show" and any(w in NO_PATCH for w in rest) and not any(
            w in ("-p", "--patch", "-u") for w in rest):
        return None
    dash = rest.index("--") if "--" in rest else None
    count, taken = _max_count(rest[:dash])
    plain = [w for i, w in enumerate(rest[:dash])
             if not w.startswith("-") and i not in taken]
    specs = rest[dash + 1:] if dash is not None else [
        w for w in plain if os.path.lexists(absolute(w, cwd))]
    if sub == "diff" and dash is None and len(specs) == len(plain):
        return None  # the working tree against the index or HEAD: hidden files are unchanged
    rels = [relative(absolute(s, cwd), root) for s in specs]
    if specs and not any(r is not None and scope.hidden_below(r) for r in rels):
        return None
    hidden = [p.rstrip("/") for p in scope.hidden_below("")]
    revs = [w for w in plain if w not in specs]
    if sub in ("show", "diff") and not _touched(root, sub, revs or ["HEAD"], hidden):
        return None  # e.g. `git show` of an experiment: it changed no hidden file
    if sub == "log" and count is not None and not _touched(
            root, sub, revs or ["HEAD"], hidden, count, scope):
        return None  # `git log -p -3` of experiments
    if not _git(root, "log", "--all", "--format=%H", "-1", "--", *hidden):
        return None  # git never tracked a hidden file
    return why_hidden("git history holds versions of hidden files, which are") + (
        f" This `git {sub}` could print them: name the files you want, e.g. "
        f"`git {sub} HEAD -- <editable file>`.")


def _max_count(args: list[str]) -> tuple[int | None, set[int]]:
    """`git log`'s -N, -n N, -nN, --max-count=N: (N or None, the indexes of words taken)."""
    for i, w in enumerate(args):
        found = re.match(r"^(?:-(\d+)|-n(\d+)|--max-count=(\d+))$", w)
        if found:
            return int(next(g for g in found.groups() if g)), {i}
        if w in ("-n", "--max-count") and i + 1 < len(args) and args[i + 1].isdigit():
            return int(args[i + 1]), {i, i + 1}
    return None, set()


def _touched(root: str, sub: str, revs: list[str], hidden: list[str], count: int = 0,
             scope: Scope | None = None) -> bool:
    """Whether `git show REVS`, `git diff REVS` or `git log -COUNT REVS` would show a change
    of a hidden file (also when git cannot tell: a bad revision)."""
    if sub == "log":
        out = _git(root, "log", "--format=", "--name-only", "-m", f"--max-count={count}",
                   "--end-of-options", *revs, "--", default=None)
        return out is None or any(scope.is_hidden(p) for p in out.splitlines() if p)
    if sub == "show":
        args = ["diff-tree", "-r", "--root", "-m", "--name-only", "--no-commit-id",
                "--end-of-options", *revs]
    else:
        args = ["diff", "--name-only", "--no-ext-diff", "--end-of-options", *revs]
    out = _git(root, *args, "--", *hidden, default=None)
    return out is None or bool(out.strip())


def _hidden_blobs(root: str, scope: Scope) -> list[str]:
    hidden = [p.rstrip("/") for p in scope.hidden_below("")]
    out = _git(root, "log", "--all", "--format=", "--raw", "--no-abbrev", "--", *hidden)
    return [w for line in out.splitlines() for w in line.split()[2:4] if HEX.match(w)]


def _git(root: str, *args: str, default: str | None = "") -> str | None:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    proc = subprocess.run(["git", "-C", root, "-c", "core.fsmonitor=false", *args],
                          capture_output=True, text=True, env=env, timeout=5)
    return proc.stdout if proc.returncode == 0 else default
