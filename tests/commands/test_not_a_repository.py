"""Outside a git repository every verb says so in one message and exits 1, writing nothing."""

from __future__ import annotations

import pytest

from autoresearch_helpers.cli import VERBS

ARGS = {  # verb -> the arguments it needs to get as far as looking for the repository
    "detect": [], "config": [], "setup": [], "run": ["-d", "an idea"], "status": [],
    "loop": ["--agent", "true"], "stop": [], "sessions": [], "results": [], "query": ["."],
    "dashboard": [],
    "report": ["--html", "r.html"], "compare": ["a", "b"], "finalize": [],
}
ANYWHERE = {"new", "demo"}  # make their own repository


def test_every_verb_is_listed():
    assert set(ARGS) | ANYWHERE == set(VERBS) and not set(ARGS) & ANYWHERE


def test_new_works_outside_a_repository(tmp_path, cli):
    result = cli(tmp_path, "new", "project", "-e", "compress")
    assert result.code == 0, result
    assert (tmp_path / "project" / ".git").is_dir()


@pytest.mark.parametrize("verb", list(ARGS))
def test_outside_a_repository(verb, tmp_path, cli):
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "train.py").write_text("import torch\nprint('val_loss: 1')\n")
    result = cli(folder, verb, *ARGS[verb])
    assert (result.code, result.out) == (1, ""), result
    assert result.err == (f"autoresearch {verb}: error: not a git repository: {folder} (nor any "
                          "folder above it); run 'git init' first\n")
    assert [p.name for p in folder.iterdir()] == ["train.py"]


def test_status_brief_says_it_and_never_fails(tmp_path, cli):
    result = cli(tmp_path, "status", "--brief")
    assert result.code == 0
    assert result.out.startswith(f"autoresearch: not a git repository: {tmp_path} ")
