"""Reading run.log as a terminal would show it: lines from its end, cleaned.

A log can be gigabytes, so it is read from its end (store.tail); a last line without a
newline counts (a crash message or a metric printed last), and a progress bar redrawn with
carriage returns for hours keeps only its last megabyte, which holds its last redraw.
"""

from __future__ import annotations

import re

from autoresearch_helpers.store.tail import iter_lines_backward

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
LINE_CAP = 1 << 20  # bytes kept of one line


def clean_line(line: str) -> str:
    """One log line as a terminal would leave it: no ANSI escapes, the last \\r segment."""
    return ANSI.sub("", line).rstrip("\r").rsplit("\r", 1)[-1]


def lines_backward(path):
    """The decoded lines of ``path``, last first, not yet cleaned (FileNotFoundError when
    there is no log)."""
    with open(path, "rb"):
        pass  # the reader is silent on a missing file; the caller wants to know
    for raw in iter_lines_backward(path, unfinished=True, cap=LINE_CAP):
        yield raw.decode("utf-8", "replace")


def tail(log_path, lines: int = 30, width: int = 200) -> str:
    """The last ``lines`` lines of the log (trailing blank ones dropped), cleaned and cut to
    ``width`` characters with a marker saying how much was cut; "" when there is no log."""
    out: list[str] = []
    try:
        for raw in lines_backward(log_path):
            text = clean_line(raw).rstrip()
            if not text and not out:
                continue  # trailing blank lines say nothing
            if len(text) > width:
                text = f"{text[:width]} …[+{len(text) - width} chars]"
            out.append(text)
            if len(out) >= lines:
                break
    except FileNotFoundError:
        return ""
    return "\n".join(reversed(out))
