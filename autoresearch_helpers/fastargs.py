"""A parser for the plain shape of a verb's arguments, so the hot verbs skip argparse.

Importing and building argparse costs a quarter of the interpreter's own start-up, paid on
every experiment. A verb module may define ``parse_fast(argv)`` that returns the parsed
namespace for the common, unambiguous forms, or None for anything else (help, an unknown
or abbreviated option, a missing or odd value), in which case cli.main builds the argparse
parser as usual, so errors and help read exactly the same either way.
"""

from __future__ import annotations

from types import SimpleNamespace


def parse(argv: list[str], *, values: dict[str, str], flags: dict[str, str],
          defaults: dict[str, object], required: tuple[str, ...] = (),
          types: dict | None = None) -> SimpleNamespace | None:
    """``values``: option -> destination of an option taking one value (``-d X``, ``-dX``,
    ``--opt X``, ``--opt=X``); ``flags``: option -> destination of a store_true flag;
    ``types``: destination -> converter, as argparse's ``type=`` (int, float, ...).
    Returns None whenever argparse could read the arguments differently or must answer."""
    out = dict(defaults)
    seen: set[str] = set()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg in flags:
            out[flags[arg]] = True
            continue
        name, value = arg, None
        if arg.startswith("--"):
            if "=" in arg:
                name, value = arg.split("=", 1)
        elif len(arg) > 2 and arg[0] == "-":
            if "=" in arg:
                return None  # "-d=x": argparse's own rules
            name, value = arg[:2], arg[2:]
        if name not in values:
            return None  # a positional, --help, an abbreviation, a typo: argparse decides
        if value is None:
            if i >= len(argv) or argv[i].startswith("-"):
                return None
            value = argv[i]
            i += 1
        dest = values[name]
        if dest in seen:
            return None
        seen.add(dest)
        out[dest] = value
    if any(dest not in seen for dest in required):
        return None
    for dest, convert in (types or {}).items():
        if dest in seen:
            try:
                out[dest] = convert(out[dest])
            except ValueError:
                return None  # argparse's "invalid int value" message
    return SimpleNamespace(**out)
