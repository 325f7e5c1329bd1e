"""A damaged .autoresearch/session.json is one clear message from every verb that reads it.

Each case damages the session.json of a real session (set up by `autoresearch setup`), then
runs every verb that reads the state: each exits 1 with one line on stderr that names the
file, says what is wrong and what to do, and nothing changes (session.json, the logs, git).
The edit hook lets the edit through with that line on stderr: it never blocks an edit
because of a file it cannot read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autoresearch_helpers import __version__
from engine_project import edit
from faults import (STATE, one_error_line, permissions_apply, run_hook, run_verb, run_verbs,
                    snapshot)

# Every verb that reads session.json (the read-only ones read its metric direction).
VERBS = [("status",), ("status", "--json"), ("run", "-d", "an idea"), ("setup",), ("stop",),
         ("results",), ("dashboard", "--once"), ("report", "--html", "out.html"),
         ("finalize",)]


def _replace(**fields):
    def change(doc: dict) -> dict:
        doc.update(fields)
        return doc
    return change


def _drop_config_values(doc: dict) -> dict:
    del doc["config"]["values"]
    return doc


# case id -> (new content: bytes, or a change of the real document; what the message says).
# Every verb meets each way session.json can fail to load; each field case (the same load,
# then State.from_json's check) meets status, run and the hook.
CASES = {
    "not-utf8": (b'\xff\xfe{"tag": "t1"}\n', "is not UTF-8 text (byte 0xff at offset 0)"),
    "empty": (b"", "is empty"),
    "torn": (b'{"tag": "t1", "bra', "is not valid JSON"),
    "empty-object": (b"{}", "has no tag, branch, root, base_commit, config, editable"),
    "list": (b"[]", "is not a JSON object but a list"),
    "null": (b"null", "is not a JSON object but null"),
    "experiments": (_replace(experiments="three"),
                    'experiments is a string ("three"), not an integer'),
    "newer-schema": (_replace(schema=2), "has schema 2, written by a newer autoresearch"),
}
FIELD_CASES = {
    "champion-number": (_replace(champion=5), "champion is an integer (5), not an object"),
    "champion-commit": (_replace(champion={"commit": 3, "value": 1.0}),
                        "champion.commit is an integer (3), not a string"),
    "editable": (_replace(editable="a.py"), 'editable is a string ("a.py"), not a list'),
    "editable-item": (_replace(editable=[1]), "editable[0] is an integer (1), not a string"),
    "config": (_replace(config=[]), "config is a list, not an object"),
    "config-values": (_drop_config_values, "config has no values"),
    "counts": (_replace(counts=None), "counts is null, not an object"),
    "counts-item": (_replace(counts={"keep": "1"}), 'counts.keep is a string ("1"), not an integer'),
    "pending": (_replace(pending="x"), 'pending is a string ("x"), not an object'),
    "active": (_replace(active="yes"), 'active is a string ("yes"), not true or false'),
    "recent-item": (_replace(recent=[{"n": 1}]), "recent[0] has no status, description"),
    "direction": (_replace(direction="sideways"),
                  'direction is "sideways", not lower_is_better or higher_is_better'),
}


def damage(repo: Path, content) -> None:
    path = repo / STATE
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        doc = json.loads(path.read_text())
        path.write_text(json.dumps(content(doc)))


def assert_one_clear_message(repo: Path, say: str, prefix=(), verbs=VERBS) -> None:
    """Each verb: exit 1, one line naming session.json and ``say``, nothing changed."""
    path = str(repo / STATE)
    before = snapshot(repo, "out.html")
    for args, proc in zip(verbs, run_verbs(repo, verbs, prefix)):
        line = one_error_line(proc, args[0])
        assert line.startswith(f"autoresearch {args[0]}: error: {path}: ") and say in line, line
    assert snapshot(repo, "out.html") == before
    for rel in ("CLAUDE.md", "exp.py"):  # out of scope and in scope: both allowed
        proc = run_hook(repo, rel, prefix)
        where = f"hook {rel}: exit {proc.returncode}\n{proc.stderr}{proc.stdout}"
        assert (proc.returncode, proc.stdout) == (0, ""), where
        assert len(proc.stderr.splitlines()) == 1, where
        assert proc.stderr.startswith(f"autoresearch hook: {path}: "), where
        assert say in proc.stderr and proc.stderr.rstrip().endswith("the call is allowed"), where


@pytest.fixture
def damaged_repo(session_repo):
    repo = session_repo()
    edit(repo, 4.0)  # a change for `run`, which would otherwise have nothing to run
    return repo


@pytest.mark.parametrize("case", list(CASES))
def test_a_damaged_session_file_is_one_message_and_changes_nothing(damaged_repo, case):
    content, say = CASES[case]
    damage(damaged_repo, content)
    assert_one_clear_message(damaged_repo, say)


@pytest.mark.parametrize("case", list(FIELD_CASES))
def test_a_field_of_the_wrong_type_is_one_message_and_changes_nothing(damaged_repo, case):
    content, say = FIELD_CASES[case]
    damage(damaged_repo, content)
    assert_one_clear_message(damaged_repo, say, verbs=[("status",), ("run", "-d", "an idea")])


def test_the_message_says_what_to_do(damaged_repo):
    damage(damaged_repo, b"{}")
    err = run_verb(damaged_repo, ("status",)).stderr
    assert err.rstrip().endswith("move it away and run 'autoresearch setup' to start again")
    damage(damaged_repo, CASES["newer-schema"][0])
    err = run_verb(damaged_repo, ("status",)).stderr
    assert f"this one ({__version__}) reads schema 1: upgrade autoresearch" in err


def test_a_folder_in_place_of_the_session_file(damaged_repo):
    (damaged_repo / STATE).unlink()
    (damaged_repo / STATE).mkdir()
    assert_one_clear_message(damaged_repo, "cannot read the session state: Is a directory "
                                           "(EISDIR); a folder is where this file should be")


def test_an_unreadable_session_file(damaged_repo):
    prefix = permissions_apply()
    (damaged_repo / STATE).chmod(0)
    try:
        assert_one_clear_message(damaged_repo, "cannot read the session state: Permission "
                                               "denied (EACCES)", prefix)
    finally:
        (damaged_repo / STATE).chmod(0o644)
