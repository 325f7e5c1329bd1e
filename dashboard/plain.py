"""One static dashboard frame as plain text, for a stdout that is not a terminal.

The frame rich prints without colour (render.py), character for character, built from the
same content (content.py) without importing rich, which costs more start-up than the rest
of the frame. It lays out what the dashboard draws (single-cell text, boxes, a grid of
equal cards, a table whose last column takes the rest of the width) with rich's own rules
(ratio_distribute, crop and ellipsis). When a frame needs more than that (text other than
printable ASCII in a description, a table squeezed below its natural width), ``frame_text``
returns None and the caller prints the frame with rich; tests compare the two.
"""

from __future__ import annotations

from autoresearch_dashboard import content

TOP = ("╭", "─", "╮")
BOTTOM = ("╰", "─", "╯")
SIDE = "│"


def ratio_distribute(total: int, ratios: list[int], minimums: list[int]) -> list[int]:
    """rich._ratio.ratio_distribute: ``total`` split by ``ratios``, each at least its minimum."""
    ratios = [ratio if low else 0 for ratio, low in zip(ratios, minimums)]
    total_ratio, remaining, out = sum(ratios), total, []
    for ratio, low in zip(ratios, minimums):
        part = max(low, -(-ratio * remaining // total_ratio)) if total_ratio > 0 else remaining
        out.append(part)
        total_ratio -= ratio
        remaining -= part
    return out


def fit(text: str, width: int) -> str:
    """A no_wrap text with overflow ellipsis, as rich truncates it."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def plain(runs) -> str:
    return "".join(text for text, _ in runs)


def simple(text: str) -> bool:
    """Text whose every character is one cell wide for rich and kept as is."""
    return text.isascii() and text.isprintable()


def border(ends: tuple[str, str, str], width: int, label: str | None, right: bool = False) -> str:
    """The top or bottom line of a panel ``width`` wide, with a title cropped to fit."""
    left, line, end = ends
    if label is None or width <= 4:
        return left + line * (width - 2) + end
    label = f" {label} "[:width - 4]
    fill = line * (width - 4 - len(label))
    return left + line + (fill + label if right else label + fill) + line + end


def panel(width: int, title: str, lines: list[str], subtitle: str | None = None) -> list[str] | None:
    inner = width - 4
    if any(len(line) > inner for line in lines):
        return None  # rich would wrap it
    return ([border(TOP, width, title)]
            + [f"{SIDE} {line.ljust(inner)} {SIDE}" for line in lines]
            + [border(BOTTOM, width, subtitle, right=True)])


def cards(s, width: int) -> list[str] | None:
    items = content.cards(s, width)
    widths = ratio_distribute(width, [1] * len(items), [1] * len(items))
    if min(widths) < 5:
        return None
    boxes = [panel(w, name, [fit(plain(runs), w - 4)]) for w, (name, runs) in zip(widths, items)]
    return ["".join(parts) for parts in zip(*boxes)]


def recent(s, width: int, rows: int) -> list[str] | None:
    heads, table = content.recent(s, width, rows)
    texts = [[text for text, _ in row] for row in table]
    widths = [max(len(head), *(len(row[i]) for row in texts)) + 2
              for i, head in enumerate(heads[:-1])]
    rest = width - sum(widths)
    if rest < 3:
        return None  # rich squeezes the columns: let it
    widths.append(rest)

    def line(cells) -> str:
        out = []
        for head, cell, w in zip(heads, cells, widths):
            if head == "description":
                out.append(" " + fit(cell, w - 2).ljust(w - 2) + " ")
            elif head in content.RIGHT:
                out.append(" " + cell.rjust(w - 2) + " ")
            else:
                out.append(" " + cell.ljust(w - 2) + " ")
        return "".join(out)

    return [line(heads), *(line(row) for row in texts)]


def frame_text(s, root, width: int, height: int) -> str | None:
    """The frame for a terminal of width x height as text, or None (see the module doc)."""
    if s is None:
        return content.waiting(root) + "\n"
    words = [str(root), s.tag or "", s.metric, *(k for k in s.crash_reasons)]
    for e in s.recent:
        words += [e.commit, e.description, e.error or ""]
    if not all(simple(w) for w in words):
        return None
    chart_h, rows = content.layout(height)
    lines, legend, subtitle = content.chart(s, width, chart_h)
    chart = panel(width, plain(legend), [plain(runs) for runs in lines], subtitle)
    top, table = cards(s, width), recent(s, width, rows)
    if chart is None or top is None or table is None:
        return None
    out = [fit(plain(content.title(s, root, False)), width), *top, *chart, *table,
           fit(plain(content.footer(s)), width)]
    return "\n".join(out) + "\n"
