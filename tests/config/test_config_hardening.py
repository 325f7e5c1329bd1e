"""Configuration that could hang or mislead: alias bombs, look-alike keys, the tool's files."""

from __future__ import annotations

import pytest

from conftest import git

ML = {"train.py": "print(f\"val_bpb: {1.0:.4f}\")\n", "prepare.py": "# data\n"}


def section(*lines: str) -> dict:
    return {**ML, "CLAUDE.md": "# Project\n\n## autoresearch\n" + "".join(f"{l}\n" for l in lines)}


def refused(result) -> list[str]:
    assert result.code == 2, result
    assert result.out == "" and "Traceback" not in result.err
    return result.err.splitlines()


# --- (a) YAML that would expand without end ---------------------------------------------

def bomb(levels: int = 9, width: int = 10) -> list[str]:
    """A yaml list whose aliases expand to width**levels values (10**9 here)."""
    lines = ["```yaml", "readonly_files:", "  - &l0 [" + ", ".join(['"x"'] * width) + "]"]
    for n in range(1, levels):
        lines.append(f"  - &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]")
    return [*lines, "```"]


def test_an_alias_bomb_is_refused_before_it_expands(make_repo, cli):
    repo = make_repo(section(*bomb()))
    lines = refused(cli(repo, "config", timeout=60))
    assert lines[0] == ("autoresearch config: error: CLAUDE.md:5: the yaml block of the "
                        "autoresearch section expands to more than 10000 values through its "
                        "aliases (*name); write the values out")
    assert len(lines) == 2 and lines[1].startswith("  example: ")


def test_an_alias_bomb_under_an_unknown_key_is_refused_too(make_repo, cli):
    lines = bomb()
    lines[1] = "bogus_key:"
    assert "expands to more than 10000" in refused(cli(make_repo(section(*lines)), "setup",
                                                       timeout=60))[0]


def test_an_alias_of_itself_is_refused(make_repo, cli):
    repo = make_repo(section("```yaml", "readonly_files: &me [prepare.py, *me]", "```"))
    assert refused(cli(repo, "config"))[0] == (
        "autoresearch config: error: CLAUDE.md:5: the yaml block of the autoresearch section "
        "holds an alias that refers to itself (&name ... *name inside it)")


def test_a_deeply_nested_block_is_refused(make_repo, cli):
    repo = make_repo(section("```yaml", "repeats: " + "[" * 5000 + "]" * 5000, "```"))
    assert refused(cli(repo, "config"))[0] == (
        "autoresearch config: error: CLAUDE.md:5: the yaml block of the autoresearch section "
        "is nested too deeply")


def test_a_deeply_nested_pyproject_is_refused(make_repo, cli):
    repo = make_repo({**ML, "pyproject.toml": "[tool.autoresearch]\nrepeats = "
                      + "[" * 5000 + "]" * 5000 + "\n"})
    assert refused(cli(repo, "config"))[0] == (
        "autoresearch config: error: pyproject.toml: pyproject.toml is nested too deeply to read")


def test_a_few_aliases_still_work(make_repo, cli):
    repo = make_repo({**section("```yaml", "readonly_files: &ro [prepare.py]",
                                "verify_command: &v echo ok", "setup_command: *v", "```")})
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    keys = result.json()["keys"]
    assert keys["readonly_files"]["value"] == ["prepare.py"]
    assert keys["setup_command"]["value"] == "echo ok"


def test_a_huge_value_is_shown_cut_short(make_repo, cli):
    items = ", ".join(f"file_{i}.py" for i in range(5000))
    repo = make_repo(section("```yaml", f"repeats: [{items}]", "```"))
    lines = refused(cli(repo, "config"))
    value = next(line for line in lines if line.startswith("  value: "))
    assert value.startswith("  value: ['file_0.py', 'file_1.py'")
    assert len(value) <= 120
    assert sum(len(line) for line in lines) < 1000


# --- (b) keys that only look like ours ----------------------------------------------------

LOOK_ALIKES = [  # (as written, escaped as shown, the odd characters, the key meant)
    ("metric_n\u0430me", "metric_n\\u0430me", "\\u0430", "metric_name"),  # Cyrillic а
    ("r\u0435p\u0435ats", "r\\u0435p\\u0435ats", "\\u0435", "repeats"),  # Cyrillic е twice
    ("\u0442\u0456me_budget", "\\u0442\\u0456me_budget", "\\u0442, \\u0456", "time_budget"),
    ("\uff54\uff49\uff4d\uff45_budget", "\\uff54\\uff49\\uff4d\\uff45_budget",
     "\\uff54, \\uff49, \\uff4d, \\uff45", "time_budget"),  # full-width letters (NFKC)
    ("time_budget\u200b", "time_budget\\u200b", "\\u200b", "time_budget"),  # zero-width space
    ("ti\u200dme_budget", "ti\\u200dme_budget", "\\u200d", "time_budget"),  # zero-width joiner
    ("target_\ufb01le", "target_\\ufb01le", "\\ufb01", "target_file"),  # the ligature ﬁ
    ("me\u0301tric_name", "me\\u0301tric_name", "\\u0301", "metric_name"),  # a combining accent
    ("\u03b1lpha", "\\u03b1lpha", "\\u03b1", "alpha"),  # Greek α
]


