"""Bad configuration: one message naming file:line, key, value and an example; exit 2."""

from __future__ import annotations

import os

import pytest

ML = {"train.py": "print(f\"val_bpb: {1.0:.4f}\")\n", "prepare.py": "# data\n"}


def section(*lines: str) -> dict:
    return {**ML, "CLAUDE.md": "# Project\n\n## autoresearch\n" + "".join(f"{l}\n" for l in lines)}


def error_lines(result) -> list[str]:
    assert result.code == 2, result
    assert result.out == ""
    assert "Traceback" not in result.err
    return result.err.splitlines()


@pytest.mark.parametrize("line, first, value, example", [
    ("- time_budjet: 600",
     "CLAUDE.md:4: unknown key 'time_budjet' (did you mean 'time_budget'?)",
     "'600'", "- time_budget: 600"),
    ("- metric_direction: upwards",
     "CLAUDE.md:4: bad value for metric_direction: must be lower_is_better or higher_is_better "
     "(also minimize/maximize, lower/higher, min/max)",
     "'upwards'", "- metric_direction: higher_is_better"),
    ("- time_budget: ten minutes",
     "CLAUDE.md:4: bad value for time_budget: must be a number of seconds (600) or a duration "
     "(10m, 1.5h)", "'ten minutes'", "- time_budget: 600"),
    ("- time_budget: -5",
     "CLAUDE.md:4: bad value for time_budget: must be more than 0 seconds", "'-5'",
     "- time_budget: 600"),
    ("- repeats: 2.5",
     "CLAUDE.md:4: bad value for repeats: must be a whole number", "'2.5'", "- repeats: 2"),
    ("- alpha: 5", "CLAUDE.md:4: bad value for alpha: must be more than 0 and at most 0.5 (the chance of keeping a change that is not better; 0.05 is usual)",
     "'5'", "- alpha: 0.05"),
    ("- target_file: missing.py",
     "CLAUDE.md:4: target_file: 'missing.py' does not exist in the repository",
     "'missing.py'", "- target_file: src/model.py"),
    ("- target_file: ../outside.py",
     "CLAUDE.md:4: target_file: '../outside.py' is outside the repository ({root})",
     "'../outside.py'", "- target_file: src/model.py"),
    ("- target_file: /etc/hostname",
     "CLAUDE.md:4: target_file: '/etc/hostname' is outside the repository ({root})",
     "'/etc/hostname'", "- target_file: src/model.py"),
    ("- readonly_files: prepare.py, ../x.py",
     "CLAUDE.md:4: readonly_files: '../x.py' is outside the repository ({root})",
     "'prepare.py, ../x.py'", "- readonly_files: data/dataset.py, config.yaml"),
    ("- editable_files: nope.py",
     "CLAUDE.md:4: editable_files: 'nope.py' does not exist in the repository",
     "'nope.py'", "- editable_files: src/layers.py, src/optim.py"),
    ("- target_file: .git/config",
     "CLAUDE.md:4: target_file: '.git/config' is inside .git",
     "'.git/config'", "- target_file: src/model.py"),
    ("- readonly_files: train.py",
     "CLAUDE.md:4: train.py is both editable and read-only; remove it from one list",
     "'train.py'", "- readonly_files: data/dataset.py, config.yaml"),
])
def test_bad_claude_md_value(make_repo, cli, line, first, value, example):
    repo = make_repo(section("- min_delta: 0", line))
    # the bad line is line 5: the heading is line 3, "- min_delta: 0" line 4
    lines = error_lines(cli(repo, "config"))
    key = line[2:].split(":")[0]
    assert lines == [
        "autoresearch config: error: " + first.replace("CLAUDE.md:4", "CLAUDE.md:5")
        .format(root=os.path.realpath(repo)),
        f"  key: {key}",
        f"  value: {value}",
        f"  example: {example}",
    ]


