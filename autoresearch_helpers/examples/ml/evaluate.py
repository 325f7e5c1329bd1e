"""The fixed harness: makes the data, trains train.py's model on the training half only,
and prints the loss on the validation half. Do not edit (CLAUDE.md lists it read-only).

The data: two interleaved half-moons in 2-D with Gaussian noise, made from a fixed seed,
so every run sees the same 300 training and 200 validation points. A straight line cannot
separate them, so the model's capacity and its training both matter.
"""

import math
import random
import time

from train import fit


def moons(n, rng, noise=0.25):
    points, labels = [], []
    for i in range(n):
        label = i % 2
        angle = rng.uniform(0.0, math.pi)
        if label == 0:
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = 1.0 - math.cos(angle), 0.5 - math.sin(angle)
        points.append((x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)))
        labels.append(label)
    return points, labels


def main():
    rng = random.Random(20240601)
    xs, ys = moons(500, rng)
    train_x, train_y = xs[:300], ys[:300]
    val_x, val_y = xs[300:], ys[300:]
    started = time.perf_counter()
    predict = fit(train_x, train_y)  # the model never sees the validation points
    seconds = time.perf_counter() - started
    loss, right = 0.0, 0
    for point, label in zip(val_x, val_y):
        p = min(max(float(predict(point)), 1e-7), 1.0 - 1e-7)
        loss -= math.log(p) if label == 1 else math.log(1.0 - p)
        right += (p >= 0.5) == (label == 1)
    print(f"train_seconds: {seconds:.3f}")
    print(f"val_accuracy: {right / len(val_y):.4f}")
    print(f"val_loss: {loss / len(val_y):.6f}")


if __name__ == "__main__":
    main()
