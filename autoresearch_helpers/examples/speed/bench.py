"""The fixed harness: times primes.py's count_primes and checks its answer. Do not edit
(CLAUDE.md lists it read-only).

It counts the primes below 1,000,000 (78,498 of them: a known number, so a fast wrong
answer is caught), five times, and prints the median in milliseconds. Timing is noisy:
another process, the CPU's clock, the garbage collector. The median of five tames the
worst of it; autoresearch measures the rest at setup and compares paired runs.
"""

import statistics
import time

from primes import count_primes

N, EXPECTED, ROUNDS = 1_000_000, 78_498, 5


def main():
    times, answer = [], None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        answer = count_primes(N)
        times.append((time.perf_counter() - started) * 1000.0)
    print(f"answer: {answer}")
    print(f"correct: {'true' if answer == EXPECTED else 'false'}")
    print(f"ms: {statistics.median(times):.2f}")


if __name__ == "__main__":
    main()
