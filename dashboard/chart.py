"""A braille chart of every experiment, coloured by status, with the running-best line.

Each character cell holds 2 x 4 braille dots, so a chart of W x H cells has 2W x 4H dots.
Experiments map to dot columns (many experiments per column when there are more
experiments than columns: the column then shows their spread). Crashes have no value: they
are never drawn in the plot (and never at 0) but as marks on a strip below it. The y range
covers the running best and the bulk of the other values; outliers sit on the edge rows.
"""

from __future__ import annotations

from autoresearch_helpers.reports.chartscale import focus_range

# bit of the braille dot at (x, y) inside one cell, x in 0..1, y in 0..3 from the top
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
STYLES = {"k": "bold green", "b": "cyan", "d": "yellow", "c": "red"}
KEEP, DISCARD, CRASH = b"k"[0], b"d"[0], b"c"[0]


def y_range(values, best) -> tuple[float, float]:
    """Low and high of the plot: the running best and the values near it (chartscale)."""
    return focus_range(values, best, pad=0.04)


def braille(values, statuses: bytes, best, width: int, height: int, span=None):
    """The plot as ``height`` rows of (text, style) runs, and the crash strip's columns.

    ``span``: (lo, hi) when the caller has computed y_range already.

    Returns (rows, crash_columns, (lo, hi)); rows[r] is a list of (string, style or None).
    """
    n = len(values)
    xdots, ydots = 2 * width, 4 * height
    lo, hi = span or y_range(values, best)
    scale = (ydots - 1) / (hi - lo)

    def ydot(v: float) -> int:
        y = round((hi - v) * scale)
        return 0 if y < 0 else ydots - 1 if y > ydots - 1 else y

    bits = [[0] * width for _ in range(height)]
    kind = [[""] * width for _ in range(height)]  # strongest layer in each cell
    rank = {"": 0, "d": 1, "b": 2, "k": 3}

    def dot(x: int, y: int, layer: str) -> None:
        cx, cy = x >> 1, y >> 2
        bits[cy][cx] |= DOTS[y & 3][x & 1]
        if rank[layer] > rank[kind[cy][cx]]:
            kind[cy][cx] = layer

    if n <= xdots:  # fewer experiments than dot columns: spread them out
        columns = [(round(i * (xdots - 1) / (n - 1)) if n > 1 else 0, i, i + 1)
                   for i in range(n)]
    else:  # several experiments per column: the column shows their spread
        columns = [(x, x * n // xdots, (x + 1) * n // xdots) for x in range(xdots)]
    crash_cols: set[int] = set()
    prev = None  # (x, y) of the running best in the previous column
    for x, a, b in columns:
        segment, marks = values[a:b], statuses[a:b]
        if CRASH in marks:
            crash_cols.add(x >> 1)
        for layer, code in (("d", DISCARD), ("k", KEEP)):
            picked = [v for v, s in zip(segment, marks) if s == code and v == v]
            if picked:
                for y in {ydot(min(picked)), ydot(max(picked))}:
                    dot(x, y, layer)
        current = best[b - 1]
        if current != current:
            continue
        y = ydot(current)
        if prev is not None:  # a step line: along at the old best, then up or down
            for step_x in range(prev[0] + 1, x):
                dot(step_x, prev[1], "b")
            for step_y in range(min(y, prev[1]), max(y, prev[1]) + 1):
                dot(x, step_y, "b")
        dot(x, y, "b")
        prev = (x, y)
    rows = []
    for r in range(height):
        runs: list[tuple[str, str | None]] = []
        for c in range(width):
            char = chr(0x2800 + bits[r][c]) if bits[r][c] else " "
            style = STYLES.get(kind[r][c])
            if runs and runs[-1][1] == style:
                runs[-1] = (runs[-1][0] + char, style)
            else:
                runs.append((char, style))
        rows.append(runs)
    return rows, crash_cols, (lo, hi)
