"""``--agent optuna``: a built-in agent with no LLM, Optuna's TPE sampler over the target
file's numeric constants (agents/constants.py says which and in what range).

Each ``act`` asks the study for a trial, writes ALL its values into the target file (the
loop has reset it to the champion, so the file holds exactly the trial's values) and says
``optuna trial 7: lr=0.0031, depth=5``. ``tell`` reports the experiment's value, or a
failed trial for a crash. The study lives in SQLite, ``.autoresearch/optuna.db``, one
study per session tag, so a resumed loop (a new agent on the same repository) continues
it. A new study starts with the champion's values as a finished trial of the champion's
value, so TPE knows the starting point without spending an experiment on it. Its search
space is fixed when the study starts (kept in the study), so a range written around the
current value does not drift as champions change.

``AUTORESEARCH_OPTUNA_SEED`` (or ``seed=``) seeds the sampler for reproducible runs.
"""

from __future__ import annotations

import math
import os
import warnings

from autoresearch_helpers import paths
from autoresearch_helpers.agents import constants
from autoresearch_helpers.agents.base import Reply, Turn
from autoresearch_helpers.engine.experiment import Outcome
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.vocab import CRASH

SEED_ENV = "AUTORESEARCH_OPTUNA_SEED"
DB = "optuna.db"
STARTUP_TRIALS = 5  # random trials before TPE models the results (Optuna's default: 10)
MAX_REPEATS = 20  # trials in a row that propose the champion's own values


class OptunaAgent:
    name = "optuna"

    def __init__(self, root, seed: int | None = None):
        self.root = str(root)
        env = os.environ.get(SEED_ENV, "").strip()
        if seed is None and env:
            try:
                seed = int(env)
            except ValueError:
                raise AutoresearchError(f"{SEED_ENV}={env!r} is not an integer") from None
        self.seed = seed
        self._study = None
        self._trial = None
        self._space: dict[str, dict] = {}

    def check(self, target: str) -> None:
        """Refuse a target file with nothing to tune (or a bad marker) before any setup:
        the error constants.find gives."""
        path = os.path.join(self.root, target)
        if os.path.isfile(path):  # a missing one is setup's to report
            with open(path, encoding="utf-8") as handle:
                constants.find(handle.read(), target)

    # -- the Agent protocol -------------------------------------------------------------

    def act(self, turn: Turn) -> Reply:
        optuna = _optuna()
        state = turn.state
        rel = state.config["values"]["target_file"]
        path = os.path.join(turn.root, rel)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        found = constants.find(text, rel)
        study = self._open(optuna, state, found)
        for _ in range(MAX_REPEATS):
            study.sampler = optuna.samplers.TPESampler(
                seed=None if self.seed is None else self.seed + len(study.trials),
                n_startup_trials=STARTUP_TRIALS)
            trial = study.ask({c.name: _distribution(optuna, self._space[c.name])
                               for c in found})
            values = {c.name: constants.literal(_value(self._space[c.name],
                                                       trial.params[c.name]), c.kind)
                      for c in found}
            new = constants.rewrite(text, values, found)
            if new != text:
                break
            # the champion's own file: its value is known, so the trial costs no experiment
            trial.set_user_attr("experiment", "champion")
            known = state.champion.value if state.champion else None
            if known is None:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                study.tell(trial, known)
        else:
            return Reply(error="agent_failed", detail=f"optuna proposed the champion's values "
                         f"{MAX_REPEATS} times in a row: the search space of {rel} may be "
                         "too small to explore")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(new)
        self._trial = trial
        shown = ", ".join(f"{name}={text}" for name, text in values.items())
        return Reply(description=f"optuna trial {trial.number}: {shown}")

    def tell(self, outcome: Outcome) -> None:
        if self._trial is None or self._study is None:
            return
        optuna = _optuna()
        trial, self._trial = self._trial, None
        trial.set_user_attr("experiment", outcome.number)
        value = outcome.value
        if outcome.status == CRASH or value is None or not math.isfinite(value):
            if outcome.error:
                trial.set_user_attr("error", outcome.error)
            self._study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            self._study.tell(trial, value)

    # -- the study ----------------------------------------------------------------------

    def _open(self, optuna, state, found):
        if self._study is not None:
            self._add_new(found)
            return self._study
        os.makedirs(paths.state_dir(self.root), exist_ok=True)
        storage = "sqlite:///" + os.path.join(paths.state_dir(self.root), DB)
        study = optuna.create_study(
            storage=storage, study_name=f"autoresearch-{state.tag}", load_if_exists=True,
            direction="minimize" if state.direction == "lower_is_better" else "maximize")
        for old in study.get_trials(deepcopy=False,
                                    states=(optuna.trial.TrialState.RUNNING,)):
            study.tell(old.number, state=optuna.trial.TrialState.FAIL)  # a loop that died
        self._study = study
        self._space = dict(study.user_attrs.get("space", {}))
        fresh = not self._space and not study.trials
        self._add_new(found)
        if fresh:
            self._seed_champion(optuna, state, found)
        return study

    def _add_new(self, found) -> None:
        """Fix the range of each constant the study has not seen yet."""
        added = False
        for c in found:
            if c.name not in self._space:
                self._space[c.name] = {"kind": c.kind, "low": c.low, "high": c.high,
                                       "log": c.log}
                added = True
        if added:
            self._study.set_user_attr("space", self._space)

    def _seed_champion(self, optuna, state, found) -> None:
        if state.champion is None or state.champion.value is None:
            return
        params, dists = {}, {}
        for c in found:
            space = self._space[c.name]
            if not space["low"] <= c.value <= space["high"]:
                return  # outside its marked range: TPE starts without it
            params[c.name] = _param(space, c.value)
            dists[c.name] = _distribution(optuna, space)
        self._study.add_trial(optuna.trial.create_trial(
            params=params, distributions=dists, value=state.champion.value,
            user_attrs={"experiment": "champion"}))


def _optuna():
    """Optuna, imported on first use (it takes a second) and quiet below warnings."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna


def _mirrored(space: dict) -> bool:
    """A log range below zero: Optuna samples its magnitude."""
    return space["log"] and space["high"] < 0


def _distribution(optuna, space: dict):
    low, high = space["low"], space["high"]
    if _mirrored(space):
        low, high = -high, -low
    if space["kind"] == "int":
        return optuna.distributions.IntDistribution(int(low), int(high), log=space["log"])
    return optuna.distributions.FloatDistribution(float(low), float(high), log=space["log"])


def _param(space: dict, value):
    value = -value if _mirrored(space) else value
    return int(round(value)) if space["kind"] == "int" else float(value)


def _value(space: dict, param):
    return -param if _mirrored(space) else param
