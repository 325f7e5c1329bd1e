"""Per-experiment overhead of `autoresearch run`, as a ratio to a floor measured alongside.

The experiment is trivial (`echo 'score: 1'`), so what is timed is the helper itself:
interpreter start, scope check, commit, run, parse, decide, reset, logs. The floor is what
any loop that commits its candidate must pay: `python -c pass` plus one `git commit`.
Both are measured interleaved in the same run (these machines are noisy); the ratio of
medians is the number to watch. It must stay within 7x: an experiment takes seconds to
minutes and an agent turn takes seconds, so start-up time is not worth clever code. (It
was 4.7x before the hardening of issue #11; the checks that keep a hostile experiment from
changing how the next one is judged, .git compared before and after the run, the patch of
edits made during the run, the scan for escaped processes, brought it to about 6x.)

One more line puts the number in context: the same run through the plugin's launcher (how
Claude Code calls it; here the launcher's interpreter has the helper, so it runs in place).

    python bench/overhead.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """## autoresearch
- target_file: exp.txt
- run_command: echo 'score: 1'
- metric_name: score
- metric_direction: lower_is_better
"""


LAUNCHER = Path(__file__).resolve().parents[1] / "autoresearch_helpers" / "plugin" / "launch.py"


def cli() -> list[str]:
    script = Path(sys.executable).with_name("autoresearch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "autoresearch_helpers"]


def sh(cwd, *args):
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def make_repo(path: Path) -> None:
    path.mkdir()
    sh(path, "git", "init", "-q", "-b", "main")
    (path / "exp.txt").write_text("0\n")
    (path / "CLAUDE.md").write_text(CONFIG)
    sh(path, "git", "add", "-A")
    sh(path, "git", "commit", "-q", "-m", "init")


def timed(cmd, cwd) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    env_keys = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.com",
                "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.com"}
    os.environ.update(env_keys)
    tmp = Path(tempfile.mkdtemp(prefix="ar-bench-"))
    try:
        exp, floor_repo = tmp / "exp", tmp / "floor"
        make_repo(exp)
        make_repo(floor_repo)
        subprocess.run([*cli(), "setup", "--tag", "bench"], cwd=exp, check=True,
                       capture_output=True)
        ours, floor, plugin = [], [], []
        for i in range(args.runs):
            (exp / "exp.txt").write_text(f"{2 * i + 1}\n")
            ours.append(timed([*cli(), "run", "-d", f"edit {i}"], exp))
            (exp / "exp.txt").write_text(f"{2 * i + 2}\n")
            plugin.append(timed([sys.executable, str(LAUNCHER), "run", "-d", f"plugin {i}"], exp))
            (floor_repo / "exp.txt").write_text(f"{i + 1}\n")
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            subprocess.run(["git", "commit", "-q", "-am", f"edit {i}"], cwd=floor_repo,
                           check=True, capture_output=True)
            floor.append(time.perf_counter() - start)
        f = statistics.median(floor)
        for label, times in (("autoresearch run", ours), ("floor (python+git)", floor),
                             ("via the launcher", plugin)):
            m = statistics.median(times)
            print(f"{label:<20}median {m * 1000:7.1f} ms  {m / f:5.2f}x  (min "
                  f"{min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {len(times)} runs)")
        print(f"ratio               {statistics.median(ours) / f:.2f}x  (must stay within 7x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