def test_unknown_key_without_a_close_match_lists_the_keys(make_repo, cli):
    repo = make_repo(section("- colour: blue"))
    assert error_lines(cli(repo, "config")) == [
        "autoresearch config: error: CLAUDE.md:4: unknown key 'colour' (the keys are: "
        "target_file, run_command, metric_name, metric_parse, metric_direction, time_budget, "
        "readonly_files, editable_files, verify_command, repeats, max_repeats, min_delta, alpha, "
        "setup_command, max_experiments, artifact, size, guard_pattern, hidden_files, "
        "holdout_command, holdout_metric, holdout_tolerance, instructions)",
        "  key: colour", "  value: 'blue'", "  example: - time_budget: 600"]


def test_symlink_resolving_outside(make_repo, cli, tmp_path):
    outside = tmp_path / "secret.py"
    outside.write_text("x = 1\n")
    repo = make_repo(section("- readonly_files: link.py"))
    (repo / "link.py").symlink_to(outside)
    lines = error_lines(cli(repo, "config"))
    assert lines[0] == ("autoresearch config: error: CLAUDE.md:4: readonly_files: 'link.py' is a "
                        f"symlink that resolves outside the repository (to {os.path.realpath(outside)})")
    assert lines[1:3] == ["  key: readonly_files", "  value: 'link.py'"]


def test_duplicated_key(make_repo, cli):
    repo = make_repo(section("- repeats: 2", "- alpha: 0.1", "- repeats: 3"))
    assert error_lines(cli(repo, "config")) == [
        "autoresearch config: error: CLAUDE.md:6: the key 'repeats' is given twice "
        "(first at CLAUDE.md:4); keep one",
        "  key: repeats", "  value: '3'", "  example: - repeats: 2"]


def test_duplicated_key_between_bullets_and_yaml(make_repo, cli):
    repo = make_repo(section("- repeats: 2", "```yaml", "repeats: 3", "```"))
    lines = error_lines(cli(repo, "config"))
    assert lines[0] == ("autoresearch config: error: CLAUDE.md:6: the key 'repeats' is given "
                        "twice (first at CLAUDE.md:4); keep one")


def test_two_sections(make_repo, cli):
    repo = make_repo({**ML, "CLAUDE.md": "## autoresearch\n- repeats: 2\n## Other\n"
                                         "## Autoresearch\n- alpha: 0.1\n"})
    assert error_lines(cli(repo, "config")) == [
        "autoresearch config: error: CLAUDE.md:4: a second autoresearch section starts at "
        "line 4 (the first at line 1); keep one section",
        "  example: ## autoresearch"]


def test_invalid_yaml_block(make_repo, cli):
    repo = make_repo(section("```yaml", "repeats: 3", "alpha: [0.1", "```"))
    lines = error_lines(cli(repo, "config"))
    assert lines[0].startswith("autoresearch config: error: CLAUDE.md:6: the yaml block of the "
                               "autoresearch section is not valid YAML (")


@pytest.mark.parametrize("pyproject, first, rest", [
    ("[tool.autoresearch]\ntime_budget = 600\nrepeats = \n",
     "autoresearch config: error: pyproject.toml:3: pyproject.toml is not valid TOML: "
     "Invalid value (at line 3, column 11)",
     ["  example: [tool.autoresearch]", "time_budget = 600"]),
    ("[tool]\nautoresearch = \"fast\"\n",
     "autoresearch config: error: pyproject.toml:2: tool.autoresearch must be a table of keys, "
     "not a single value",
     ["  key: tool.autoresearch", "  value: 'fast'", "  example: [tool.autoresearch]",
      'metric_name = "val_bpb"']),
    ("[tool.autoresearch]\nrepeats = 1\ntimeout = 600\n",
     "autoresearch config: error: pyproject.toml:3: unknown key 'timeout' (did you mean "
     "'time_budget'?)",
     ["  key: timeout", "  value: 600",
      "  example: time_budget = 600   (under [tool.autoresearch] in pyproject.toml)"]),
    ("[tool.autoresearch]\nrepeats = 1.5\n",
     "autoresearch config: error: pyproject.toml:2: bad value for repeats: must be a whole number",
     ["  key: repeats", "  value: 1.5",
      "  example: repeats = 2   (under [tool.autoresearch] in pyproject.toml)"]),
])
def test_bad_pyproject(make_repo, cli, pyproject, first, rest):
    repo = make_repo({**ML, "pyproject.toml": pyproject})
    assert error_lines(cli(repo, "config")) == [first, *rest]