def _expected(where: str, shown: str, odd: str, meant: str) -> str:
    return (f"autoresearch config: error: {where}: unknown key '{shown}' (it has non-ASCII "
            f"characters: {odd}; did you mean '{meant}'?)")


@pytest.mark.parametrize("written, shown, odd, meant", LOOK_ALIKES)
def test_a_look_alike_bullet_key_is_an_unknown_key(make_repo, cli, written, shown, odd, meant):
    repo = make_repo(section(f"- {written}: 2"))
    lines = refused(cli(repo, "config"))
    assert lines[0] == _expected("CLAUDE.md:4", shown, odd, meant)
    assert lines[1] == f"  key: {shown}"
    assert all(line.isascii() for line in lines)


@pytest.mark.parametrize("how", ["yaml", "pyproject", "set"])
@pytest.mark.parametrize("written, shown, odd, meant", LOOK_ALIKES[:5])
def test_a_look_alike_key_from_any_source(make_repo, cli, how, written, shown, odd, meant):
    args = []
    if how == "yaml":
        repo, where = make_repo(section("```yaml", f"{written}: 2", "```")), "CLAUDE.md:5"
    elif how == "pyproject":
        repo = make_repo({**ML, "pyproject.toml": f'[tool.autoresearch]\n"{written}" = 2\n'})
        where = "pyproject.toml:2"
    else:
        repo, where, args = make_repo(ML), "command line", ["--set", f"{written}=2"]
    lines = refused(cli(repo, "config", *args))
    assert lines[0] == _expected(where, shown, odd, meant)


def test_prose_in_another_script_is_not_a_key(make_repo, cli):
    repo = make_repo(section("- 注意: 日本語のメモ", "- repeats: 2"))
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    assert result.json()["keys"]["repeats"]["value"] == 2


# --- (c) the tool's own files are never the project's ------------------------------------

OWN = ["results.tsv", "./results.tsv", "run.log", "sub/../run.log", ".autoresearch/x",
       ".autoresearch/verify.log", ".claude/logs/autoresearch.jsonl", ".claude/logs",
       ".claude", ".git/config", "link.py"]


def own_files_repo(make_repo, lines=()):
    repo = make_repo(section(*lines))
    for rel in ("results.tsv", "run.log", ".autoresearch/x", ".autoresearch/verify.log",
                ".claude/logs/autoresearch.jsonl"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("x\n")
    (repo / "sub").mkdir()
    (repo / "link.py").symlink_to("run.log")
    (repo / ".git" / "info" / "exclude").write_text("results.tsv\nrun.log\n.autoresearch/\n"
                                                    ".claude/\nlink.py\nsub/\n")
    assert git(repo, "status", "--porcelain") == ""
    return repo


def _own_of(value: str) -> str:
    if value == "link.py" or value.endswith("run.log"):
        return "run.log"
    if value.endswith("results.tsv"):
        return "results.tsv"
    if value.startswith(".autoresearch"):
        return ".autoresearch/"
    return ".git/" if value.startswith(".git") else ".claude/logs/"


@pytest.mark.parametrize("key", ["target_file", "editable_files", "readonly_files"])
@pytest.mark.parametrize("value", OWN)
def test_own_files_are_refused_by_config(make_repo, cli, key, value):
    repo = own_files_repo(make_repo, [f"- {key}: {value}"])
    first = refused(cli(repo, "config"))[0]
    own = _own_of(value)
    if own == ".git/" and value == ".git/config":
        assert first == f"autoresearch config: error: CLAUDE.md:4: {key}: '{value}' is inside .git"
    else:
        assert first == (f"autoresearch config: error: CLAUDE.md:4: {key}: '{value}' is or holds "
                         f"autoresearch's own {own} (the tool writes results.tsv, run.log, "
                         ".claude/logs/, .autoresearch/ itself); name a file of your project")


@pytest.mark.parametrize("args", [
    ["results.tsv"], ["./run.log"], ["--set", "target_file=.autoresearch/x"],
    ["--set", "editable_files=train.py, sub/../results.tsv"],
    ["--set", "readonly_files=.claude/logs/autoresearch.jsonl"],
])
def test_own_files_are_refused_by_setup(make_repo, cli, args):
    repo = own_files_repo(make_repo)
    lines = refused(cli(repo, "setup", "--tag", "t1", *args))
    assert "is or holds autoresearch's own " in lines[0]
    assert git(repo, "branch", "--list", "autoresearch/*") == ""  # nothing was started
