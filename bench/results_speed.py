"""How fast `autoresearch results` and one dashboard frame are on large logs.

Generates logs of 10,000 and 100,000 experiments (results.tsv + the JSONL) in a temporary
folder, then times whole processes (best of several runs): `python -c pass` as the floor,
`autoresearch results`, `autoresearch results --format json` and one non-TTY
`autoresearch dashboard` frame. Prints wall ms, the ratio to the floor and peak RSS.

    python bench/results_speed.py [--runs 5] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from logdata import write_session  # noqa: E402

CLI = shutil.which("autoresearch") or "autoresearch"


def make_logs(root: Path, n: int) -> None:
    rng = random.Random(n)
    values, level = [1.0], 1.0
    for _ in range(n):
        if rng.random() < 0.08:
            values.append(None)
        else:
            level -= rng.random() * 0.00002
            values.append(level + rng.gauss(0.002, 0.002))
    write_session(root, values, bulk=True, durations=[300.0] * (n + 1),
                  descriptions=["baseline"] + [f"idea {i}: change the schedule" for i in range(n)])


def measure(cmd: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Best wall time in ms over ``runs`` and the peak RSS in MB of the children."""
    best = float("inf")
    env = {**os.environ, "COLUMNS": "100", "LINES": "30"}
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, check=True, env=env)
        best = min(best, time.perf_counter() - start)
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return best * 1000, rss_kb * 1024 / 1e6  # ru_maxrss is in KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        floor, _ = measure([sys.executable, "-c", "pass"], Path(tmp), args.runs)
        print(f"floor: python -c pass  {floor:7.1f} ms")
        print(f"{'experiments':>11}  {'command':<28} {'wall ms':>8} {'x floor':>8} {'peak RSS':>9}")
        for n in sizes:
            root = Path(tmp) / f"n{n}"
            root.mkdir()
            make_logs(root, n)
            size_mb = (root / "results.tsv").stat().st_size / 1e6
            jsonl_mb = (root / ".claude/logs/autoresearch.jsonl").stat().st_size / 1e6
            print(f"{n:>11}  logs: results.tsv {size_mb:.1f} MB, jsonl {jsonl_mb:.1f} MB")
            for label, cmd in (("results", [CLI, "results"]),
                               ("results --format json", [CLI, "results", "--format", "json"]),
                               ("dashboard (one frame)", [CLI, "dashboard"])):
                # RUSAGE_CHILDREN is a maximum over all children so far: measure each
                # command in its own helper process to get its own peak
                probe = subprocess.run(
                    [sys.executable, __file__, "--probe", str(args.runs), str(root), *cmd],
                    capture_output=True, text=True, check=True).stdout.split()
                wall, rss = float(probe[0]), float(probe[1])
                print(f"{n:>11}  {label:<28} {wall:8.1f} {wall / floor:8.1f} {rss:7.1f} MB")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        runs, cwd, cmd = int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]
        wall, rss = measure(cmd, cwd, runs)
        print(wall, rss)
        sys.exit(0)
    sys.exit(main())
