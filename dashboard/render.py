"""One frame of the dashboard as rich renderables, sized to the terminal.

From the top: a title line, the cards (experiments, keep/discard/crash, baseline, best,
improvement), the chart of every experiment with the running best, the recent
experiments (newest first), and a footer with crash reasons, duration and memory. At
80x24 everything fits; a taller terminal gets a taller chart and more rows, a wider one
more columns.
"""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from autoresearch_dashboard.chart import STYLES, braille, y_range
from autoresearch_helpers.commands.results import clip, direction_text, num, pct

STATUS_STYLE = {"keep": STYLES["k"], "discard": STYLES["d"], "crash": STYLES["c"]}


def title(s, root, watching: bool) -> Text:
    text = Text("autoresearch", style="bold")
    text.append(f"  {s.tag or 'session'} · {s.metric} ({direction_text(s.direction)})")
    if watching:
        text.append(" · watching, ctrl-c quits", style="dim")
    text.append(f" · {root}", style="dim")
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


def cards(s, width: int) -> Table:
    counts = Text()
    for label, value, style in (("k", s.keep, STATUS_STYLE["keep"]),
                                ("d", s.discard, STATUS_STYLE["discard"]),
                                ("c", s.crash, STATUS_STYLE["crash"])):
        if len(counts):
            counts.append(" ")
        counts.append(f"{label}{value}", style=style)
    best = s.best or {}
    better = (s.improvement_pct or 0) > 0
    items = [("experiments", Text(str(s.experiments), style="bold")),
             ("keep·disc·crash" if width >= 110 else "k/d/c", counts),
             ("baseline", Text(num((s.baseline or {}).get("value")))),
             ("best", Text(num(best.get("value")) + (f" #{best['experiment']}" if best else ""),
                           style="bold green")),
             ("improvement", Text(pct(s.improvement_pct) or "-",
                                  style="bold green" if better else "bold"))]
    if width >= 110 and s.keep_rate is not None:
        items.insert(2, ("keep rate", Text(f"{s.keep_rate:.0%}")))
    grid = Table.grid(expand=True)
    for _ in items:
        grid.add_column(ratio=1)
    for _, value in items:
        value.no_wrap, value.overflow = True, "ellipsis"
    grid.add_row(*(Panel(value, title=name, title_align="left", box=box.ROUNDED,
                         padding=(0, 1)) for name, value in items))
    return grid


def chart(s, width: int, height: int) -> Panel:
    lo, hi = y_range(s.values, s.best_series)
    labels = [num(hi), *[""] * (height - 2), num(lo)] if height >= 2 else [num(hi)]
    gutter = max(len(t) for t in labels) + 1
    plot_width = max(width - 4 - gutter, 10)
    rows, crash_cols, _ = braille(s.values, s.statuses, s.best_series, plot_width, height)
    lines = []
    for label, runs in zip(labels, rows):
        line = Text(label.rjust(gutter - 1) + " ", style="dim")
        for chunk, style in runs:
            line.append(chunk, style=style)
        lines.append(line)
    strip = Text(" " * gutter)
    strip.append("".join("×" if c in crash_cols else " " for c in range(plot_width)),
                 style=STYLES["c"])
    lines.append(strip)
    legend = Text("every experiment: ")
    for name, key in (("keep", "k"), ("discard", "d"), ("best", "b"), ("crash ×", "c")):
        legend.append("■ " + name + " ", style=STYLES[key])
    return Panel(Group(*lines), title=legend, title_align="left", box=box.ROUNDED,
                 subtitle=f"experiments 0-{max(len(s.values) - 1, 0)}", subtitle_align="right",
                 padding=(0, 1))


def recent(s, width: int, rows: int) -> Table:
    shown = list(reversed(s.recent))[:max(rows, 0)]
    wide = width >= 110
    extra = wide and any(e.duration_s is not None or e.memory_gb is not None for e in shown)
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False,
                  header_style="bold")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("commit", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("delta", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    if extra:
        table.add_column("time", justify="right", no_wrap=True)
        table.add_column("mem", justify="right", no_wrap=True)
    table.add_column("description", no_wrap=True, overflow="ellipsis", ratio=1)
    for e in shown:
        cells = [str(e.number), e.commit[:7], num(e.value), num(e.delta, sign=True),
                 Text(e.status, style=STATUS_STYLE.get(e.status))]
        if extra:
            cells += [seconds(e.duration_s), gb(e.memory_gb)]
        desc = e.description + (f" [{e.error}]" if e.error else "")
        cells.append(Text(clip(desc, 200)))
        table.add_row(*cells)
    return table


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}s" if value < 100 else f"{value / 60:.1f}m"


def gb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}G"


def footer(s) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if s.crash_reasons:
        text.append("crash: ", style=STYLES["c"])
        text.append(", ".join(f"{k} {v}" for k, v in sorted(
            s.crash_reasons.items(), key=lambda kv: (-kv[1], kv[0]))))
    durations = [e.duration_s for e in s.recent if e.duration_s is not None]
    memory = [e.memory_gb for e in s.recent if e.memory_gb is not None]
    if durations:
        text.append("  time ", style="dim")
        text.append(f"{seconds(durations[-1])}, mean {seconds(sum(durations) / len(durations))}")
    if memory:
        text.append("  mem ", style="dim")
        text.append(f"{gb(memory[-1])}, peak {gb(max(memory))}")
    if not len(text):
        text.append("no crashes", style="dim")
    return text


def frame(s, root, width: int, height: int, watching: bool = False):
    """The whole dashboard for a terminal of width x height (at least 80 x 24 looks right)."""
    if s is None:
        return Text(f"autoresearch: waiting for the baseline in {root}/results.tsv "
                    "(run 'autoresearch setup')", style="dim")
    room = max(height - 6, 8)  # title 1, cards 3, footer 1, and the cursor line
    chart_h = max(3, min(24, int(room * 0.55) - 3))
    rows = max(room - (chart_h + 3) - 1, 1)
    return Group(title(s, root, watching), cards(s, width), chart(s, width, chart_h),
                 recent(s, width, rows), footer(s))
