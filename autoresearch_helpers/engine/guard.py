"""guard_pattern: a regular expression that, found in run.log after a run, makes that run a
crash ``verify_failed`` before its metric is trusted (a harness that prints
``correct: false``, a check that says the output is wrong but still prints a score).

Every run is checked (engine/measure.py): the baseline's at setup, an experiment's, and
each run of a paired experiment, the best commit's included. Each line of the log is
searched (``re.search``, so ``^`` and ``$`` are the line's ends) as a terminal shows it
(engine/runlog.py: escape sequences removed, the text after the last carriage return);
the first line that matches is named in the crash's detail.
"""

from __future__ import annotations

import os
import re

from autoresearch_helpers.engine.runlog import clean_line

CRASH_CODE = "verify_failed"  # a failed correctness gate: guard_pattern or verify_command
SHOWN = 200  # characters of the matching line in the detail


def matched(pattern: str | None, log_path) -> str | None:
    """The crash detail when ``pattern`` matches a line of the log at ``log_path``, naming
    the pattern and the line; None when it matches none (or there is no pattern or log)."""
    if not pattern:
        return None
    regex = re.compile(pattern)
    try:
        fh = open(log_path, "rb")
    except FileNotFoundError:
        return None
    with fh:
        for number, raw in enumerate(fh, 1):
            line = clean_line(raw.decode("utf-8", "replace").rstrip("\n"))
            if regex.search(line):
                cut = f"{line[:SHOWN]} …" if len(line) > SHOWN else line
                return (f"guard_pattern {pattern!r} matched line {number} of "
                        f"{os.path.basename(log_path)}: {cut.strip()}")
    return None
