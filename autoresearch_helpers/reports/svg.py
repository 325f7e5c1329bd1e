"""The progress chart of the HTML report, as inline SVG (no library, no network).

Shaped like the progress.png of karpathy/autoresearch: every experiment is a dot (discards
grey, keeps green), the best so far (the champion's value: the last keep's, as
reports/summary.py says) is a green step line, kept experiments are labelled with their
description. A crash has no value, so it is drawn as a red x in a lane below
the plot area, never at 0 on the metric axis.

Every mark carries ``class="mark"`` and ``data-n`` (the experiment number) so tests and
readers can find them; every text from the logs goes through :func:`html.escape`.
"""

from __future__ import annotations

import math
from html import escape

from autoresearch_helpers.reports.chartscale import clamp, focus_range
from autoresearch_helpers.vocab import direction_words, fmt_count, fmt_value

WIDTH, HEIGHT = 1120, 500
LEFT, RIGHT, TOP, BOTTOM = 86, 24, 64, 96  # margins; the crash lane sits in BOTTOM
CRASH_LANE = 22  # distance of the crash marks below the plot area

GREY, GREEN, DARK_GREEN, RED = "#b8b8b8", "#2ca02c", "#1a6b1a", "#d62728"
LABEL_CHARS = 42


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values covering [lo, hi] (about ``count`` of them)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks, t = [], first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 12))
        t += step
    return ticks


def fmt(value: float | None) -> str:
    """A metric value for people (vocab.fmt_value), '—' when there is none."""
    return fmt_value(value, missing="—")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    one_line = " ".join(str(text).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def progress_svg(points: list[dict], *, metric: str, direction: str) -> str:
    """The chart for ``points`` (dicts with number, value, status, description, best).

    ``best`` is the best so far after that experiment: the champion's value (None before
    the first keep).
    """
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    values = [p["value"] for p in points if p["status"] != "crash" and p["value"] is not None]
    y_lo, y_hi = focus_range(values, [p.get("best") for p in points])
    numbers = [p["number"] for p in points] or [0]
    x_lo, x_hi = min(numbers), max(max(numbers), min(numbers) + 1)
    x_pad = (x_hi - x_lo) * 0.02
    x_lo, x_hi = x_lo - x_pad, x_hi + x_pad

    def sx(n: float) -> float:
        return LEFT + (n - x_lo) / (x_hi - x_lo) * plot_w

    def sy(v: float) -> float:  # outliers sit on the edge of the plot
        return TOP + (y_hi - clamp(v, y_lo, y_hi)) / (y_hi - y_lo) * plot_h

    runs = [p for p in points if p["number"] != 0]  # the baseline is not an experiment
    kept = sum(1 for p in runs if p["status"] == "keep")
    title = (f"Autoresearch progress: {fmt_count(len(runs), 'experiment')}, "
             f"{fmt_count(kept, 'kept improvement')}")
    better = direction_words(direction)
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH / 2}" y="26" text-anchor="middle" class="title">{escape(title)}</text>',
    ]
    out += _axes(sx, sy, x_lo, x_hi, y_lo, y_hi, plot_w, plot_h)
    out.append(f'<text class="axis-label" transform="translate(20,{TOP + plot_h / 2}) rotate(-90)" '
               f'text-anchor="middle">{escape(metric)} ({better})</text>')
    out.append(f'<text class="axis-label" x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" '
               f'text-anchor="middle">Experiment #</text>')
    out.append(_best_line(points, sx, sy))
    out += _marks(points, sx, sy, TOP + plot_h + CRASH_LANE)
    out += _legend(LEFT + plot_w - 350, TOP - 14)
    out.append("</svg>")
    return "\n".join(line for line in out if line)


def _axes(sx, sy, x_lo, x_hi, y_lo, y_hi, plot_w, plot_h) -> list[str]:
    bottom = TOP + plot_h
    out = [f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
           f'stroke="#888" stroke-width="1"/>']
    for t in nice_ticks(y_lo, y_hi):
        y = sy(t)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
                   f'stroke="#eee"/>')
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{escape(fmt(t))}</text>')
    for t in nice_ticks(x_lo, x_hi, 10):
        if t != int(t):
            continue
        x = sx(t)
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="#888"/>')
        out.append(f'<text class="tick" x="{x:.1f}" y="{bottom + CRASH_LANE + 24}" '
                   f'text-anchor="middle">{int(t)}</text>')
    out.append(f'<text class="tick crash-lane" x="{LEFT - 6}" y="{bottom + CRASH_LANE + 4}" '
               f'text-anchor="end">crash</text>')
    return out


