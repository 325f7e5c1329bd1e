"""The terminal size as ``shutil.get_terminal_size`` reports it, without importing shutil.

shutil pulls in fnmatch and re (~15 ms of start-up on a slow interpreter), which the
read-only verbs would pay for one call. The rules are shutil's: COLUMNS and LINES win when
they hold a positive number, then the terminal on stdout, then ``fallback``.
"""

from __future__ import annotations

import os
import sys


def terminal_size(fallback: tuple[int, int] = (80, 24)) -> tuple[int, int]:
    """(columns, lines)."""
    sizes = []
    for name in ("COLUMNS", "LINES"):
        try:
            sizes.append(int(os.environ[name]))
        except (KeyError, ValueError):
            sizes.append(0)
    columns, lines = sizes
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size(fallback)
        if columns <= 0:
            columns = size.columns or fallback[0]
        if lines <= 0:
            lines = size.lines or fallback[1]
    return columns, lines
