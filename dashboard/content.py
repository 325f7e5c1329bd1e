"""What one dashboard frame says, as plain strings and style names; render.py lays it out
with rich. Styled text is a list of runs ``(text, style or None)``. Text from the logs
(tags, metric names, commits, descriptions, errors) is inert (vocab.inert): rich passes an
ESC or a bidi override through to the terminal, so it is shown as an escape here.
"""

from __future__ import annotations

from autoresearch_dashboard.chart import STYLES, braille, y_range
from autoresearch_helpers.reports.inflight import timing
from autoresearch_helpers.reports.summary import clip
from autoresearch_helpers.vocab import (
    direction_words, fmt_memory, fmt_pct, fmt_value, inert, typed)

STATUS_STYLE = {"keep": STYLES["k"], "discard": STYLES["d"], "crash": STYLES["c"]}
RECENT_HEADS = ("#", "commit", "value", "delta", "status", "evidence", "time", "mem",
                "description")
RIGHT = {"#", "value", "delta", "time", "mem"}


def layout(height: int, running: bool = False) -> tuple[int, int]:
    """(chart rows, recent rows) for a terminal ``height`` lines high (one line fewer
    while an experiment runs: its bar takes it)."""
    room = max(height - 6 - running, 8)  # title 1, cards 3, footer 1, and the cursor line
    chart_h = max(3, min(24, int(room * 0.55) - 3))
    return chart_h, max(room - (chart_h + 3) - 1, 1)


def title(s, root, watching: bool) -> list[tuple[str, str | None]]:
    runs = [("autoresearch", "bold"),
            (inert(f"  {s.tag or 'session'} · {s.metric} ({direction_words(s.direction)})"),
             None)]
    if watching:
        runs.append((" · watching, ctrl-c quits", "dim"))
    runs.append((inert(f" · {root}"), "dim"))
    return runs


def cards(s, width: int) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """(card title, value runs) from left to right."""
    counts = []
    for label, value, style in (("k", s.keep, STATUS_STYLE["keep"]),
                                ("d", s.discard, STATUS_STYLE["discard"]),
                                ("c", s.crash, STATUS_STYLE["crash"])):
        if counts:
            counts.append((" ", None))
        counts.append((f"{label}{value}", style))
    best = s.best or {}
    better = (s.improvement_pct or 0) > 0
    champion = [(fmt_value(best.get("value")) + (f" #{best['experiment']}" if best else ""),
                 "bold green")]
    items = [("experiments", [(str(s.experiments), "bold")]),
             ("keep·disc·crash" if width >= 110 else "k/d/c", counts),
             ("baseline", [(fmt_value((s.baseline or {}).get("value")), None)]),
             ("best", champion),
             ("improvement", [(fmt_pct(s.improvement_pct) or "-",
                               "bold green" if better else "bold")])]
    if width >= 110 and s.keep_rate is not None:
        items.insert(2, ("keep rate", [(f"{s.keep_rate:.0%}", None)]))
    room = width // len(items) - 4  # a card's share of the width, less border and padding
    commit = inert(best.get("commit", "")[:7])
    if commit and len(champion[0][0]) + 1 + len(commit) <= room:  # where it fits
        champion.append((" " + commit, "green"))
    return items


def running(r, width: int) -> list[tuple[str, str | None]]:
    """The experiment in flight on one line: its number, a bar of the time budget gone,
    the time, the pid and its description (cut by the renderer at ``width``)."""
    runs = [(f"running #{r.number} ", "bold")]
    if r.fraction is not None:
        cells = max(min(40, width // 5), 10)
        done = round(r.fraction * cells)
        runs += [("━" * done, STYLES["k"]), ("─" * (cells - done), "dim"), (" ", None)]
    runs.append((" · ".join(filter(None, [timing(r), f"pid {r.pid}" if r.pid else ""])), None))
    runs.append((" · " + clip(r.description, 200), None))
    return runs


def chart(s, width: int, height: int):
    """(lines, legend runs, subtitle) of the chart panel ``width`` wide with ``height`` plot rows.

    lines: the plot rows and the crash strip, each a list of runs (label first)."""
    lo, hi = y_range(s.values, s.best_series)
    labels = [fmt_value(hi), *[""] * (height - 2), fmt_value(lo)] if height >= 2 else [fmt_value(hi)]
    gutter = max(len(t) for t in labels) + 1
    plot_width = max(width - 4 - gutter, 10)
    rows, crash_cols, _ = braille(s.values, s.statuses, s.best_series, plot_width, height,
                                  (lo, hi))
    lines = [[(label.rjust(gutter - 1) + " ", "dim"), *runs] for label, runs in zip(labels, rows)]
    lines.append([(" " * gutter, None),
                  ("".join("×" if c in crash_cols else " " for c in range(plot_width)),
                   STYLES["c"])])
    legend = [("every experiment: ", None)]
    for name, key in (("keep", "k"), ("discard", "d"), ("best", "b"), ("crash ×", "c")):
        legend.append(("■ " + name + " ", STYLES[key]))
    return lines, legend, f"experiments 0-{max(len(s.values) - 1, 0)}"


def recent(s, width: int, rows: int):
    """(column heads, rows of cells) of the recent experiments, newest first.

    A cell is (text, style or None); the paired test's evidence (a noisy metric) from 100
    columns, time and mem from 110, each only when a row shown has it."""
    shown = list(reversed(s.recent))[:max(rows, 0)]
    extra = width >= 110 and any(e.duration_s is not None or e.memory_gb is not None
                                 for e in shown)
    tested = width >= 100 and any(e.decided_by() for e in shown)
    heads = [h for h in RECENT_HEADS if (extra or h not in ("time", "mem"))
             and (tested or h != "evidence")]
    table = []
    for e in shown:
        cells = [(str(e.number), None), (inert(e.commit[:7]), None), (fmt_value(e.value), None),
                 (fmt_value(e.delta, sign=True), None), (e.status, STATUS_STYLE.get(e.status))]
        if tested:
            cells.append((e.decided_by(short=True), None))
        if extra:
            cells += [(seconds(e.duration_s), None), (fmt_memory(e.memory_gb), None)]
        desc = e.description + (f" [{e.error}]" if e.error else "")
        cells.append((clip(desc, 200), None))
        table.append(cells)
    return heads, table


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}s" if value < 100 else f"{value / 60:.1f}m"


def footer(s) -> list[tuple[str, str | None]]:
    runs = []
    if s.crash_reasons:
        runs.append(("crash: ", STYLES["c"]))
        runs.append((inert(", ".join(f"{k} {v}" for k, v in sorted(
            s.crash_reasons.items(), key=lambda kv: (-kv[1], kv[0])))), None))
    durations = [e.duration_s for e in s.recent if e.duration_s is not None]
    memory = [e.memory_gb for e in s.recent if e.memory_gb is not None]
    if durations:
        runs.append(("  time ", "dim"))
        runs.append((f"{seconds(durations[-1])}, mean "
                     f"{seconds(sum(durations) / len(durations))}", None))
    if memory:
        runs.append(("  mem ", "dim"))
        runs.append((f"{fmt_memory(memory[-1])}, peak {fmt_memory(max(memory))}", None))
    if not runs:
        runs.append(("no crashes", "dim"))
    return runs


def waiting(root) -> str:
    return inert(f"autoresearch: waiting for the baseline in {root}/results.tsv "
                 f"(run '{typed('setup')}')")

