"""The model and its training: a small neural network (one hidden layer of tanh units,
a sigmoid output) fitted by mini-batch gradient descent on the log loss.

evaluate.py calls fit(points, labels) with the training points only and scores the
function it returns on points it kept aside. Improve the validation loss.
"""

import math
import random

LEARNING_RATE = 0.02  # autoresearch: tune 1e-3..1.0 log
EPOCHS = 8  # autoresearch: tune 2..100 int
HIDDEN = 3  # autoresearch: tune 2..16 int
BATCH_SIZE = 32  # autoresearch: tune 4..64 int log
L2 = 0.01  # autoresearch: tune 1e-6..1e-1 log
INIT_SCALE = 0.5  # autoresearch: tune 0.05..2.0 log
SEED = 0


def fit(points, labels):
    rng = random.Random(SEED)
    w1 = [[rng.gauss(0.0, INIT_SCALE) for _ in range(2)] for _ in range(HIDDEN)]
    b1 = [0.0] * HIDDEN
    w2 = [rng.gauss(0.0, INIT_SCALE) for _ in range(HIDDEN)]
    b2 = 0.0
    order = list(range(len(points)))

    def forward(x, y):
        hidden = [math.tanh(w[0] * x + w[1] * y + b) for w, b in zip(w1, b1)]
        z = sum(v * h for v, h in zip(w2, hidden)) + b2
        z = max(min(z, 30.0), -30.0)
        return hidden, 1.0 / (1.0 + math.exp(-z))

    for _ in range(EPOCHS):
        rng.shuffle(order)
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            g_w1 = [[0.0, 0.0] for _ in range(HIDDEN)]
            g_b1 = [0.0] * HIDDEN
            g_w2 = [0.0] * HIDDEN
            g_b2 = 0.0
            for i in batch:
                x, y = points[i]
                hidden, p = forward(x, y)
                d = p - labels[i]  # the log loss's gradient at the output's input
                g_b2 += d
                for j, h in enumerate(hidden):
                    g_w2[j] += d * h
                    dh = d * w2[j] * (1.0 - h * h)
                    g_b1[j] += dh
                    g_w1[j][0] += dh * x
                    g_w1[j][1] += dh * y
            step = LEARNING_RATE / len(batch)
            for j in range(HIDDEN):
                w2[j] -= step * g_w2[j] + LEARNING_RATE * L2 * w2[j]
                b1[j] -= step * g_b1[j]
                w1[j][0] -= step * g_w1[j][0] + LEARNING_RATE * L2 * w1[j][0]
                w1[j][1] -= step * g_w1[j][1] + LEARNING_RATE * L2 * w1[j][1]
            b2 -= step * g_b2

    def predict(point):
        return forward(point[0], point[1])[1]

    return predict
