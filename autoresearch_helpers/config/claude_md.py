"""The ``## autoresearch`` section of CLAUDE.md.

The section starts at a level-2 or level-3 heading ``autoresearch`` (any case, optionally
followed by ``config``, ``configuration`` or ``settings``) and ends at the next heading of
the same or a higher level (config/headings.py). Inside it:

* bullet lines ``- key: value`` (or ``* key: value``): the value is everything after the
  first colon, kept verbatim (colons, quotes and pipes included) except that backticks or
  matching quotes around the whole value are removed;
* a bullet ``- key:`` with nothing after the colon, followed by indented bullets, gives a
  list (``readonly_files`` written one file per line);
* a fenced ```` ```yaml ```` block holding a mapping, read with ``yaml.safe_load`` rules;
  aliases may not expand it past MAX_YAML_NODES values, nor refer to themselves (an
  "alias bomb" is refused before anything is expanded);
* anything else (prose, other code blocks) is ignored, and so is the rest of the file.

With no such section, a level-2 or level-3 heading that comes close (``## Autoreserch``,
``## auto-research``) and holds settings is an error with a did-you-mean, not ignored.

Every entry records its line number, so a message can say ``CLAUDE.md:14``.
"""

from __future__ import annotations

import re
from pathlib import Path

from autoresearch_helpers.config.headings import (
    FENCE, HEADING, fence_close, find_sections, near_title)
from autoresearch_helpers.config.lookalike import looks_like_key
from autoresearch_helpers.config.sources import (
    CLAUDE_MD, YAML_BLOCK, Entry, check_duplicates, normalise_key)
from autoresearch_helpers.errors import ConfigError

BULLET = re.compile(r"^(\s*)[-*+]\s+(.*?)\s*$")
MAX_YAML_NODES = 10_000  # values a yaml block may expand to, aliases counted each time
# `- key: value`; the key is ASCII (or looks it: lookalike.looks_like_key), else prose
KEY_VALUE = re.compile(r"^(?:\*\*|__|`)?([^\s:*`]+?)(?:\*\*|__|`)?\s*:(?:\*\*|__)?(.*)$")


def clean_value(text: str) -> str:
    """Strip whitespace, then backticks or matching quotes around the whole value."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] == "`" and "`" not in value[1:-1]:
        value = value[1:-1].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" \
            and value[0] not in value[1:-1]:
        value = value[1:-1]
    return value


def _key_value(line: str) -> re.Match | None:
    """The ``key: value`` of a bullet line written like a setting, else None."""
    bullet = BULLET.match(line)
    match = KEY_VALUE.match(bullet.group(2)) if bullet else None
    return match if match and looks_like_key(match.group(1)) else None


def _refuse_near_miss(lines: list[str], name: str) -> None:
    """A heading close to the section's that holds settings: they would be ignored."""
    for first, end in find_sections(lines, near_title):
        yaml = [FENCE.match(line) for line in lines[first:end]]
        if any(_key_value(line) for line in lines[first:end]) or \
                any(m and m.group(2).lower() in ("yaml", "yml") for m in yaml):
            hashes = HEADING.match(lines[first - 1]).group(1)
            raise ConfigError(
                f"the heading {lines[first - 1].strip()!r} is not the autoresearch section, so "
                f"the settings under it would be ignored: did you mean '{hashes} autoresearch'?",
                source=f"{name}:{first}", example=f"{hashes} autoresearch")