@pytest.mark.parametrize("args, lines", [
    (["--set", "repeats"],
     ["autoresearch config: error: --set expects KEY=VALUE, got 'repeats' "
      "(example: --set time_budget=600)"]),
    (["--set", "=3"],
     ["autoresearch config: error: --set expects KEY=VALUE, got '=3' "
      "(example: --set time_budget=600)"]),
    (["--set", "repeats=2", "--set", "repeats=3"],
     ["autoresearch config: error: --set repeats is given twice ('2' and '3'); keep one"]),
    (["--set", "repeats=two"],
     ["autoresearch config: error: command line: bad value for repeats: must be a whole number",
      "  key: repeats", "  value: 'two'", "  example: --set repeats=2"]),
    (["--set", "max_experiment=5"],
     ["autoresearch config: error: command line: unknown key 'max_experiment' (did you mean "
      "'max_experiments'?)",
      "  key: max_experiment", "  value: '5'", "  example: --set max_experiments=100"]),
])
def test_bad_set(make_repo, cli, args, lines):
    repo = make_repo(ML)
    assert error_lines(cli(repo, "config", *args)) == lines


def test_nothing_detected_shows_the_section_to_write(make_repo, cli):
    repo = make_repo({"README.md": "hello\n", "CLAUDE.md": "## autoresearch\n- time_budget: 60\n"})
    lines = error_lines(cli(repo, "config"))
    assert lines[0].startswith("autoresearch config: error: CLAUDE.md: no project type detected "
                               "(looked for train.py, package.json")
    assert lines[0].endswith("and no target_file, run_command, metric_name configured; add an "
                             "autoresearch section to CLAUDE.md:")
    assert lines[1:8] == [
        "",
        "    ## autoresearch",
        "    - target_file: src/model.py",
        "    - run_command: python train.py --epochs 5",
        "    - metric_name: accuracy",
        "    - metric_direction: higher_is_better",
        "",
    ]
    assert lines[8:] == ["  key: target_file",
                         "  example: --set target_file=src/model.py for one run"]


def test_custom_without_target_file(make_repo, cli):
    repo = make_repo({"CLAUDE.md": "## autoresearch\n- run_command: ./b.sh\n- metric_name: s\n"})
    assert error_lines(cli(repo, "config")) == [
        "autoresearch config: error: CLAUDE.md: the custom adapter found no target_file; set it "
        "in the autoresearch section of CLAUDE.md",
        "  key: target_file",
        "  example: - target_file: src/model.py",
    ]


def test_not_a_git_repository(tmp_path, cli):
    result = cli(tmp_path, "config")
    assert result.code == 1
    assert result.err.startswith("autoresearch config: error: not a git repository")


@pytest.mark.parametrize("heading, meant", [
    ("## Autoreserch", "## autoresearch"),
    ("## auto-research", "## autoresearch"),
    ("### Auto Research config", "### autoresearch"),
])
def test_a_near_miss_heading_with_settings_is_a_did_you_mean(make_repo, cli, heading, meant):
    repo = make_repo({**ML, "CLAUDE.md": f"# Project\n\n{heading}\n- time_budget: 60\n"})
    said = (f"CLAUDE.md:3: the heading '{heading}' is not the autoresearch section, so the "
            f"settings under it would be ignored: did you mean '{meant}'?")
    for verb in ("config", "setup"):
        assert error_lines(cli(repo, verb)) == [f"autoresearch {verb}: error: {said}",
                                                f"  example: {meant}"]
    assert said in cli(repo, "detect").err  # detect warns of any adapter it had to skip


def test_a_heading_that_only_looks_close_is_left_alone(make_repo, cli):
    # prose under a close heading, or settings under a heading that is not close
    repo = make_repo({**ML, "CLAUDE.md": "## Autoreserch\nIdeas for later.\n\n"
                                         "## Research\n- time_budget: 60\n"})
    assert cli(repo, "config").code == 0
