"""One frame of the dashboard as rich renderables, sized to the terminal.

From the top: a title line, the cards (experiments, keep/discard/crash, baseline, best,
improvement), the experiment in flight with a bar of its time budget (while one runs), the chart of every experiment with the running best, the recent
experiments (newest first), and a footer with crash reasons, duration and memory. At
80x24 everything fits; a taller terminal gets a taller chart and more rows, a wider one
more columns. What each part says comes from content.py.
"""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from autoresearch_dashboard import content


def styled(runs, **kwargs) -> Text:
    text = Text(**kwargs)
    for chunk, style in runs:
        text.append(chunk, style=style)
    return text


def title(s, root, watching: bool) -> Text:
    return styled(content.title(s, root, watching), no_wrap=True, overflow="ellipsis")


def cards(s, width: int) -> Table:
    items = content.cards(s, width)
    grid = Table.grid(expand=True)
    for _ in items:
        grid.add_column(ratio=1)
    grid.add_row(*(Panel(styled(runs, no_wrap=True, overflow="ellipsis"), title=name,
                         title_align="left", box=box.ROUNDED, padding=(0, 1))
                   for name, runs in items))
    return grid


def chart(s, width: int, height: int) -> Panel:
    lines, legend, subtitle = content.chart(s, width, height)
    return Panel(Group(*(styled(runs) for runs in lines)), title=styled(legend),
                 title_align="left", box=box.ROUNDED, subtitle=subtitle,
                 subtitle_align="right", padding=(0, 1))


def recent(s, width: int, rows: int) -> Table:
    heads, cells = content.recent(s, width, rows)
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False,
                  header_style="bold")
    for head in heads:
        if head == "description":
            table.add_column(head, no_wrap=True, overflow="ellipsis", ratio=1)
        else:
            table.add_column(head, justify="right" if head in content.RIGHT else "left",
                             no_wrap=True)
    for row in cells:  # Text, never a str: rich would read "[link=...]" in one as markup
        table.add_row(*(Text(text, style=style) for text, style in row))
    return table


def footer(s) -> Text:
    return styled(content.footer(s), no_wrap=True, overflow="ellipsis")


def running(r, width: int) -> Text:
    return styled(content.running(r, width), no_wrap=True, overflow="ellipsis")


def frame(s, root, width: int, height: int, watching: bool = False, now_running=None):
    """The whole dashboard for a terminal of width x height (at least 80 x 24 looks right);
    ``now_running``: the experiment in flight (reports/inflight.py), shown under the cards."""
    if s is None:
        return Text(content.waiting(root), style="dim")
    chart_h, rows = content.layout(height, now_running is not None)
    parts = [title(s, root, watching), cards(s, width)]
    if now_running is not None:
        parts.append(running(now_running, width))
    return Group(*parts, chart(s, width, chart_h), recent(s, width, rows), footer(s))
