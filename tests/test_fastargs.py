"""The fast argument path must read every argument list exactly as argparse does, or defer."""

from __future__ import annotations

import argparse

import pytest

from autoresearch_helpers.commands import run as run_verb


def parsed_by_argparse(module, argv):
    parser = argparse.ArgumentParser(exit_on_error=False)
    module.add_arguments(parser)
    try:
        return vars(parser.parse_args(argv))
    except (argparse.ArgumentError, SystemExit):
        return "error"


@pytest.mark.parametrize("argv", [
    ["-d", "try a wider layer"],
    ["-dshort"],
    ["--description", "x", "--json"],
    ["--description=with = signs", "--allow-empty"],
    ["--json", "-d", "tabs\there", "--allow-empty"],
    ["-d", ""],
    ["-d", "$(rm -rf /) `x` 'q' \"dq\""],
])
def test_the_plain_forms_read_as_argparse_reads_them(argv):
    fast = run_verb.parse_fast(argv)
    assert fast is not None, "the plain form should not need argparse"
    assert vars(fast) == parsed_by_argparse(run_verb, argv)


@pytest.mark.parametrize("argv", [
    [],                              # -d is required: argparse says so
    ["--help"], ["-h"],
    ["-d"],                          # the value is missing
    ["-d", "-x"],                    # a value that looks like an option
    ["-d", "a", "-d", "b"],          # repeated: argparse keeps the last
    ["--desc", "abbreviated"],       # argparse accepts unambiguous prefixes
    ["-d=x"],
    ["positional"],
    ["-d", "x", "--jsn"],            # a typo gets argparse's message
])
def test_anything_else_is_left_to_argparse(argv):
    assert run_verb.parse_fast(argv) is None


def test_the_cli_gives_argparse_errors_for_what_the_fast_path_declines(tmp_path, cli):
    result = cli(tmp_path, "run", "-d")
    assert result.code == 2
    assert "argument -d/--description: expected one argument" in result.err
    help_text = cli(tmp_path, "run", "--help")
    assert help_text.code == 0 and "--allow-empty" in help_text.out


@pytest.mark.parametrize("argv, plain", [
    ([], True), (["--brief"], True), (["--json", "--last", "3"], True), (["--last=0"], True),
    (["--brief", "--json"], False),   # mutually exclusive: argparse's message
    (["--last", "x"], False), (["--last", "-1"], False), (["--br"], False),
])
def test_status_reads_its_options_as_argparse_does(argv, plain):
    from autoresearch_helpers.commands import status

    fast = status.parse_fast(argv)
    assert (fast is not None) == plain
    if plain:
        assert vars(fast) == parsed_by_argparse(status, argv)


@pytest.mark.parametrize("verb, argv, plain", [
    ("results", [], True),
    ("results", ["--last", "3", "--format", "markdown"], True),
    ("results", ["--json", "--tag", "nov21", "--last=0"], True),
    ("results", ["--format", "yaml"], False),        # not a format: argparse lists them
    ("results", ["--last", "x"], False),
    ("results", ["--last", "-1"], False),            # argparse reads it; run refuses it
    ("results", ["--form", "csv"], False),
    ("dashboard", [], True),
    ("dashboard", ["--once"], True),
    ("dashboard", ["--watch", "--interval", "0.5"], True),
    ("dashboard", ["--interval", "soon"], False),
    ("dashboard", ["--help"], False),
])
def test_results_and_dashboard_read_their_options_as_argparse_does(verb, argv, plain):
    import importlib

    module = importlib.import_module(f"autoresearch_helpers.commands.{verb}")
    fast = module.parse_fast(argv)
    assert (fast is not None) == plain
    if plain:
        assert vars(fast) == parsed_by_argparse(module, argv)
