"""Session state under ``.autoresearch/``: the state itself, the lock and the stop request.

Files (none is ever committed; setup lists the folder in .git/info/exclude):

    .autoresearch/session.json   the State below, replaced atomically
    .autoresearch/lock           flock'ed by the process running setup/run (store/lock.py)
    .autoresearch/stop           present when a graceful stop was requested
    .autoresearch/rejected/<n>/  saved changes of out-of-scope experiments

Standard library only: the edit hook reads the state too.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from datetime import datetime

from autoresearch_helpers import __version__, faults, paths
from autoresearch_helpers.errors import AutoresearchError, FileError
from autoresearch_helpers.store import check
from autoresearch_helpers.vocab import HIGHER, LOWER, typed

SCHEMA = 1
RECENT = 20  # experiments kept in the state for `status`


@dataclass
class Point:
    """A measured commit: the champion (the best so far) or the baseline."""

    commit: str
    value: float
    samples: list[float] = field(default_factory=list)  # its latest runs (noisy metric)
    number: int = 0  # the experiment that measured it; 0 is the baseline
    holdout: float | None = None  # its held-out value (holdout_command), when measured


@dataclass
class Pending:
    """The experiment under way, written before it runs so that recovery can finish it."""

    number: int
    commit: str | None = None  # its commit, once made
    description: str = ""
    pgid: int | None = None  # the process group of its run, once started
    marker: str | None = None  # AUTORESEARCH_RUN in its processes' environment
    outcome: dict | None = None  # the decided Result, written before any log line
    logs: dict | None = None  # the logs' sizes in bytes just before its lines were written
    started_at: str = ""  # when it began: local time with its UTC offset, ISO 8601
    pid: int | None = None  # the helper running it, which holds the lock (store/lock.py)

    @classmethod
    def begin(cls, number: int, commit: str | None, description: str, **more) -> "Pending":
        """The experiment this process starts now."""
        started = datetime.now().astimezone().isoformat(timespec="milliseconds")
        return cls(number, commit, description, started_at=started, pid=os.getpid(), **more)


@dataclass
class State:
    """session.json, schema 1. One JSON object with exactly these keys."""

    tag: str  # the session's name; its branch is autoresearch/<tag>
    branch: str
    root: str  # the repository's absolute path at setup
    base_commit: str  # where the branch started
    config: dict  # the validated configuration, frozen at setup (config.Config.to_dict)
    editable: list[str]  # repository-relative: target_file + editable_files ("dir/" for a folder)
    readonly: list[str]
    metric_name: str
    direction: str  # lower_is_better | higher_is_better
    started_at: str = ""  # local time, ISO 8601
    readonly_prints: dict[str, list] = field(default_factory=dict)  # path -> [size, mtime, sha256]
    champion: Point | None = None  # None until the baseline is measured
    baseline: Point | None = None
    experiments: int = 0  # the number of the last experiment logged
    counts: dict[str, int] = field(default_factory=lambda: {"keep": 0, "discard": 0, "crash": 0})
    crash_streak: int = 0
    pending: Pending | None = None
    recent: list[dict] = field(default_factory=list)  # the last RECENT results, for status
    log_sizes: dict = field(default_factory=dict)  # {"tsv": bytes, "jsonl": bytes} once logged
    git_prints: dict = field(default_factory=dict)  # .git config and hooks (engine/gitguard)
    untracked_at_setup: list[str] = field(default_factory=list)  # the user's untracked files
    decision: dict = field(default_factory=dict)  # engine/sequential.Settings from calibration
    resumed_at: int = 0  # experiments at the last setup or resume (store/sessions.fresh)
    holdout_tolerance: float = 0.0  # in the held-out metric's units, resolved at setup
    hidden: list[str] = field(default_factory=list)  # hidden_files: the agent may not read them
    active: bool = True
    schema: int = SCHEMA

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict, where: str = "session.json") -> "State":
        """The state saved by :meth:`to_json`; AutoresearchError naming what is wrong.

        The fields' annotations are the types (store/check.py), RULES what they cannot say.
        """
        schema = data.get("schema", SCHEMA)
        if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
            raise AutoresearchError(
                f"{where}: the session state has schema {schema}, written by a newer "
                f"autoresearch; this one ({__version__}) reads schema {SCHEMA}: upgrade "
                f"autoresearch, or move the file away and run '{typed('setup')}' to start again")
        wrong = check.problem(cls, data, RULES)
        if wrong:
            raise damaged(where, f"is damaged: {wrong}")
        return check.build(cls, data)

    def record(self, number: int, status: str, entry: dict) -> None:
        """Count one logged result (``entry`` is its line for `status`)."""
        if number > 0:
            self.experiments = number
            self.counts[status] = self.counts.get(status, 0) + 1
            self.crash_streak = self.crash_streak + 1 if status == "crash" else 0
        self.recent.append(entry)
        del self.recent[:-RECENT]


# What the annotations above cannot say (store/check.py): the values a field may take (a
# tuple), or the keys each object in it must have, with their types (a dict).
RULES = {
    "direction": (LOWER, HIGHER),
    "config": {"values": dict},  # config.Config.to_dict()
    "recent": {"n": int, "status": str, "description": str},  # for `status`
}


def damaged(path, problem: str) -> AutoresearchError:
    return AutoresearchError(f"{path}: the session state {problem}; move it away and run "
                             f"'{typed('setup')}' to start again")


def session_file(root) -> str:
    return os.path.join(paths.state_dir(root), "session.json")


def load(root) -> State | None:
    """The session state, or None when there is no session in this repository."""
    return load_file(session_file(root))


def load_file(path) -> State | None:
    """The session state in ``path`` (the current one, or a parked one), None if missing."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FileError(path, exc, "read the session state") from None
    if not raw.strip():
        raise damaged(path, "is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise damaged(path, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                            f"{exc.start})") from None
    except ValueError as exc:
        raise damaged(path, f"is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise damaged(path, f"is not a JSON object but {check.describe(data)}")
    return State.from_json(data, path)


def save(root, state: State) -> None:
    """Replace session.json atomically (write a temporary file, rename over the old one).

    A reader or a killed writer never sees half a file; a failed write (disk full, ...)
    leaves the old file as it was. No fsync: the guarantee is against a killed process,
    not a power cut.
    """
    save_file(session_file(root), state)


def save_file(path, state: State) -> None:
    """:func:`save` to ``path``."""
    folder = os.path.dirname(path)
    tmp = os.path.join(folder, f".session.{os.getpid()}.tmp")
    faults.reach("session-before")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(state.to_json(), fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise FileError(path, exc, "write the session state") from None
    faults.reach("session-after")


# --- stop requests ------------------------------------------------------------------------

def stop_file(root) -> str:
    return os.path.join(paths.state_dir(root), "stop")


def request_stop(root, reason: str = "") -> None:
    os.makedirs(paths.state_dir(root), exist_ok=True)
    with open(stop_file(root), "w", encoding="utf-8") as fh:
        fh.write(reason + "\n")


def stop_requested(root) -> bool:
    return os.path.exists(stop_file(root))


def clear_stop(root) -> None:
    try:
        os.unlink(stop_file(root))
    except FileNotFoundError:
        pass
