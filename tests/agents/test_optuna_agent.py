"""The optuna agent end to end: a small act / `autoresearch run` / tell loop (the loop of
`autoresearch loop`, written here so the agent is tested on its own) on real projects."""

from __future__ import annotations

import time
from pathlib import Path

import optuna
import pytest

from autoresearch_helpers.agents.base import Agent, Turn
from autoresearch_helpers.agents.optuna_agent import OptunaAgent
from autoresearch_helpers.engine.experiment import Outcome
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import session


def drive(root: Path, agent, n: int, cli) -> list[dict]:
    """n iterations: act, run the experiment through the CLI, tell the outcome."""
    done = []
    for _ in range(n):
        state = session.load(str(root))
        reply = agent.act(Turn(root=str(root), prompt="", state=state, timeout_s=60))
        assert reply.error is None and reply.description, reply
        result = cli(root, "run", "-d", reply.description, "--json")
        assert result.code == 0, result
        got = result.json()
        agent.tell(Outcome(number=got["experiment"], status=got["status"],
                           description=reply.description, value=got["value"],
                           error=got["error"]))
        done.append(dict(got, description=reply.description))
    return done


def study(root: Path, tag: str):
    return optuna.load_study(study_name=f"autoresearch-{tag}",
                             storage=f"sqlite:///{root / '.autoresearch' / 'optuna.db'}")


def example(tmp_path, cli, name: str | None = None) -> Path:
    root = tmp_path / "project"
    made = cli(tmp_path, "new", str(root), *(["-e", name] if name else []))
    assert made.code == 0, made
    setup = cli(root, "setup", "--tag", "t1")
    assert setup.code == 0, setup
    return root


def test_fifteen_trials_improve_the_default_example(tmp_path, cli):
    root = example(tmp_path, cli)
    agent = OptunaAgent(root, seed=0)
    assert isinstance(agent, Agent) and agent.name == "optuna"
    started = time.monotonic()
    done = drive(root, agent, 15, cli)
    seconds = time.monotonic() - started
    status = cli(root, "status", "--json").json()
    assert status["experiments"] == 15
    assert status["best"] < status["baseline"] * 0.8, (status["baseline"], status["best"])
    assert status["keep"] >= 1
    assert seconds < 120, seconds  # about 10 s on 2 cores; generous for a loaded machine
    assert max(d["duration_s"] for d in done) < 10  # each run well under a second when idle
    first = done[0]["description"]
    assert first.startswith("optuna trial 1: LEARNING_RATE=") and "EPOCHS=" in first
    # the study knows the baseline (trial 0) and every experiment, each with its number
    trials = study(root, "t1").trials
    assert len(trials) == 16 and trials[0].user_attrs["experiment"] == "champion"
    assert trials[0].value == status["baseline"]
    assert [t.user_attrs["experiment"] for t in trials[1:]] == list(range(1, 16))


def test_the_trial_is_written_into_the_target_file(tmp_path, cli):
    root = example(tmp_path, cli)
    before = (root / "train.py").read_text()
    reply = OptunaAgent(root, seed=1).act(Turn(root=str(root), prompt="",
                                               state=session.load(str(root)), timeout_s=60))
    after = (root / "train.py").read_text()
    for pair in reply.description.split(": ", 1)[1].split(", "):
        name, value = pair.split("=")
        assert f"\n{name} = {value}  # autoresearch: tune" in after
    # only the literals changed: the same lines, the same comments
    assert len(after.splitlines()) == len(before.splitlines())
    assert [line.split("#")[1] for line in after.splitlines() if "# autoresearch" in line] == \
        [line.split("#")[1] for line in before.splitlines() if "# autoresearch" in line]
    assert "SEED = 0\n" in after  # not marked: not tuned


def test_a_resumed_agent_continues_the_study(tmp_path, cli, monkeypatch):
    root = example(tmp_path, cli)
    monkeypatch.setenv("AUTORESEARCH_OPTUNA_SEED", "3")
    drive(root, OptunaAgent(root), 3, cli)
    assert len(study(root, "t1").trials) == 4  # the baseline and three experiments
    later = drive(root, OptunaAgent(root), 1, cli)
    assert later[0]["description"].startswith("optuna trial 4: ")
    trials = study(root, "t1").trials
    assert len(trials) == 5 and trials[4].user_attrs["experiment"] == 4
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)


