"""Pure functions of the configuration: the CLAUDE.md section, value coercion, suggestions."""

from __future__ import annotations

import pytest

from autoresearch_helpers.config.claude_md import clean_value, parse_section
from autoresearch_helpers.config.keys import (
    coerce_alpha, coerce_count, coerce_direction, coerce_duration, coerce_list,
    coerce_metric_name, coerce_min_delta, guess_direction, suggest)
from autoresearch_helpers.errors import ConfigError

PIPELINE = "grep \"accuracy:\" run.log | tail -1 | awk '{print $2}'"


def parsed(text: str) -> dict:
    return {e.key: (e.value, e.where) for e in parse_section(text)}


@pytest.mark.parametrize("text, expected", [
    # the form existing users write
    ("## autoresearch\n- target_file: src/model.py\n- metric_name: accuracy\n",
     {"target_file": ("src/model.py", "CLAUDE.md:2"), "metric_name": ("accuracy", "CLAUDE.md:3")}),
    # heading variants: any case, 'config', level 3, trailing hashes
    ("## Autoresearch\n- repeats: 3\n", {"repeats": ("3", "CLAUDE.md:2")}),
    ("### AUTORESEARCH CONFIG ###\n* repeats: 3\n", {"repeats": ("3", "CLAUDE.md:2")}),
    ("## autoresearch settings\n+ repeats: 3\n", {"repeats": ("3", "CLAUDE.md:2")}),
    # a level-1 or level-4 heading is not the section
    ("# autoresearch\n- repeats: 3\n", {}),
    ("#### autoresearch\n- repeats: 3\n", {}),
    # colons, quotes and pipes are kept verbatim
    (f"## autoresearch\n- metric_parse: {PIPELINE}\n", {"metric_parse": (PIPELINE, "CLAUDE.md:2")}),
    ("## autoresearch\n- run_command: python train.py --url http://x:8080/a\n",
     {"run_command": ("python train.py --url http://x:8080/a", "CLAUDE.md:2")}),
    # backticks and matching quotes around the whole value are removed
    ("## autoresearch\n- target_file: `src/model.py`\n", {"target_file": ("src/model.py", "CLAUDE.md:2")}),
    ("## autoresearch\n- run_command: \"python train.py\"\n",
     {"run_command": ("python train.py", "CLAUDE.md:2")}),
    ("## autoresearch\n- metric_parse: \"a\" | grep \"b\"\n",
     {"metric_parse": ('"a" | grep "b"', "CLAUDE.md:2")}),
    # markdown emphasis around the key
    ("## autoresearch\n- **time_budget**: 600\n- `repeats`: 2\n",
     {"time_budget": ("600", "CLAUDE.md:2"), "repeats": ("2", "CLAUDE.md:3")}),
    # other sections are ignored; the section ends at the next heading of its level
    ("# Project\n- repeats: 9\n## autoresearch\n- repeats: 3\n### details\n- alpha: 0.1\n"
     "## Build\n- min_delta: 5\n",
     {"repeats": ("3", "CLAUDE.md:4"), "alpha": ("0.1", "CLAUDE.md:6")}),
    # a heading inside a code block elsewhere does not open or close the section
    ("```\n## autoresearch\n- repeats: 9\n```\n", {}),
    ("## autoresearch\n```bash\n# run\n- repeats: 9\n```\n- repeats: 3\n",
     {"repeats": ("3", "CLAUDE.md:6")}),
    # prose and bullets that are not `key: value` are ignored
    ("## autoresearch\nKeep it simple.\n- Never touch the data\n- repeats: 3\n",
     {"repeats": ("3", "CLAUDE.md:4")}),
    # a list written one item per line
    ("## autoresearch\n- readonly_files:\n  - data/a.py\n  - `data/b.py`\n- repeats: 2\n",
     {"readonly_files": (["data/a.py", "data/b.py"], "CLAUDE.md:2"), "repeats": ("2", "CLAUDE.md:5")}),
    # keys are normalised: case and dashes
    ("## autoresearch\n- Time-Budget: 600\n", {"time_budget": ("600", "CLAUDE.md:2")}),
    # an empty value is kept as '' (it unsets the key)
    ("## autoresearch\n- metric_parse:\n", {"metric_parse": ("", "CLAUDE.md:2")}),
])
def test_bullets(text, expected):
    assert parsed(text) == expected


def test_yaml_block_keeps_types_and_lines():
    text = ("# Notes\n\n## autoresearch\n- target_file: train.py\n\n```yaml\n"
            "# a comment, not a heading\nrepeats: 3\nmin_delta: 0.01\n"
            "readonly_files: [data/a.py, data/b.py]\n"
            f"metric_parse: '{PIPELINE.replace(chr(39), chr(39) * 2)}'\n```\n")
    assert parsed(text) == {
        "target_file": ("train.py", "CLAUDE.md:4"),
        "repeats": (3, "CLAUDE.md:8"),
        "min_delta": (0.01, "CLAUDE.md:9"),
        "readonly_files": (["data/a.py", "data/b.py"], "CLAUDE.md:10"),
        "metric_parse": (PIPELINE, "CLAUDE.md:11"),
    }


