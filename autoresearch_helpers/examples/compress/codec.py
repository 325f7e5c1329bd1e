"""The fixed harness: makes the corpus, compresses it with compress.py, decompresses it
here and prints the ratio. Do not edit (CLAUDE.md lists it read-only).

The format (LZSS): a flag byte announces the next eight tokens, least significant bit
first: 0 is a literal (one byte), 1 a match: two bytes of distance (big-endian, 1..65535
bytes back) and one byte of length minus 3 (lengths 3..258). The compressor chooses the
tokens; this file alone decides what they mean.
"""

import random

from compress import compress

WORDS = ("the of and to in is that it was for on are as with his they at be this from "
         "have or by one had not but what all were when we there can an your which their "
         "said if do will each about how up out them then she many some so these would "
         "other into has more her two like him see time could no make than first been its "
         "who now people my made over did down only way find use may water long little "
         "very after words called just where most know river mountain experiment measure "
         "compression window pattern sentence harbour lantern").split()


def corpus(size=24_000):
    """English-like text and log lines from a fixed seed: our own, no download."""
    rng = random.Random(7)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]
    parts, total = [], 0
    while total < size:
        if rng.random() < 0.2:
            line = (f"2026-03-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
                    f"{rng.randint(0, 59):02d} INFO request id={rng.randint(1000, 9999)} "
                    f"status={rng.choice((200, 200, 200, 404, 500))} "
                    f"ms={rng.randint(1, 400)}\n")
        else:
            words = rng.choices(WORDS, weights, k=rng.randint(6, 18))
            line = " ".join(words).capitalize() + ".\n"
        parts.append(line)
        total += len(line)
    return "".join(parts).encode("ascii")


def decompress(blob):
    out, i = bytearray(), 0
    while i < len(blob):
        flags, i = blob[i], i + 1
        for bit in range(8):
            if i >= len(blob):
                break
            if flags >> bit & 1:
                distance = blob[i] << 8 | blob[i + 1]
                length, i = blob[i + 2] + 3, i + 3
                if not 1 <= distance <= len(out):
                    raise ValueError(f"a match {distance} bytes back at {len(out)}")
                for _ in range(length):
                    out.append(out[-distance])
            else:
                out.append(blob[i])
                i += 1
    return bytes(out)


def main():
    data = corpus()
    blob = compress(data)
    try:
        correct = decompress(blob) == data
    except (ValueError, IndexError) as exc:
        print(f"decompress failed: {exc}")
        correct = False
    print(f"bytes: {len(data)} -> {len(blob)}")
    print(f"correct: {'true' if correct else 'false'}")
    print(f"ratio: {len(data) / max(len(blob), 1):.4f}")


if __name__ == "__main__":
    main()
