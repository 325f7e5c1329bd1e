"""Reading run.log as a terminal would show it: lines from its end, cleaned.

A log can be gigabytes, so it is read from its end (store.tail); a last line without a
newline counts (a crash message or a metric printed last), and a progress bar redrawn with
carriage returns for hours keeps only its last megabyte, which holds its last redraw.

A line is cleaned as a terminal leaves it (``clean_line``): escape sequences removed
(colours, cursor moves, titles and hyperlinks, charset switches), only the text after the
last carriage return. The tail shown to people is also made inert (vocab.inert): any
control character left (BEL, backspace, a stray ESC, bidi overrides) is shown as an
escape, never sent to the terminal.
"""

from __future__ import annotations

import re

from autoresearch_helpers.store.tail import iter_lines_backward
from autoresearch_helpers.vocab import inert

# CSI (colours, cursor), string commands (OSC titles and hyperlinks, DCS, PM, APC: to BEL
# or ST), and the other escapes (charset designations ESC ( B, ESC 7, ESC c ...)
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
                  r"|[ -/]*[0-~])")
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
    """The last ``lines`` lines of the log (trailing blank ones dropped), cleaned, inert and
    cut to ``width`` characters with a marker saying how much was cut; "" when there is no
    log."""
    out: list[str] = []
    try:
        for raw in lines_backward(log_path):
            text = inert(clean_line(raw).rstrip(), lines=True)
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
