"""The headings of CLAUDE.md: where the ``## autoresearch`` section is, and its near misses.

The section starts at a level-2 or level-3 heading ``autoresearch`` (any case, optionally
followed by ``config``, ``configuration`` or ``settings``) and ends at the next heading of
the same or a higher level; a heading inside a fenced code block is none. A title that comes
close without being it (``Autoreserch``, ``auto-research``) is a near miss (``near_title``):
claude_md.py refuses one that holds settings, with a did-you-mean.
"""

from __future__ import annotations

import difflib
import re

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
SECTION_TITLE = re.compile(r"/?autoresearch(?:\s+(?:config|configuration|settings))?\s*:?",
                           re.IGNORECASE)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)")


def fence_close(opening: str, line: str) -> bool:
    stripped = line.strip()
    return (stripped.startswith(opening[0] * len(opening))
            and set(stripped) == {opening[0]})


def find_sections(lines: list[str], wanted=SECTION_TITLE.fullmatch) -> list[tuple[int, int]]:
    """(first, end) line indexes of the body of every autoresearch section (every level-2
    or level-3 heading whose title is ``wanted``), in file order."""
    found: list[tuple[int, int]] = []
    fence = None
    start, level = None, 0
    for index, line in enumerate(lines):
        if fence:
            if fence_close(fence, line):
                fence = None
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening.group(1)
            continue
        heading = HEADING.match(line)
        if not heading:
            continue
        depth, title = len(heading.group(1)), (heading.group(2) or "").strip()
        if start is not None and depth <= level:
            found.append((start, index))
            start = None
        if start is None and depth in (2, 3) and wanted(title):
            start, level = index + 1, depth
    if start is not None:
        found.append((start, len(lines)))
    return found


def near_title(title: str) -> bool:
    """A heading title meant as the section's but written otherwise: 'Autoreserch',
    'auto-research', 'Auto Research config'."""
    if SECTION_TITLE.fullmatch(title):
        return False
    bare = re.sub(r"(config|configuration|settings)$", "", re.sub(r"[\W_]+", "", title.lower()))
    return difflib.SequenceMatcher(None, bare, "autoresearch").ratio() >= 0.85
