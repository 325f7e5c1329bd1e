"""Text the tool did not write reaches the terminal inert: control characters and bidi
overrides are shown as escapes, never sent (every verb that prints it, and the dashboard)."""

from __future__ import annotations

import json

import pytest

from conftest import git
from engine_project import EXP, edit
from logdata import write_session

HOSTILE = "\x1b]0;pwned\x07\x1b[31mred\r\u202e"  # sets the title, turns red, rewinds, flips
SHOWN = "\\x1b]0;pwned\\x07\\x1b[31mred\\r\\u202e"
ACTIVE = ["\x1b", "\x07", "\r", "\x08", "\x9b", "\x7f", "\u202e", "\u2066", "\x00"]


def assert_inert(text: str) -> None:
    found = [hex(ord(ch)) for ch in ACTIVE if ch in text]
    assert not found, f"raw {found} in:\n{text!r}"


@pytest.fixture
def hostile_session(session_repo, cli):
    """A session with a kept experiment described HOSTILE, then a crash whose log prints it."""
    repo = session_repo()
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", f"idea {HOSTILE} end")
    assert result.code == 0 and "KEEP" in result.out, result
    assert_inert(result.out)
    edit(repo, text="import sys\nprint(%r)\nprint('tab\\there \\x1b7\\x1bc\\x08\\x9b\\x7f')\n"
                    "sys.exit(3)\n" % f"boom {HOSTILE} \u2066done")
    crash = cli(repo, "run", "-d", f"crash {HOSTILE}")
    assert crash.code == 0, crash
    return repo, crash


def test_run_prints_the_log_tail_inert(hostile_session):
    _, crash = hostile_session
    assert_inert(crash.out)
    tail = crash.out.split("--- last lines of run.log ---\n", 1)[1]
    # the terminal would have shown 'boom' overwritten by what follows the \r; we show all
    assert "\\u202e \\u2066done" in tail
    assert "tab\there \\x08\\x9b\\x7f" in tail  # escapes removed, controls shown, tab kept


def test_status_shows_escapes(hostile_session, cli):
    repo, _ = hostile_session
    result = cli(repo, "status")
    assert result.code == 0, result
    assert_inert(result.out)
    assert f"idea {SHOWN} end" in result.out
    assert f"crash {SHOWN}" in result.out


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_results_show_escapes(hostile_session, cli, fmt):
    repo, _ = hostile_session
    result = cli(repo, "results", "--format", fmt, env={"COLUMNS": "200"})
    assert result.code == 0, result
    assert_inert(result.out)
    assert f"idea {SHOWN} end" in result.out


def test_json_keeps_the_text_exact(hostile_session, cli):
    repo, _ = hostile_session
    shown = cli(repo, "results", "--json").json()["shown"]
    assert shown[1]["description"] == f"idea {HOSTILE} end"
    assert cli(repo, "status", "--json").json()["recent"][-1]["description"] == f"crash {HOSTILE}"


def test_a_piped_dashboard_frame_shows_escapes(hostile_session, cli):
    repo, _ = hostile_session
    result = cli(repo, "dashboard", env={"COLUMNS": "200", "LINES": "40"})
    assert result.code == 0, result
    assert_inert(result.out)
    assert f"idea {SHOWN} end" in result.out


def test_finalize_shows_escapes(hostile_session, cli):
    repo, _ = hostile_session
    result = cli(repo, "finalize")
    assert result.code == 0, result
    assert_inert(result.out)
    assert "idea \\x1b]0;pwned\\x07\\x1b[31mred \\u202e end" in result.out  # \r: a space
    saved = next((repo / ".autoresearch").glob("finalize-*.md")).read_text()
    assert_inert(saved)


