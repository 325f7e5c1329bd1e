"""`autoresearch new`: a bundled example project, copied, committed and ready for setup."""

from __future__ import annotations

import pytest

from conftest import git


def test_list_names_each_example_with_one_line(tmp_path, cli):
    result = cli(tmp_path, "new", "--list")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == ["compress", "ml", "speed"]
    assert all(len(line.split()) > 3 for line in lines)
    assert "(default)" in next(line for line in lines if line.startswith("ml "))


@pytest.mark.parametrize("name, metric", [("ml", "val_loss"), ("speed", "ms"),
                                          ("compress", "ratio")])
def test_each_example_sets_up_at_once(tmp_path, cli, name, metric):
    root = tmp_path / "p"
    made = cli(tmp_path, "new", str(root), "-e", name)
    assert made.code == 0, made
    assert "autoresearch setup" in made.out and str(root) in made.out
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "log", "--format=%s") == f"the {name} example of autoresearch"
    assert {"CLAUDE.md", "README.md", "program.md", ".gitignore"} <= \
        set(git(root, "ls-files").split())
    setup = cli(root, "setup", "--tag", "t1", "--json", timeout=240)
    assert setup.code == 0, setup
    assert setup.json()["config"]["metric_name"] == metric
    assert setup.json()["baseline"] > 0


def test_without_e_the_default_is_ml_and_an_empty_folder_will_do(tmp_path, cli):
    root = tmp_path / "empty"
    root.mkdir()
    result = cli(tmp_path, "new", "empty")
    assert result.code == 0, result
    assert (root / "train.py").is_file() and (root / "evaluate.py").is_file()


def test_the_compress_harness_guards_the_round_trip(tmp_path, cli):
    root = tmp_path / "c"
    assert cli(tmp_path, "new", str(root), "-e", "compress").code == 0
    assert cli(root, "setup", "--tag", "t1").code == 0
    text = (root / "compress.py").read_text()
    # a "compressor" that drops the last byte: a better ratio, a wrong round trip
    (root / "compress.py").write_text(text.replace("def compress(data):\n",
                                                   "def compress(data):\n    data = data[:-1]\n"))
    run = cli(root, "run", "-d", "drop a byte", "--json")
    assert run.code == 0, run
    assert (run.json()["status"], run.json()["error"]) == ("crash", "verify_failed")


def test_a_folder_that_is_not_empty_is_refused_and_kept(tmp_path, cli):
    root = tmp_path / "mine"
    root.mkdir()
    (root / "notes.txt").write_text("mine\n")
    result = cli(tmp_path, "new", str(root))
    assert result.code == 1 and result.err.count("\n") == 1, result
    assert "is not empty" in result.err and str(root) in result.err
    assert [p.name for p in root.iterdir()] == ["notes.txt"]
    (tmp_path / "afile").write_text("x")
    result = cli(tmp_path, "new", "afile")
    assert result.code == 1 and "is a file" in result.err, result


def test_an_unknown_example_suggests_the_closest(tmp_path, cli):
    result = cli(tmp_path, "new", str(tmp_path / "x"), "-e", "compres")
    assert result.code == 1, result
    assert "no example named 'compres': did you mean 'compress'?" in result.err
    assert not (tmp_path / "x").exists()


def test_no_folder_is_bad_usage(tmp_path, cli):
    result = cli(tmp_path, "new")
    assert result.code == 2 and "autoresearch new DIR" in result.err, result


def test_the_commit_is_yours_and_without_an_identity_the_tools(tmp_path, cli):
    assert cli(tmp_path, "new", "a").code == 0
    assert git(tmp_path / "a", "log", "--format=%an <%ae>") == "Test <test@example.com>"
    env = {"GIT_AUTHOR_NAME": "", "GIT_AUTHOR_EMAIL": "", "GIT_COMMITTER_NAME": "",
           "GIT_COMMITTER_EMAIL": "", "EMAIL": "", "GIT_CONFIG_GLOBAL": "/dev/null"}
    made = cli(tmp_path, "new", "b", env=env)
    assert made.code == 0, made
    assert git(tmp_path / "b", "log", "--format=%an <%ae>") == \
        "autoresearch <autoresearch@localhost>"


def test_an_unknown_example_far_from_any_is_not_given_a_guess(tmp_path, cli):
    result = cli(tmp_path, "new", "x", "-e", "nope")
    assert result.code == 1 and "did you mean" not in result.err, result
    assert "the examples: compress, ml, speed" in result.err