def test_a_trial_left_running_by_a_dead_loop_is_failed(tmp_path, cli):
    root = example(tmp_path, cli)
    state = session.load(str(root))
    OptunaAgent(root, seed=0).act(Turn(root=str(root), prompt="", state=state, timeout_s=60))
    assert cli(root, "run", "-d", "left behind", "--json").code == 0  # then the loop died
    drive(root, OptunaAgent(root, seed=0), 1, cli)
    states = [t.state for t in study(root, "t1").trials]
    assert states[1] == optuna.trial.TrialState.FAIL and states[2] == \
        optuna.trial.TrialState.COMPLETE


CRASHY = """import sys

LIMIT = 5.0  # autoresearch: tune 1..10
WIDTH = 3  # autoresearch: tune 1..9
if LIMIT != 5.0:
    sys.exit("only 5.0 works")
print("score:", LIMIT * WIDTH)
"""


def test_a_crash_is_told_as_a_failed_trial(make_repo, cli):
    from engine_project import config_text

    root = make_repo({"exp.py": CRASHY, "CLAUDE.md": config_text()})
    assert cli(root, "setup", "--tag", "c1").code == 0
    done = drive(root, OptunaAgent(root, seed=0), 2, cli)
    assert [d["status"] for d in done] == ["crash", "crash"]
    trials = study(root, "c1").trials
    assert trials[0].state == optuna.trial.TrialState.COMPLETE and trials[0].value == 15.0
    assert [t.state for t in trials[1:]] == [optuna.trial.TrialState.FAIL] * 2
    assert trials[1].user_attrs["error"] == done[0]["error"]


def test_a_bad_marker_stops_the_agent_naming_file_and_line(make_repo, cli):
    from engine_project import config_text

    text = "import sys\nX = 2.0  # autoresearch: tune 1..5 cubed\nprint('score:', X)\n"
    root = make_repo({"exp.py": text, "CLAUDE.md": config_text()})
    assert cli(root, "setup", "--tag", "b1").code == 0
    with pytest.raises(AutoresearchError, match=r"exp\.py:2: 'cubed'"):
        OptunaAgent(root).act(Turn(root=str(root), prompt="", state=session.load(str(root)),
                                   timeout_s=60))
    assert (root / "exp.py").read_text() == text  # nothing written


def test_a_bad_seed_is_one_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTORESEARCH_OPTUNA_SEED", "abc")
    with pytest.raises(AutoresearchError, match="AUTORESEARCH_OPTUNA_SEED"):
        OptunaAgent(tmp_path)


def test_results_show_the_trials(tmp_path, cli):
    root = example(tmp_path, cli)
    drive(root, OptunaAgent(root, seed=0), 2, cli)
    rows = cli(root, "results", "--json").json()["shown"]
    assert [r["description"].split(":")[0] for r in rows[1:]] == \
        ["optuna trial 1", "optuna trial 2"]


SMALL = """N = 2  # autoresearch: tune 1..3
K = 9  # autoresearch: tune 1..4
print("score:", abs(N - 3) + K)
"""


def test_a_small_space_never_proposes_the_champion_file(make_repo, cli):
    from engine_project import config_text

    root = make_repo({"exp.py": SMALL, "CLAUDE.md": config_text()})
    assert cli(root, "setup", "--tag", "s1").code == 0
    # K = 9 lies outside its range 1..4: the study starts without the champion's trial
    done = drive(root, OptunaAgent(root, seed=0), 6, cli)  # each act changed the file
    assert len(done) == 6
    trials = study(root, "s1").trials
    assert trials[0].user_attrs["experiment"] != "champion" or trials[0].params["K"] <= 4
    assert [t.user_attrs["experiment"] for t in trials
            if t.user_attrs["experiment"] != "champion"] == list(range(1, 7))
    assert min(d["value"] for d in done if d["value"] is not None) == 1  # N = 3, K = 1
