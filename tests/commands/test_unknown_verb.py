"""A mistyped verb: usage, a did-you-mean when a verb is close, exit 2."""

from __future__ import annotations

import pytest

from autoresearch_helpers.cli import VERBS as TABLE

VERBS = ", ".join(TABLE)


@pytest.mark.parametrize("typed, hint", [
    ("stauts", ": did you mean 'status'?"),
    ("Results", ": did you mean 'results'?"),
    ("finalise", ": did you mean 'finalize'?"),
    ("xyzzy", ""),
])
def test_a_mistyped_verb(tmp_path, cli, typed, hint):
    result = cli(tmp_path, typed)
    assert (result.code, result.out) == (2, "")
    assert result.err == ("usage: autoresearch [-h] [-V] VERB [options]\n"
                          f"autoresearch: error: unknown verb '{typed}'{hint} (the verbs: "
                          f"{VERBS})\n")


def test_an_option_before_any_verb_is_named(tmp_path, cli):
    result = cli(tmp_path, "--frobnicate")
    assert result.code == 2, result
    assert result.err.splitlines()[-1] == (
        "autoresearch: error: unknown option '--frobnicate': a verb comes first, its "
        "options after it (autoresearch VERB --help)")
    assert cli(tmp_path, "--version").code == 0
