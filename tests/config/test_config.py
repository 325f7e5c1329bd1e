"""`autoresearch config` end to end: sources, precedence, the custom type, the API."""

from __future__ import annotations

import json

from autoresearch_helpers.config.load import Config, load_config

ML = {"train.py": "import torch\nprint(f\"val_bpb: {1.0:.4f}\")\n", "prepare.py": "# data\n"}
ML_SOURCE = "adapter ml (train.py, prepare.py)"
PIPELINE = "grep \"accuracy:\" run.log | tail -1 | awk '{print $2}'"


def keys(result) -> dict:
    return {k: (v["value"], v["source"]) for k, v in result.json()["keys"].items()}


def test_adapter_defaults_table(make_repo, cli):
    repo = make_repo(ML)
    result = cli(repo, "config")
    assert result.code == 0, result
    assert result.out.splitlines() == [
        "type: ml (train.py, prepare.py)",
        "",
        "key                value            source",
        f"target_file        train.py         {ML_SOURCE}",
        f"run_command        python train.py  {ML_SOURCE}",
        f"metric_name        val_bpb          {ML_SOURCE}",
        "metric_parse       -                default",
        f"metric_direction   lower_is_better  {ML_SOURCE}",
        f"time_budget        600              {ML_SOURCE}",
        "readonly_files     -                default",
        "editable_files     -                default",
        "verify_command     -                default",
        "repeats            1                default",
        "max_repeats        8                default",
        "min_delta          0                default",
        "alpha              0.05             default",
        "setup_command      -                default",
        "max_experiments    -                default",
        "artifact           -                default",
        "size               -                default",
        "guard_pattern      -                default",
        "hidden_files       -                default",
        "holdout_command    -                default",
        "holdout_metric     -                default",
        "holdout_tolerance  0                default",
        "instructions       -                default",
        "",
        "measure: the last 'val_bpb: value' line of run.log",
    ]


def test_json_has_every_key_with_source(make_repo, cli):
    repo = make_repo(ML)
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    doc = result.json()
    assert doc["type"] == "ml"
    assert (doc["measure"], doc["artifact"], doc["unit"]) == ("printed", None, None)
    assert doc["editable"] == ["train.py"] and doc["readonly"] == []
    assert keys(result) == {
        "target_file": ("train.py", ML_SOURCE), "run_command": ("python train.py", ML_SOURCE),
        "metric_name": ("val_bpb", ML_SOURCE), "metric_parse": (None, "default"),
        "metric_direction": ("lower_is_better", ML_SOURCE), "time_budget": (600, ML_SOURCE),
        "readonly_files": (None, "default"), "editable_files": (None, "default"),
        "verify_command": (None, "default"), "repeats": (1, "default"),
        "max_repeats": (8, "default"),
        "min_delta": (0, "default"), "alpha": (0.05, "default"),
        "setup_command": (None, "default"), "max_experiments": (None, "default"),
        "artifact": (None, "default"), "size": (None, "default"),
        "guard_pattern": (None, "default"), "hidden_files": (None, "default"),
        "holdout_command": (None, "default"), "holdout_metric": (None, "default"),
        "holdout_tolerance": (0, "default"), "instructions": (None, "default"),
    }


def test_precedence_adapter_pyproject_claude_md_command_line(make_repo, cli):
    repo = make_repo({
        **ML,
        "pyproject.toml": "[project]\nname = 'x'\n\n[tool.autoresearch]\ntime_budget = 100\n"
                          "repeats = 2\nmin_delta = 0.5\nverify_command = \"pytest -q\"\n",
        "CLAUDE.md": "# Notes\n\n## autoresearch\n- repeats: 3\n- min_delta: 0.25\n",
    })
    result = cli(repo, "config", "--json", "--set", "min_delta=0.125")
    assert result.code == 0, result
    got = keys(result)
    assert got["run_command"] == ("python train.py", ML_SOURCE)
    assert got["time_budget"] == (100, "pyproject.toml:5")
    assert got["verify_command"] == ("pytest -q", "pyproject.toml:8")
    assert got["repeats"] == (3, "CLAUDE.md:4")
    assert got["min_delta"] == (0.125, "command line")
    assert result.json()["type"] == "ml"  # a partial section does not make the type custom


def test_partial_section_overrides_the_adapter(make_repo, cli):
    repo = make_repo({**ML, "CLAUDE.md": "## autoresearch\n- time_budget: 10m\n"})
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    assert result.json()["type"] == "ml"
    assert keys(result)["time_budget"] == (600, "CLAUDE.md:2")


def test_renamed_metric_gets_a_direction_and_is_printed(make_repo, cli):
    repo = make_repo({**ML, "CLAUDE.md": "## autoresearch\n- metric_name: val_accuracy\n"})
    result = cli(repo, "config", "--json")
    got = keys(result)
    assert got["metric_direction"] == ("higher_is_better", "guessed from metric_name 'val_accuracy'")
    assert result.json()["measure"] == "printed"


def test_yaml_block_and_other_sections(make_repo, cli):
    repo = make_repo({**ML, "data/a.py": "", "data/b.py": "", "src/layers.py": "",
                      "CLAUDE.md": "# Style\n- repeats: 9\n\n## autoresearch\n\n```yaml\n"
                                   "repeats: 4\nreadonly_files:\n  - data/a.py\n  - data/b.py\n"
                                   "editable_files: src/layers.py\n```\n\n## Testing\n"
                                   "- alpha: 0.5\n"})
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    got = keys(result)
    assert got["repeats"] == (4, "CLAUDE.md:7")
    assert got["readonly_files"] == (["data/a.py", "data/b.py"], "CLAUDE.md:8")
    assert got["alpha"] == (0.05, "default")
    assert result.json()["editable"] == ["train.py", "src/layers.py"]
    assert result.json()["readonly"] == ["data/a.py", "data/b.py"]


