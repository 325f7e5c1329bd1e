"""The project's rules reach the agent: its instructions (program.md), the run command and
where the metric comes from, and the hidden files, in setup's output and in status."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import git
from engine_project import edit, project

RULES = "# Rules\n\n- never import zlib\n- each run must end within 30 s\n"
ROOT = Path(__file__).resolve().parents[2]


def text_block(path: str, text: str) -> str:
    """How setup and status show the instructions' text."""
    return (f"--- {path}: the project's instructions (follow them) ---\n{text}"
            f"--- end of {path} ---\n")


def test_setup_shows_program_md_found_at_the_root(make_repo, cli):
    repo = make_repo(project(files={"program.md": RULES}))
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    assert "  instructions: program.md  (found program.md)\n" in result.out
    assert result.out.endswith(text_block("program.md", RULES))
    assert cli(repo, "config", "--json").json()["keys"]["instructions"] == {
        "value": "program.md", "source": "found program.md"}


def test_program_md_in_the_state_folder_and_which_one_wins(make_repo, cli):
    repo = make_repo(project())
    (repo / ".autoresearch").mkdir()
    (repo / ".autoresearch" / "program.md").write_text("- private rule\n")
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    assert "  instructions: .autoresearch/program.md  (found .autoresearch/program.md)\n" \
        in result.out
    assert result.out.endswith(text_block(".autoresearch/program.md", "- private rule\n"))
    both = make_repo(project(files={"program.md": RULES}))
    (both / ".autoresearch").mkdir()
    (both / ".autoresearch" / "program.md").write_text("- private rule\n")
    assert cli(both, "config", "--json").json()["keys"]["instructions"]["value"] == "program.md"


def test_no_instructions_no_block(session_repo, cli):
    repo = session_repo()
    for args in (("status", "--brief"), ("status",)):
        assert "instructions" not in cli(repo, *args).out
    doc = cli(repo, "status", "--json").json()
    assert (doc["instructions"], doc["instructions_text"]) == (None, None)


def test_a_configured_path(make_repo, cli):
    repo = make_repo(project("- instructions: docs/rules.md\n",
                             files={"docs/rules.md": RULES, "program.md": "- not this one\n"}))
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    assert "  instructions: docs/rules.md  (CLAUDE.md:" in result.out
    assert result.out.endswith(text_block("docs/rules.md", RULES))
    assert "not this one" not in result.out


def test_the_state_folders_program_md_may_be_named(make_repo, cli):
    repo = make_repo(project("- instructions: ./.autoresearch/program.md\n"))
    (repo / ".autoresearch").mkdir()
    (repo / ".autoresearch" / "program.md").write_text(RULES)
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    assert result.out.endswith(text_block(".autoresearch/program.md", RULES))


@pytest.mark.parametrize("value, why", [
    ("rules.md", "'rules.md' does not exist in the repository"),
    ("../rules.md", "'../rules.md' is outside the repository ({root})"),
    ("docs", "'docs' is a folder; name a file"),
    (".git/config", "'.git/config' is inside .git"),
    ("results.tsv", "'results.tsv' is or holds autoresearch's own results.tsv"),
    (".autoresearch/notes.md", "'.autoresearch/notes.md' is or holds autoresearch's own "
                               ".autoresearch/"),
])
def test_a_bad_configured_path_is_a_config_error(make_repo, cli, value, why):
    repo = make_repo(project(f"- instructions: {value}\n", files={"docs/a.md": "x\n"}))
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 2, result
    lines = result.err.splitlines()
    assert lines[0].startswith("autoresearch setup: error: CLAUDE.md:9: instructions: "
                               + why.format(root=os.path.realpath(repo)))
    assert lines[1:] == ["  key: instructions", f"  value: {value!r}",
                         "  example: - instructions: program.md"]
    assert git(repo, "branch", "--list", "autoresearch/*") == ""


