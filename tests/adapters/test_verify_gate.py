"""The correctness gate each project type proposes (verify_command), where the project has
tests, and what setup and run make of it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import git
from engine_project import tsv_rows

PYTEST = Path(sys.executable).with_name("pytest")  # the real pytest of this environment

TRAIN = ("def predict(x):\n    return 2 * x\n\n\nif __name__ == '__main__':\n"
         "    print('val_bpb:', {v})\n")
TEST_TRAIN = "from train import predict\n\n\ndef test_predict():\n    assert predict(2) == 4\n"


def path_env(tmp_path, with_pytest: bool) -> dict:
    """PATH without this environment's tools; with a real pytest when ``with_pytest``."""
    folder = tmp_path / ("bin-pytest" if with_pytest else "bin-none")
    folder.mkdir(exist_ok=True)
    if with_pytest and not (folder / "pytest").exists():
        os.symlink(PYTEST, folder / "pytest")
    return {"PATH": f"{folder}:/usr/bin:/bin"}


def ml_files(**more) -> dict:
    return {"train.py": TRAIN.format(v=1.5), "prepare.py": "# data\n", **more}


@pytest.mark.parametrize("name, verify", [
    ("maven_app", "mvn -q test"),  # src/test/java
    ("kotlin_gradle_multimodule", "./gradlew test"),  # app/src/test, a wrapper
    ("groovy_gradle_two_mains", None),  # no src/test
    ("flutter_app", None),  # no test/
    ("karpathy_ml", None),  # no tests
])
def test_fixtures_propose_a_gate_only_with_tests(project_repo, cli, name, verify):
    doc = cli(project_repo(name), "detect", "--json").json()
    assert doc["verify_command"] == verify


@pytest.mark.parametrize("files, verify", [
    ({"pom.xml": "<project><modules><module>core</module></modules></project>",
      "mvnw": "#!/bin/sh\n", "core/src/test/java/T.java": "class T {}\n",
      "core/src/main/java/App.java": "class App { public static void main(String[] a) {} }\n"},
     "./mvnw -q test"),
    ({"build.gradle": "plugins { id 'application' }\n", "src/test/java/T.java": "class T {}\n",
      "src/main/java/App.java": "class App { public static void main(String[] a) {} }\n"},
     "gradle test"),
    ({"pubspec.yaml": "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n",
      "lib/main.dart": "void main() {}\n", "test/widget_test.dart": "void main() {}\n"},
     "flutter test"),
])
def test_jvm_and_flutter_gates(make_repo, cli, files, verify):
    result = cli(make_repo(files), "detect", "--explain")
    assert f"verify:  {verify}\n" in result.out, result
    assert f"  - verify_command {verify}: tests in " in result.out


@pytest.mark.parametrize("more, with_pytest, verify", [
    ({"test_train.py": TEST_TRAIN, "requirements.txt": "numpy\npytest>=7\n"}, False,
     "pytest -x -q"),
    ({"tests/test_train.py": TEST_TRAIN, "pyproject.toml": "[tool.pytest.ini_options]\n"}, False,
     "pytest -x -q"),
    ({"test_train.py": TEST_TRAIN}, True, "pytest -x -q"),  # installed, not listed
    ({"test_train.py": TEST_TRAIN, "uv.lock": "", "requirements-dev.txt": "pytest\n"}, False,
     "uv run pytest -x -q"),
    ({"test_train.py": TEST_TRAIN, "requirements.txt": "pytest-cov-lookalike\n"}, False, None),
    ({"requirements.txt": "pytest\n"}, True, None),  # no tests
])
def test_ml_proposes_pytest_when_there_are_tests_and_pytest(make_repo, cli, tmp_path, more,
                                                            with_pytest, verify):
    repo = make_repo(ml_files(**more))
    doc = cli(repo, "detect", "--json", env=path_env(tmp_path, with_pytest)).json()
    assert doc["verify_command"] == verify
    assert any("verify_command" in note for note in doc["notes"])


def test_the_adapters_gate_runs_at_setup_and_on_every_experiment(make_repo, cli, tmp_path):
    env = path_env(tmp_path, with_pytest=True)
    repo = make_repo(ml_files(**{"test_train.py": TEST_TRAIN, ".gitignore": "__pycache__/\n"
                                 ".pytest_cache/\n"}))
    config = cli(repo, "config", "--json", env=env).json()["keys"]["verify_command"]
    assert config == {"value": "pytest -x -q", "source": "adapter ml (train.py, prepare.py)"}
    setup = cli(repo, "setup", "--tag", "t1", env=env)
    assert setup.code == 0, setup
    assert "  verify_command: pytest -x -q  (adapter ml (train.py, prepare.py))" in setup.out
    # a better number from a broken model: the tests catch it
    (repo / "train.py").write_text(TRAIN.format(v=0.5).replace("2 * x", "2 + x + 1"))
    result = cli(repo, "run", "-d", "faster, and wrong", env=env)
    assert "CRASH (verify_failed) · verify_command failed (exit_1): pytest -x -q" in result.out
    assert "--- last lines of .autoresearch/verify.log ---" in result.out
    assert "assert 5 == 4" in result.out
    (repo / "train.py").write_text(TRAIN.format(v=0.5))
    assert "KEEP (improved)" in cli(repo, "run", "-d", "faster, and right", env=env).out


def test_a_failing_adapter_gate_stops_setup_and_can_be_turned_off(make_repo, cli, tmp_path):
    env = path_env(tmp_path, with_pytest=True)
    failing = TEST_TRAIN.replace("== 4", "== 5")
    repo = make_repo(ml_files(**{"test_train.py": failing, ".gitignore": "__pycache__/\n"
                                 ".pytest_cache/\n"}))
    result = cli(repo, "setup", "--tag", "t1", env=env)
    assert result.code == 1, result
    assert "The correctness gate verify_command (from adapter ml (train.py, prepare.py))" \
        in result.err
    assert "assert 4 == 5" in result.err and "setup --set verify_command=" in result.err
    assert tsv_rows(repo) == []
    assert not (repo / ".claude" / "logs" / "autoresearch.jsonl").exists()
    # an empty value in CLAUDE.md turns the gate off as --set does
    (repo / "CLAUDE.md").write_text("## autoresearch\n- verify_command:\n")
    git(repo, "add", "CLAUDE.md")
    git(repo, "commit", "-qm", "no gate")
    config = cli(repo, "config", "--json", env=env).json()["keys"]["verify_command"]
    assert config["value"] is None and config["source"].startswith("CLAUDE.md:")
    again = cli(repo, "setup", env=env)
    assert again.code == 0, again
    assert "verify_command" not in again.out
    assert tsv_rows(repo)[0][2:4] == ["1.500000", "keep"]