def test_custom_project_from_claude_md(make_repo, cli):
    repo = make_repo({
        "src/model.py": "x = 1\n", "data/dataset.py": "", "config.yaml": "a: 1\n",
        "CLAUDE.md": "# My project\n\nSome words.\n\n## autoresearch\n"
                     "- target_file: src/model.py\n- run_command: python train.py --epochs 5\n"
                     "- metric_name: accuracy\n"
                     f"- metric_parse: {PIPELINE}\n"
                     "- metric_direction: maximize\n- time_budget: 600\n"
                     "- readonly_files: data/dataset.py, config.yaml\n\n## Other\n- x: y\n",
    })
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    doc = result.json()
    assert doc["type"] == "custom"
    got = keys(result)
    assert got["target_file"] == ("src/model.py", "CLAUDE.md:6")
    assert got["run_command"] == ("python train.py --epochs 5", "CLAUDE.md:7")
    assert got["metric_parse"] == (PIPELINE, "CLAUDE.md:9")
    assert got["metric_direction"] == ("higher_is_better", "CLAUDE.md:10")
    assert got["readonly_files"] == (["data/dataset.py", "config.yaml"], "CLAUDE.md:12")
    assert doc["measure"] == "printed"
    text = cli(repo, "config")
    assert text.out.splitlines()[0] == "type: custom (CLAUDE.md)"
    assert f"metric_parse       {PIPELINE}  CLAUDE.md:9" in text.out.splitlines()


def test_custom_wins_over_detected_type(make_repo, cli):
    repo = make_repo({**ML, "CLAUDE.md": "## autoresearch\n- run_command: ./bench.sh\n"
                                         "- metric_name: ops_per_s\n- target_file: train.py\n"})
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    assert result.json()["type"] == "custom"
    assert keys(result)["metric_direction"] == ("higher_is_better",
                                                "guessed from metric_name 'ops_per_s'")
    assert keys(result)["time_budget"] == (300, "default")
    detect = cli(repo, "detect", "--json").json()
    assert detect["type"] == "custom"
    assert detect["evidence"] == ["CLAUDE.md"]
    assert [a["type"] for a in detect["alternatives"]] == ["ml"]


def test_custom_from_pyproject(make_repo, cli):
    repo = make_repo({"bench.py": "", "pyproject.toml":
                      "[tool.autoresearch]\ntarget-file = \"bench.py\"\n"
                      "run_command = \"python bench.py\"\nmetric_name = \"score\"\n"
                      "readonly_files = [\"pyproject.toml\"]\n"})
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    assert result.json()["type"] == "custom"
    assert keys(result)["target_file"] == ("bench.py", "pyproject.toml:2")
    assert keys(result)["readonly_files"] == (["pyproject.toml"], "pyproject.toml:5")


def test_claude_md_with_bom_and_crlf(make_repo, cli):
    repo = make_repo(ML)
    (repo / "CLAUDE.md").write_bytes("\ufeff## autoresearch\r\n- repeats: 2\r\n".encode())
    assert keys(cli(repo, "config", "--json"))["repeats"] == (2, "CLAUDE.md:2")


def test_claude_md_in_dot_claude(make_repo, cli):
    repo = make_repo({**ML, ".claude/CLAUDE.md": "## autoresearch\n- repeats: 2\n"})
    assert keys(cli(repo, "config", "--json"))["repeats"] == (2, ".claude/CLAUDE.md:2")


def test_empty_value_unsets(make_repo, cli):
    repo = make_repo({**ML, "CLAUDE.md": "## autoresearch\n- repeats: 5\n"})
    result = cli(repo, "config", "--json", "--set", "repeats=")
    assert keys(result)["repeats"] == (1, "command line")


def test_target_file_from_command_line_and_paths_are_normalised(make_repo, cli):
    repo = make_repo({**ML, "src/model.py": "", "data/x.py": ""})
    result = cli(repo, "config", "--json", "--set", "target_file=./src/../src/model.py",
                 "--set", f"readonly_files={repo}/data/, prepare.py")
    assert result.code == 0, result
    assert result.json()["editable"] == ["src/model.py"]
    assert result.json()["readonly"] == ["data/", "prepare.py"]


def test_run_from_a_subfolder_uses_the_repository_root(make_repo, cli):
    repo = make_repo({**ML, "src/x.py": ""})
    result = cli(repo / "src", "config", "--json")
    assert result.code == 0, result
    assert keys(result)["target_file"] == ("train.py", ML_SOURCE)


def test_round_trip_through_session_json(make_repo):
    repo = make_repo({**ML, "CLAUDE.md": "## autoresearch\n- repeats: 3\n"})
    cfg = load_config(repo, {"time_budget": "90"})
    data = json.loads(json.dumps(cfg.to_dict(), allow_nan=False))
    again = Config.from_dict(repo, data)
    assert again.values == cfg.values and again.sources == cfg.sources
    assert (again.type, again.measure, again.editable) == ("ml", "printed", ["train.py"])
    assert again.detection == cfg.detection
    assert again["time_budget"] == 90
