"""Count the primes below n with a segmented sieve of Eratosthenes.

The numbers are sieved SEGMENT at a time: each segment is a bytearray of flags in which
the multiples of every base prime (the primes up to the square root of n) are struck out
with one slice assignment. Small segments keep the flags small but pay Python's overhead
once per base prime per segment. bench.py times count_primes(1_000_000).
"""

import math

SEGMENT = 1024  # autoresearch: tune 256..1000000 int log


def count_primes(n):
    if n < 3:
        return 0
    root = math.isqrt(n - 1)
    base = bytearray([1]) * (root + 1)
    base[0:2] = b"\x00\x00"
    for p in range(2, math.isqrt(root) + 1):
        if base[p]:
            base[p * p::p] = bytes(len(range(p * p, root + 1, p)))
    small = [p for p in range(2, root + 1) if base[p]]
    count = 0
    for low in range(0, n, SEGMENT):
        high = min(low + SEGMENT, n)
        flags = bytearray([1]) * (high - low)
        if low == 0:
            flags[0:min(2, high)] = bytes(min(2, high))
        for p in small:
            if p * p >= high:
                break
            start = max(p * p, (low + p - 1) // p * p)
            flags[start - low::p] = bytes(len(range(start - low, high - low, p)))
        count += flags.count(1)
    return count