def test_compare_shows_escapes(tmp_path, cli):
    tag = f"t\u202e{HOSTILE}"
    write_session(tmp_path, [1.0, 0.9], tag=tag, metric=f"m{HOSTILE}")
    write_session(tmp_path, [1.0, 0.8], tag="plain", metric=f"m{HOSTILE}")
    result = cli(tmp_path, "compare", tag, "plain")
    assert result.code == 0, result
    assert_inert(result.out)
    assert f"t\\u202e{SHOWN}" in result.out and f"m{SHOWN}" in result.out
    wrong = cli(tmp_path, "compare", "nope", "plain")
    assert wrong.code == 1 and f"t\\u202e{SHOWN}" in wrong.err
    assert_inert(wrong.err)


def test_setup_config_and_status_show_odd_names_inert(make_repo, cli):
    odd = "odd\x1b[31m\u202e.py"
    files = {"exp.py": EXP.format(v=5.0), odd: "x = 1\n", "CLAUDE.md": (
        "## autoresearch\n- target_file: exp.py\n"
        f"- run_command: python3 exp.py # {HOSTILE}\n- metric_name: score\n"
        f"- editable_files: {odd}\n")}
    repo = make_repo(files)
    for args in (["config"], ["setup", "--tag", "t1"], ["status"]):
        result = cli(repo, *args)
        assert result.code == 0, result
        assert_inert(result.out)
        assert "odd\\x1b[31m\\u202e.py" in result.out, result
    # (a carriage return ends a line of CLAUDE.md, so the command stops before it)
    assert "python3 exp.py # \\x1b]0;pwned\\x07\\x1b[31mred  " in cli(repo, "config").out


def test_a_failed_baseline_shows_its_log_inert(make_repo, cli):
    files = {"exp.py": f"import sys\nprint({HOSTILE!r})\nsys.exit(2)\n",
             "CLAUDE.md": "## autoresearch\n- target_file: exp.py\n"
                          "- run_command: python3 exp.py\n- metric_name: score\n"}
    repo = make_repo(files)
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 1, result
    assert "--- last lines of run.log ---" in result.err
    assert_inert(result.err)
    assert "\\u202e" in result.err


def test_a_hostile_commit_subject_is_shown_inert_by_finalize(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    assert "KEEP" in cli(repo, "run", "-d", "plain idea").out
    # the logs lose the record: finalize names the commit by its subject
    (repo / ".claude" / "logs" / "autoresearch.jsonl").write_text("")
    git(repo, "commit", "--amend", "-q", "-m", f"experiment: subject {HOSTILE}")
    doc = json.loads((repo / ".autoresearch" / "session.json").read_text())
    doc["champion"]["commit"] = git(repo, "rev-parse", "HEAD")
    (repo / ".autoresearch" / "session.json").write_text(json.dumps(doc))
    result = cli(repo, "finalize")
    assert result.code == 0, result
    assert_inert(result.out)
    assert "| subject \\x1b]0;pwned\\x07\\x1b[31mred |" in result.out  # the subject ends at \r


@pytest.mark.parametrize("text, one_line, block", [
    ("plain é 宽 🚀", "plain é 宽 🚀", "plain é 宽 🚀"),
    ("a\x1b[31mb", "a\\x1b[31mb", "a\\x1b[31mb"),
    ("bell\x07 bs\x08 nul\x00 del\x7f", "bell\\x07 bs\\x08 nul\\x00 del\\x7f",
     "bell\\x07 bs\\x08 nul\\x00 del\\x7f"),
    ("c1\x9b\x85", "c1\\x9b\\x85", "c1\\x9b\\x85"),
    ("cr\r nl\n tab\t", "cr\\r nl\\n tab\\t", "cr\\r nl\n tab\t"),
    ("bidi\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
     "bidi\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c",
     "bidi\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c"),
    ("sep\u2028\u2029", "sep\\u2028\\u2029", "sep\\u2028\\u2029"),
    ("back\\slash", "back\\slash", "back\\slash"),
])
def test_the_one_rule(text, one_line, block):
    from autoresearch_helpers.vocab import inert

    assert inert(text) == one_line
    assert inert(text, lines=True) == block
    assert inert(inert(text)) == inert(text)  # what is inert stays as it is
