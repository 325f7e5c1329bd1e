"""Where configuration comes from: pyproject.toml, CLAUDE.md and the command line.

Each reader returns a list of :class:`Entry` — one raw ``key = value`` as written, with the
place it was written (``CLAUDE.md:14``) — and leaves typing and validation to config.py.
A reader raises ConfigError only for what makes its source unreadable (TOML syntax, YAML
syntax, a section that is not a table) and for a key given twice in the same source.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from autoresearch_helpers.errors import ConfigError, shown

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

# The kinds of source, lowest precedence first. The kind decides how examples are written.
PYPROJECT, CLAUDE_MD, YAML_BLOCK, COMMAND_LINE = "pyproject", "claude_md", "yaml", "command_line"
PYPROJECT_SECTION = "pyproject.toml [tool.autoresearch]"


@dataclass
class Entry:
    key: str  # normalised: lower case, '-' -> '_'
    value: object  # a string, or what TOML/YAML made of it
    where: str  # "CLAUDE.md:14", "pyproject.toml:9", "command line"
    kind: str  # PYPROJECT, CLAUDE_MD, YAML_BLOCK or COMMAND_LINE
    raw_key: str = ""  # the key as written

    def example(self, key: str, value: str) -> str:
        """How ``key`` set to ``value`` is written in this kind of source."""
        return example_line(self.kind, key, value)


def example_line(kind: str, key: str, value: str) -> str:
    if kind == PYPROJECT:
        quoted = value if re.fullmatch(r"[0-9.]+", value) else '"' + value.replace('"', '\\"') + '"'
        return f"{key} = {quoted}   (under [tool.autoresearch] in pyproject.toml)"
    if kind == YAML_BLOCK:
        return f"{key}: {value}"
    if kind == COMMAND_LINE:
        return f"--set {key}={value}"
    return f"- {key}: {value}"


def normalise_key(key: str) -> str:
    return key.strip().lower().replace("-", "_")


def check_duplicates(entries: list[Entry]) -> list[Entry]:
    """Raise ConfigError when one source gives the same key twice."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        first = seen.get(entry.key)
        if first is not None:
            raise ConfigError(
                f"the key {shown(entry.key, ascii_only=True)} is given twice (first at "
                f"{first.where}); keep one", source=entry.where, key=entry.key,
                value=entry.value, example=entry.example(entry.key, str(first.value)[:80]))
        seen[entry.key] = entry
    return entries


# --- pyproject.toml -----------------------------------------------------------------------

def read_pyproject(root: Path) -> list[Entry]:
    """The entries of ``[tool.autoresearch]`` in ``root/pyproject.toml`` (none when absent)."""
    path = Path(root) / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read pyproject.toml ({exc})", source="pyproject.toml") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f"pyproject.toml:{line.group(1)}" if line else "pyproject.toml"
        raise ConfigError(f"pyproject.toml is not valid TOML: {exc}", source=where,
                          example='[tool.autoresearch]\ntime_budget = 600') from exc
    except RecursionError:
        raise ConfigError("pyproject.toml is nested too deeply to read", source="pyproject.toml",
                          example='[tool.autoresearch]\ntime_budget = 600') from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict) or "autoresearch" not in tool:
        return []
    table = tool["autoresearch"]
    lines = _pyproject_key_lines(text)
    if not isinstance(table, dict):
        raise ConfigError("tool.autoresearch must be a table of keys, not a single value",
                          source=f"pyproject.toml:{lines.get('', '?')}", key="tool.autoresearch",
                          value=table, example='[tool.autoresearch]\nmetric_name = "val_bpb"')
    entries = []
    for raw_key, value in table.items():
        key = normalise_key(raw_key)
        line = lines.get(key)
        where = f"pyproject.toml:{line}" if line else PYPROJECT_SECTION
        entries.append(Entry(key, value, where, PYPROJECT, raw_key))
    return check_duplicates(entries)


def _pyproject_key_lines(text: str) -> dict[str, int]:
    """Line numbers of the keys under ``[tool.autoresearch]`` (for messages only).

    tomllib has already checked the syntax; this only finds where each key was written.
    The key '' maps to the line that defines tool.autoresearch itself.
    """
    out: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = re.fullmatch(r"\[\s*tool\s*\.\s*autoresearch\s*\]\s*(#.*)?", stripped) is not None
            if inside:
                out.setdefault("", number)
            elif re.fullmatch(r"\[\s*tool\s*\]\s*(#.*)?", stripped):
                inside = "tool"
            continue
        match = re.match(r"""\s*["']?([^\s"'=.]+)["']?\s*=""", line)
        if not match:
            continue
        if inside is True:
            out.setdefault(normalise_key(match.group(1)), number)
        elif inside == "tool" and match.group(1) == "autoresearch":
            out.setdefault("", number)
    if "" not in out:  # a dotted key at the top: tool.autoresearch = ...
        for number, line in enumerate(text.splitlines(), 1):
            if re.match(r"\s*tool\s*\.\s*autoresearch\s*=", line):
                out[""] = number
                break
    return out


# --- the command line ---------------------------------------------------------------------

def command_line_entries(overrides: dict[str, str] | None) -> list[Entry]:
    return [Entry(normalise_key(k), v, "command line", COMMAND_LINE, k)
            for k, v in (overrides or {}).items()]