@pytest.mark.parametrize("block, line, words", [
    ("repeats: [1, 2\n", "CLAUDE.md:3", "not valid YAML"),
    ("repeats: 3\n  bad: x\n", "CLAUDE.md:4", "not valid YAML (mapping values are not allowed here)"),
    ("- a\n- b\n", "CLAUDE.md:3", "must be a mapping"),
])
def test_yaml_block_errors(block, line, words):
    with pytest.raises(ConfigError) as info:
        parse_section(f"## autoresearch\n```yaml\n{block}```\n")
    assert str(info.value).startswith(f"{line}: ")
    assert words in str(info.value)


@pytest.mark.parametrize("raw, expected", [
    ("  x  ", "x"), ("`a b`", "a b"), ("'a'", "a"), ('"a"', "a"), ("`'a'`", "a"),
    ("'a' | 'b'", "'a' | 'b'"), ("`a` and `b`", "`a` and `b`"), ('"', '"'), ("", ""),
])
def test_clean_value(raw, expected):
    assert clean_value(raw) == expected


@pytest.mark.parametrize("func, raw, expected", [
    (coerce_direction, "lower_is_better", "lower_is_better"),
    (coerce_direction, "Higher_Is_Better", "higher_is_better"),
    (coerce_direction, "minimize", "lower_is_better"),
    (coerce_direction, "maximize", "higher_is_better"),
    (coerce_direction, "lower", "lower_is_better"),
    (coerce_direction, "higher", "higher_is_better"),
    (coerce_direction, "min", "lower_is_better"),
    (coerce_direction, "max", "higher_is_better"),
    (coerce_duration, "600", 600),
    (coerce_duration, 600, 600),
    (coerce_duration, 90.5, 90.5),
    (coerce_duration, "10m", 600),
    (coerce_duration, "1.5h", 5400),
    (coerce_duration, "45 s", 45),
    (coerce_count, "3", 3),
    (coerce_count, 2, 2),
    (coerce_min_delta, "0", 0),
    (coerce_min_delta, "0.002", 0.002),
    (coerce_alpha, "0.01", 0.01),
    (coerce_list, "data/a.py, config.yaml", ["data/a.py", "config.yaml"]),
    (coerce_list, ["a.py", "`b.py`"], ["a.py", "b.py"]),
    (coerce_list, "a.py,,", ["a.py"]),
    (coerce_list, "[a.py, 'b.py']", ["a.py", "b.py"]),
    (coerce_metric_name, "val_bpb", "val_bpb"),
])
def test_coerce(func, raw, expected):
    assert func(raw) == expected


@pytest.mark.parametrize("func, raw, reason", [
    (coerce_direction, "up", "must be lower_is_better or higher_is_better"),
    (coerce_duration, "ten", "must be a number of seconds"),
    (coerce_duration, "0", "must be more than 0 seconds"),
    (coerce_duration, -5, "must be more than 0 seconds"),
    (coerce_duration, True, "must be a number of seconds"),
    (coerce_duration, "nan", "must be a number of seconds"),
    (coerce_count, "2.5", "must be a whole number"),
    (coerce_count, 2.0, "must be a whole number"),
    (coerce_count, "0", "must be 1 or more"),
    (coerce_count, True, "must be a whole number"),
    (coerce_min_delta, "-1", "must be 0 or more"),
    (coerce_min_delta, "inf", "not a finite number"),
    (coerce_alpha, "1", "must be more than 0 and at most 0.5"),
    (coerce_alpha, "0", "must be more than 0 and at most 0.5"),
    (coerce_list, {"a": 1}, "must be file paths"),
    (coerce_metric_name, "val loss", "no spaces or colons"),
])
def test_coerce_rejects(func, raw, reason):
    with pytest.raises(ValueError) as info:
        func(raw)
    assert reason in str(info.value)


@pytest.mark.parametrize("key, expected", [
    ("time_budjet", "time_budget"), ("target", "target_file"), ("timeout", "time_budget"),
    ("direction", "metric_direction"), ("readonly_file", "readonly_files"), ("colour", None),
])
def test_suggest(key, expected):
    assert suggest(key) == expected


@pytest.mark.parametrize("name, expected", [
    ("val_bpb", "lower_is_better"), ("accuracy", "higher_is_better"),
    ("ops_per_s", "higher_is_better"), ("bundle_kb", "lower_is_better"),
    ("coverage", "higher_is_better"), ("error_rate", "lower_is_better"),
    ("latency_ms", "lower_is_better"), ("requests_per_s", "higher_is_better"),
    ("tokens_per_sec", "higher_is_better"), ("seconds_per_epoch", "lower_is_better"),
    ("build_time_s", "lower_is_better"),
])
def test_guess_direction(name, expected):
    assert guess_direction(name) == expected
