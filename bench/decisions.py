"""How often each keep rule keeps an edit that changes nothing, and how often a real gain.

Issue #12: on a noisy metric the old rules could not be trusted. This compares three rules
(bench/decision_rules.py): the naive one (one candidate run against the best value so far,
kept if strictly better), ``repeats: 5`` as it was (5 candidate runs against the champion's
5 samples taken when it was kept; one-sided Mann-Whitney U, p < 0.05 and a better median),
and the new default (a 10-run calibration at setup, then the engine's own
``engine.sequential.Trial`` per experiment: paired, interleaved, group-sequential). For each:

- false keeps of no-op edits: one against a fresh champion, and in sessions of 30 no-op
  experiments in a row where every keep replaces the champion (the winner's curse: a lucky
  value becomes the bar, or for the new rule the reference of its first-run screen);
- power: the keep rate of a true gain of 1, 2 and 3 sigma against a fresh champion;
- runs per experiment (the candidate and champion runs of the decision; the baseline or
  calibration is not counted), in particular for a clearly worse (-4 sigma) and a clearly
  better (+4 sigma) candidate.

On two metrics: (a) simulated, level 100, Gaussian noise of 1%, 5% and 10% of the level,
each also with drift (a random walk of the machine's level moving 0.3 sigma per run: over a
session's ~150 runs it wanders ~3.7 sigma, about what was measured between blocks of runs
minutes apart); seeded, so the figures repeat exactly; (b) this machine: a pure-Python loop
timed inside a fresh interpreter per run. No-op edits replay one recorded stream of the
unchanged workload (both sides are the same code); a gain of k sigma makes the candidate
do k sigma / mean less of the loop, sigma measured first (the spread within blocks of 10
runs of the recorded stream: what the engine's 10-run calibration sees). Rates carry a 95%
Wilson interval (experiments in one session are not independent, so those are a little
narrow). With noise relative to the level, the three simulated noise levels differ only
by seed and the small level-dependence of the noise: the rules are scale-free.
The targets of the new default are printed with PASS/FAIL; nothing here asserts.

    python bench/decisions.py [--quick] [--seed 12] [--real-runs 5000] [--skip-real | --skip-sim]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from decision_rules import RULES, Exhausted, Replay, Simulated, Timed, wilson  # noqa: E402

EFFECTS = (0, 1, 2, 3, -4, 4)  # true gains in sigmas; 0 is a no-op edit
SESSION = 30  # no-op experiments per session
DRIFT = 0.3  # the simulated walk's step, in noise sigmas per run
ITERATIONS = 150_000  # of the timed loop (about 15 ms here)


class Tally:
    def __init__(self):
        self.kept = self.n = self.runs = 0

    def add(self, kept: bool, runs: int) -> None:
        self.kept, self.n, self.runs = self.kept + kept, self.n + 1, self.runs + runs

    @property
    def rate(self) -> float:
        return self.kept / self.n if self.n else float("nan")

    @property
    def mean_runs(self) -> float:
        return self.runs / self.n if self.n else float("nan")

    def show(self) -> str:
        low, high = wilson(self.kept, self.n)
        return f"{100 * self.rate:5.1f}% [{100 * low:4.1f},{100 * high:5.1f}]"


def sessions(rule_cls, new_metric, count: int) -> Tally:
    """``count`` sessions of SESSION no-op experiments, or until the metric runs out."""
    tally = Tally()
    try:
        for _ in range(count):
            metric, rule = new_metric(), rule_cls()
            rule.start(metric)
            for _ in range(SESSION):
                tally.add(*rule.decide(metric, 1.0, 1.0))
    except Exhausted:
        pass
    return tally


def fresh_noops(rule_cls, stream: list[float]) -> Tally:
    """No-op edits, each against a fresh champion (the rule's own baseline), replayed from
    the recorded stream until it runs out."""
    tally, metric = Tally(), Replay(stream)
    try:
        while True:
            rule = rule_cls()
            rule.start(metric)
            tally.add(*rule.decide(metric, 1.0, 1.0))
    except Exhausted:
        return tally


def trials(new_metric, sigma: float, count: int, effects=EFFECTS) -> dict:
    """``count`` single candidates per effect and rule, each against a fresh champion (the
    rules and effects interleaved, so that a slow drift of the machine hits all alike)."""
    out = {(rule.name, k): Tally() for rule in RULES for k in effects}
    for _ in range(count):
        for k in effects:
            for rule_cls in RULES:
                metric, rule = new_metric(), rule_cls()
                rule.start(metric)
                out[rule.name, k].add(*rule.decide(metric, 1.0 - k * sigma, 1.0))
    return out


def measure(label: str, session_metric, trial_metric, sigma, n_sessions, n_trials,
            stream=None) -> dict:
    """Every cell of one metric; with a recorded ``stream``, the no-op cells replay it."""
    started = time.perf_counter()
    res = trials(trial_metric, sigma, n_trials, EFFECTS[1:] if stream else EFFECTS)
    for rule_cls in RULES if stream else ():
        res[rule_cls.name, 0] = fresh_noops(rule_cls, stream)
    for rule_cls in RULES:
        res[rule_cls.name, "session"] = sessions(rule_cls, session_metric(), n_sessions)
    print(f"  measured {label} in {time.perf_counter() - started:.0f} s", file=sys.stderr,
          flush=True)
    return res


def report(rows: list[tuple[str, dict]]) -> None:
    width = max(len(label) for label, _ in rows) + 2
    head = lambda *cols: print(f"{'':{width}}{'rule':15}" + "".join(f"{c:>22}" for c in cols))
    line = lambda label, rule, cols: print(f"{label:{width}}{rule:15}" + "".join(f"{c:>22}" for c in cols))

    print("\nNo-op edits: false-keep rate")
    head("one vs fresh champion", f"{SESSION} in a session", "n (one / session)")
    for label, res in rows:
        for rule in RULES:
            one, ses = res[rule.name, 0], res[rule.name, "session"]
            line(label, rule.name, [one.show(), ses.show(), f"{one.n} / {ses.n}"])
    print("\nPower: keep rate of a true gain, one candidate vs a fresh champion")
    head("+1 sigma", "+2 sigma", "+3 sigma", "-4 sigma")
    for label, res in rows:
        for rule in RULES:
            line(label, rule.name, [res[rule.name, k].show() for k in (1, 2, 3, -4)])
    print(f"  (n = {rows[0][1][RULES[0].name, 1].n} per cell"
          + (f"; real: {rows[-1][1][RULES[0].name, 1].n}" if rows[-1][0].startswith("real") else "")
          + ")")
    print("\nRuns per experiment (candidate + champion runs of the decision)")
    head("no-op, in session", "+2 sigma", "-4 sigma", "+4 sigma", "mean of -4/+4")
    for label, res in rows:
        for rule in RULES:
            worse, better = res[rule.name, -4].mean_runs, res[rule.name, 4].mean_runs
            cols = [res[rule.name, "session"].mean_runs, res[rule.name, 2].mean_runs,
                    worse, better, (worse + better) / 2]
            line(label, rule.name, [f"{c:.2f}" for c in cols])
    print("\nTargets of the new default")
    new = RULES[-1].name
    for label, res in rows:
        fk, pw = res[new, "session"], res[new, 2]
        worse, better = res[new, -4].mean_runs, res[new, 4].mean_runs
        mean = (worse + better) / 2
        verdict = lambda ok: "PASS" if ok else "FAIL"
        print(f"{label:{width}}false keeps {100 * fk.rate:4.1f}% <= 5% {verdict(fk.rate <= 0.05)}"
              f" | power@2sigma {100 * pw.rate:5.1f}% >= 80% {verdict(pw.rate >= 0.8)}"
              f" | runs -4/+4 sigma {worse:.2f}/{better:.2f}, mean {mean:.2f} <= 3"
              f" {verdict(mean <= 3)}")


def simulated(seed: int, n_sessions: int, n_trials: int) -> list[tuple[str, dict]]:
    rows = []
    for drift in (0.0, DRIFT):
        for noise in (0.01, 0.05, 0.10):
            label = f"sim {noise:.0%}" + (" +drift" if drift else "")
            rng = random.Random(f"{seed}/{noise}/{drift}")
            metric = lambda: Simulated(noise, drift, rng)
            rows.append((label, measure(label, lambda: metric, metric, noise, n_sessions,
                                        n_trials)))
    return rows


def real(stream_runs: int, n_trials: int) -> tuple[str, dict]:
    timed = Timed(ITERATIONS)
    for _ in range(3):  # warm the caches
        timed.run(1.0)
    stream = [timed.run(1.0) for _ in range(stream_runs)]
    blocks = [stream[i:i + 10] for i in range(0, len(stream) - 9, 10)]
    mean = statistics.fmean(stream)
    within = statistics.fmean(statistics.stdev(b) for b in blocks)  # a 10-run calibration's
    between = statistics.stdev(statistics.fmean(b) for b in blocks)
    sigma = within / mean
    print(f"\nReal timing: a loop of {ITERATIONS} iterations timed inside `python -S -c`.\n"
          f"Recorded {stream_runs} no-op runs: mean {mean:.2f} ms, sd {statistics.stdev(stream):.2f}"
          f" ms; in blocks of 10 runs: sd within {within:.2f} ms ({sigma:.1%}), sd of the block"
          f" means {between:.2f} ms (~{within / 10 ** 0.5:.2f} if there were no drift).\n"
          f"sigma = the sd within blocks (what a 10-run calibration sees); a gain of k sigma: the"
          f" candidate runs {ITERATIONS} * (1 - k * {sigma:.4f}) iterations; a no-op, the same.")
    if 1 - 4 * sigma <= 0.05:
        sigma = 0.95 / 4
        print(f"  (too noisy for a -4..+4 sigma range: gains sized as if sigma = {sigma:.1%})")
    res = measure("real", lambda: (lambda r=Replay(stream): r), lambda: timed, sigma,
                  10 ** 6, n_trials, stream)
    return "real timing", res


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small n, about a minute")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--sessions", type=int, help="simulated no-op sessions (400)")
    parser.add_argument("--trials", type=int, help="simulated trials per effect (2000)")
    parser.add_argument("--real-runs", type=int, help="recorded no-op runs (5000)")
    parser.add_argument("--real-trials", type=int, help="real trials per effect (30)")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-sim", action="store_true", help="the real timing only")
    args = parser.parse_args(argv)
    quick = args.quick
    n_sessions = args.sessions or (40 if quick else 400)
    n_trials = args.trials or (200 if quick else 2000)
    print(f"Simulated: level 100, lower is better, seed {args.seed}; {n_sessions} sessions of "
          f"{SESSION} no-op experiments; {n_trials} trials per effect; drift = a random walk "
          f"of {DRIFT} sigma per run.")
    rows = [] if args.skip_sim else simulated(args.seed, n_sessions, n_trials)
    if not args.skip_real:
        rows.append(real(args.real_runs or (500 if quick else 5000),
                         args.real_trials or (8 if quick else 30)))
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