def _best_line(points, sx, sy) -> str:
    """The best so far as a step path: flat until the next keep, then a vertical jump."""
    coords: list[tuple[float, float]] = []
    for p in points:
        best = p.get("best")
        if best is None:
            continue
        x, y = sx(p["number"]), sy(best)
        if coords and abs(coords[-1][1] - y) > 1e-9:
            coords.append((x, coords[-1][1]))
        coords.append((x, y))
    if not coords:
        return ""
    d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    return (f'<path class="best-line" d="{d}" fill="none" stroke="{GREEN}" stroke-width="2" '
            f'stroke-opacity="0.75"/>')


def _marks(points, sx, sy, crash_y) -> list[str]:
    out = []
    for p in points:
        n, status = p["number"], p["status"]
        tip = escape(f"#{n} {status} {fmt(p['value'])}: {_short(p['description'], 200)}")
        x = sx(n)
        if status == "crash" or p["value"] is None:
            out.append(f'<g class="mark crash" data-n="{n}" stroke="{RED}" stroke-width="2">'
                       f'<title>{tip}</title>'
                       f'<line x1="{x - 5:.1f}" y1="{crash_y - 5}" x2="{x + 5:.1f}" y2="{crash_y + 5}"/>'
                       f'<line x1="{x - 5:.1f}" y1="{crash_y + 5}" x2="{x + 5:.1f}" y2="{crash_y - 5}"/>'
                       f'</g>')
            continue
        y = sy(p["value"])
        if status == "keep":
            out.append(f'<circle class="mark keep" data-n="{n}" cx="{x:.1f}" cy="{y:.1f}" r="6" '
                       f'fill="{GREEN}" stroke="{DARK_GREEN}" stroke-width="1.2">'
                       f'<title>{tip}</title></circle>')
            out.append(f'<text class="keep-label" x="{x + 7:.1f}" y="{y - 8:.1f}" '
                       f'transform="rotate(-28 {x + 7:.1f} {y - 8:.1f})">'
                       f'{escape(_short(p["description"], _label_room(x)))}</text>')
        else:
            out.append(f'<circle class="mark discard" data-n="{n}" cx="{x:.1f}" cy="{y:.1f}" '
                       f'r="4" fill="{GREY}" fill-opacity="0.8"><title>{tip}</title></circle>')
    return out


def _label_room(x: float) -> int:
    """How many characters of a slanted label fit between ``x`` and the right edge."""
    return max(4, min(LABEL_CHARS, int((WIDTH - x - 10) / 5.2)))


def _legend(x: float, y: float) -> list[str]:
    items = [
        f'<circle cx="{x}" cy="{y}" r="4" fill="{GREY}"/>'
        f'<text class="legend" x="{x + 9}" y="{y + 4}">Discarded</text>',
        f'<circle cx="{x + 90}" cy="{y}" r="6" fill="{GREEN}" stroke="{DARK_GREEN}"/>'
        f'<text class="legend" x="{x + 100}" y="{y + 4}">Kept</text>',
        f'<g stroke="{RED}" stroke-width="2"><line x1="{x + 150}" y1="{y - 4}" x2="{x + 158}" '
        f'y2="{y + 4}"/><line x1="{x + 150}" y1="{y + 4}" x2="{x + 158}" y2="{y - 4}"/></g>'
        f'<text class="legend" x="{x + 164}" y="{y + 4}">Crash</text>',
        f'<line x1="{x + 222}" y1="{y}" x2="{x + 246}" y2="{y}" stroke="{GREEN}" stroke-width="2"/>'
        f'<text class="legend" x="{x + 252}" y="{y + 4}">Best so far</text>',
    ]
    return [f'<g class="legend-box">{"".join(items)}</g>']