def parse_section(text: str, name: str = "CLAUDE.md") -> list[Entry]:
    """The entries of the autoresearch section of ``text`` (a CLAUDE.md), in file order."""
    lines = text.splitlines()
    sections = find_sections(lines)
    if not sections:
        _refuse_near_miss(lines, name)
        return []
    if len(sections) > 1:
        raise ConfigError(
            f"a second autoresearch section starts at line {sections[1][0]} (the first at line "
            f"{sections[0][0]}); keep one section", source=f"{name}:{sections[1][0]}",
            example="## autoresearch")
    first, end = sections[0]
    entries: list[Entry] = []
    list_entry: Entry | None = None  # a `- key:` waiting for indented items
    list_indent = 0
    index = first
    while index < end:
        line = lines[index]
        opening = FENCE.match(line)
        if opening:
            close = index + 1
            while close < end and not fence_close(opening.group(1), lines[close]):
                close += 1
            if opening.group(2).lower() in ("yaml", "yml"):
                entries.extend(_yaml_block(lines[index + 1:close], index + 2, name))
            list_entry = None
            index = close + 1
            continue
        bullet = BULLET.match(line)
        if bullet and list_entry is not None and len(bullet.group(1)) > list_indent:
            item = clean_value(bullet.group(2))
            if item:
                list_entry.value = [*(list_entry.value or []), item]
            index += 1
            continue
        list_entry = None
        match = _key_value(line)
        if match:
            value = clean_value(match.group(2))
            entry = Entry(normalise_key(match.group(1)), value, f"{name}:{index + 1}",
                          CLAUDE_MD, match.group(1))
            entries.append(entry)
            if value == "":
                list_entry, list_indent = entry, len(bullet.group(1))
        index += 1
    return entries


def _yaml_block(block: list[str], first_line: int, name: str) -> list[Entry]:
    """Entries of a fenced yaml block whose first line is line ``first_line`` of the file."""
    import yaml

    text = "\n".join(block)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return []
        _check_expansion(root, f"{name}:{first_line + root.start_mark.line}")
        if not isinstance(root, yaml.MappingNode):
            raise ConfigError(
                "the yaml block of the autoresearch section must be a mapping of key: value",
                source=f"{name}:{first_line + root.start_mark.line}",
                example="time_budget: 600")
        entries = []
        for key_node, value_node in root.value:
            raw_key = str(loader.construct_object(key_node, deep=True))
            value = loader.construct_object(value_node, deep=True)
            if isinstance(value, str):
                value = value.strip()
            entries.append(Entry(normalise_key(raw_key), value,
                                 f"{name}:{first_line + key_node.start_mark.line}",
                                 YAML_BLOCK, raw_key))
        return entries
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark is not None else first_line - 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"the yaml block of the autoresearch section is not valid YAML "
                          f"({problem})", source=f"{name}:{line}",
                          example="metric_name: accuracy") from None
    except RecursionError:
        raise ConfigError("the yaml block of the autoresearch section is nested too deeply",
                          source=f"{name}:{first_line}", example="time_budget: 600") from None
    finally:
        loader.dispose()


def _check_expansion(root, where: str) -> None:
    """Refuse a composed yaml document whose aliases would expand it past MAX_YAML_NODES
    values, or that refers to itself; each node is visited once (aliases share nodes)."""
    import yaml

    sizes: dict[int, int] = {}  # id(node) -> values it expands to
    ancestors: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if finished:
            ancestors.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_YAML_NODES:
                raise ConfigError(
                    f"the yaml block of the autoresearch section expands to more than "
                    f"{MAX_YAML_NODES} values through its aliases (*name); write the values "
                    "out", source=where, example="readonly_files: [data/a.csv, data/b.csv]")
            continue
        if id(node) in sizes:
            continue
        if id(node) in ancestors:
            raise ConfigError("the yaml block of the autoresearch section holds an alias that "
                              "refers to itself (&name ... *name inside it)", source=where,
                              example="readonly_files: [data/a.csv, data/b.csv]")
        ancestors.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children)


# --- CLAUDE.md ----------------------------------------------------------------------------

def claude_md_path(root: Path) -> Path | None:
    """The project's CLAUDE.md (or .claude/CLAUDE.md), or None."""
    for rel in ("CLAUDE.md", ".claude/CLAUDE.md"):
        path = Path(root) / rel
        if path.is_file():
            return path
    return None


def read_claude_md(root: Path) -> list[Entry]:
    """The entries of the ``## autoresearch`` section of the project's CLAUDE.md."""
    path = claude_md_path(root)
    if path is None:
        return []
    name = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {name} ({exc})", source=name) from exc
    return check_duplicates(parse_section(text, name))