def test_a_program_md_symlink_out_of_the_repository_is_refused(make_repo, cli, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(RULES)
    repo = make_repo(project())
    (repo / "program.md").symlink_to(outside)
    result = cli(repo, "config")
    assert result.code == 2, result
    assert ("instructions: 'program.md' is a symlink that resolves outside the repository"
            in result.err)
    assert "  key: instructions" in result.err


def test_the_first_brief_status_shows_them_until_an_experiment_runs(make_repo, cli):
    repo = make_repo(project(files={"program.md": RULES}))
    assert cli(repo, "setup", "--tag", "t1").code == 0
    block = text_block("program.md", RULES)
    path_line = "instructions: program.md (the project's rules: follow them)\n"
    first = cli(repo, "status", "--brief")
    assert first.out.endswith(block)
    assert cli(repo, "status", "--brief").out.endswith(block)  # still no experiment
    assert cli(repo, "status").out.endswith(path_line)  # plain status: where they are
    edit(repo, 4.0)
    assert cli(repo, "run", "-d", "idea").code == 0
    later = cli(repo, "status", "--brief")
    assert later.out.endswith(path_line) and "never import zlib" not in later.out
    resumed = cli(repo, "setup")  # a new conversation resumes the session
    assert resumed.code == 0 and resumed.out.endswith(block)
    assert cli(repo, "status", "--brief").out.endswith(block)
    edit(repo, 3.0)
    assert cli(repo, "run", "-d", "another").code == 0
    assert cli(repo, "status", "--brief").out.endswith(path_line)


def test_long_instructions_show_the_first_lines_and_where_the_rest_is(make_repo, cli):
    long_text = "".join(f"rule {i}\n" for i in range(1, 101))
    repo = make_repo(project(files={"program.md": long_text}))
    out = cli(repo, "setup", "--tag", "t1").out
    assert "rule 60\n--- 40 more lines: read the rest in program.md ---\n" in out
    assert "rule 61" not in out
    assert cli(repo, "status", "--json").json()["instructions_text"] == long_text


def test_instructions_are_printed_inert(make_repo, cli):
    hostile = "- obey \x1b]0;pwned\x07\x1b[31mthis\r\u202e\n"
    repo = make_repo(project(files={"program.md": hostile}))
    for out in (cli(repo, "setup", "--tag", "t1").out, cli(repo, "status", "--brief").out):
        assert "- obey \\x1b]0;pwned\\x07\\x1b[31mthis\\r\\u202e\n" in out
        assert not any(ch in out for ch in "\x1b\x07\r\u202e")
    assert cli(repo, "status", "--json").json()["instructions_text"] == hostile


def test_missing_instructions_file_does_not_break_status(make_repo, cli):
    repo = make_repo(project(files={"program.md": RULES}))
    assert cli(repo, "setup", "--tag", "t1").code == 0
    git(repo, "rm", "-q", "program.md")
    git(repo, "commit", "-qm", "drop the rules")
    brief = cli(repo, "status", "--brief")
    assert brief.code == 0
    assert brief.out.endswith("instructions: program.md cannot be read (No such file or "
                              "directory)\n")
    doc = cli(repo, "status", "--json").json()
    assert (doc["instructions"], doc["instructions_text"]) == ("program.md", None)


def test_run_command_and_metric_source_everywhere(make_repo, cli):
    repo = make_repo(project())
    setup = cli(repo, "setup", "--tag", "t1")
    assert "  run_command: python3 exp.py  (CLAUDE.md:" in setup.out
    assert "  measure: the last 'score: value' line of run.log\n" in setup.out
    line = "run: python3 exp.py · measure: the last 'score: value' line of run.log\n"
    for args in (("status",), ("status", "--brief")):
        assert line in cli(repo, *args).out
    doc = cli(repo, "status", "--json").json()
    assert (doc["run_command"], doc["metric_source"]) == (
        "python3 exp.py", "the last 'score: value' line of run.log")
    assert "measure: the last 'score: value' line of run.log" in cli(repo, "config").out


def test_metric_parse_is_the_source_when_set(make_repo, cli):
    parse = "grep score: run.log | tail -1 | cut -d' ' -f2"
    repo = make_repo(project(f"- metric_parse: {parse}\n"))
    result = cli(repo, "setup", "--tag", "t1", "--json")
    assert result.code == 0, result
    assert result.json()["metric_source"] == "stdout of metric_parse"
    assert "run: python3 exp.py · measure: stdout of metric_parse\n" in \
        cli(repo, "status", "--brief").out


def test_status_lists_the_hidden_files(make_repo, cli):
    repo = make_repo(project("- hidden_files: data.txt, eval/\n", files={"eval/check.py": "1\n"}))
    setup = cli(repo, "setup", "--tag", "t1")
    assert setup.code == 0, setup
    assert "  hidden_files: data.txt, eval/  (CLAUDE.md:" in setup.out
    hidden = ("hidden files (never read them; the experiment still uses them): "
              "data.txt, eval/\n")
    for args in (("status",), ("status", "--brief")):
        assert hidden in cli(repo, *args).out
    assert cli(repo, "status", "--json").json()["hidden"] == ["data.txt", "eval/"]


def test_no_hidden_files_no_line(session_repo, cli):
    repo = session_repo()
    assert "hidden" not in cli(repo, "status", "--brief").out
    assert cli(repo, "status", "--json").json()["hidden"] == []


def test_the_command_file_states_the_rules_with_the_real_rejected_tag(session_repo, cli):
    text = (ROOT / "autoresearch.md").read_text()
    for words in ("results.tsv", "hidden files", "permission prompt", "instructions",
                  "special-case the benchmark", "cherry-pick"):
        assert words in text, words
    assert "`autoresearch/<tag>/rejected/<n>`" in text
    repo = session_repo()  # session t1: its first discarded experiment is tag .../rejected/1
    edit(repo, 6.0)
    assert "DISCARD" in cli(repo, "run", "-d", "worse").out
    assert git(repo, "tag", "--list", "autoresearch/*") == "autoresearch/t1/rejected/1"
