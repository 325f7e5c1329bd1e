"""Resolution: run every adapter on a repository; the highest score wins, the rest are listed.

The built-in adapters are ``BUILTIN``; third-party ones come from the entry-point group
``autoresearch.adapters``; a caller may add more (``extra``: config adds the custom type). A third-party adapter that fails to load or crashes is reported as
a one-line warning and skipped, so it never breaks detection of the built-in types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from autoresearch_helpers.adapters import base, flutter, jvm, ml, node
from autoresearch_helpers.adapters.base import Detection
from autoresearch_helpers.errors import ConfigError

BUILTIN = (flutter.ADAPTER, node.ADAPTER, jvm.ADAPTER, ml.ADAPTER)  # ties keep this order

CLAUDE_MD_HINT = """\
## autoresearch
- target_file: src/main.py
- run_command: python bench.py
- metric_name: score
- metric_direction: higher_is_better"""

LOOKED_FOR = "train.py, package.json, pubspec.yaml, build.gradle(.kts), settings.gradle(.kts), pom.xml"


@dataclass
class Resolution:
    root: Path
    best: Detection | None
    alternatives: list[Detection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def load_adapters(extra=()) -> tuple[list, list[str]]:
    """(adapters, warnings): the built-ins in table order, ``extra``, then the third-party ones."""
    adapters, warnings = [*BUILTIN, *extra], []
    try:
        points = list(entry_points(group=base.ENTRY_POINT_GROUP))
    except Exception as exc:
        return adapters, warnings + [f"adapter entry points could not be read ({_one_line(exc)})"]
    for ep in points:
        label = f"adapter plugin {ep.name!r} ({ep.value})"
        try:
            obj = ep.load()
            if not hasattr(obj, "detect") and callable(obj):
                obj = obj()
        except Exception as exc:
            warnings.append(f"{label} could not be loaded, skipped ({_one_line(exc)})")
            continue
        if not isinstance(obj, base.Adapter):
            warnings.append(f"{label} is not an adapter (needs `name` and `detect(root)`), skipped")
            continue
        adapters.append(obj)
    return adapters, warnings


def _valid(result) -> bool:
    return isinstance(result, Detection) and isinstance(result.type, str) and result.type \
        and isinstance(result.score, (int, float))


def resolve(root: Path, *, required: bool = True, extra=()) -> Resolution:
    """Run every adapter on ``root``. Raises ConfigError when nothing matches and ``required``."""
    root = Path(root).resolve()
    adapters, warnings = load_adapters(extra)
    found: list[Detection] = []
    for adapter in adapters:
        name = getattr(adapter, "name", type(adapter).__name__)
        try:
            result = adapter.detect(root)
        except Exception as exc:
            warnings.append(f"adapter {name!r} failed on this repository, skipped ({_one_line(exc)})")
            continue
        if result is None:
            continue
        if not _valid(result):
            warnings.append(f"adapter {name!r} returned {type(result).__name__}, not a Detection; skipped")
            continue
        found.append(result)
    found.sort(key=lambda d: -d.score)  # stable: ties keep the registry order
    if not found and required:
        raise no_match_error(root)
    return Resolution(root, found[0] if found else None, found[1:], warnings)


def no_match_error(root: Path) -> ConfigError:
    return ConfigError(
        f"cannot tell what kind of project {root} is (looked for {LOOKED_FOR}).\n"
        f"Describe the experiment in CLAUDE.md, for example:\n\n{CLAUDE_MD_HINT}")


def to_json(resolution: Resolution) -> dict:
    """The `detect --json` document (docs/cli.md)."""
    best = resolution.best
    doc = best.to_dict() if best else {}
    doc["alternatives"] = [
        {"type": d.type, "evidence": d.evidence, "score": d.score, "target_file": d.target_file,
         "run_command": d.run_command, "metric_name": d.metric_name,
         "metric_direction": d.metric_direction, "notes": d.notes}
        for d in resolution.alternatives]
    doc["root"] = str(resolution.root)
    doc["warnings"] = resolution.warnings
    return doc
