"""How the metric is measured, and the keys of a size metric: ``artifact`` and ``size``.

The adapter proposes a measure (a printed line, a size, a wall time); it holds while the
metric is the adapter's and no metric_parse replaces it. An ``artifact`` the user sets makes
the metric the size of that artifact for any project, custom too: its unit is the adapter's
when the metric is the adapter's, else the one the metric's name ends with (``bundle_mb``:
MB), else KB. ``size`` says how the bytes are counted (raw, gzip, brotli; default raw).
"""

from __future__ import annotations

import importlib.util
import os
import re

from autoresearch_helpers import paths
from autoresearch_helpers.config.keys import KEYS
from autoresearch_helpers.config.sources import example_line
from autoresearch_helpers.errors import ConfigError, shown
from autoresearch_helpers.vocab import ARTIFACT_SIZE, PRINTED, size_unit

DEFAULT = "default"
# the unit a metric's name ends with: bundle_kb, apk_mb, dist_kib, page_bytes
_NAME_UNIT = re.compile(r"[_\-.](\w+)\Z")


def unit_of(metric_name: str) -> str:
    match = _NAME_UNIT.search(metric_name or "")
    word = match.group(1) if match else ""
    return size_unit("B" if word.lower() == "bytes" else word) or "KB"


def settle(values: dict, sources: dict, winners: dict, detection) -> tuple[str, str | None]:
    """(measure, unit) of this configuration; values["artifact"] and values["size"] are
    left set only for a size metric. ConfigError on a contradiction."""
    own = detection is not None and values["metric_name"] == detection.metric_name
    user_artifact = winners["artifact"] is not None and values["artifact"] is not None
    if values["metric_parse"] is not None:
        if user_artifact:
            _refuse(winners["artifact"], "artifact and metric_parse are both set, and "
                    "metric_parse always gives the metric; remove one of them")
        measure, unit = PRINTED, None
    elif user_artifact:
        adapters = own and getattr(detection, "measure", None) == ARTIFACT_SIZE
        measure = ARTIFACT_SIZE
        unit = getattr(detection, "unit", None) if adapters else unit_of(values["metric_name"])
    elif own:
        measure = getattr(detection, "measure", PRINTED) or PRINTED
        unit = getattr(detection, "unit", None)
    else:
        measure, unit = PRINTED, None
    if measure != ARTIFACT_SIZE:
        if winners["size"] is not None and values["size"] is not None:
            _refuse(winners["size"], "size applies to a size metric only; set artifact too "
                    "(the file, folder or glob whose size is the metric)")
        for key in ("artifact", "size"):
            values[key], sources[key] = None, DEFAULT
        return measure, unit
    if not values["artifact"]:
        raise ConfigError(f"{values['metric_name']} is a size but no artifact is set",
                          source="CLAUDE.md", key="artifact",
                          example=example_line("claude_md", "artifact", KEYS["artifact"].example))
    if user_artifact:
        values["artifact"] = _check_artifact(winners["artifact"], values["artifact"])
    values["size"] = values["size"] or "raw"
    if values["size"] == "brotli" and importlib.util.find_spec("brotli") is None:
        entry = winners["size"]
        message = ("size brotli needs the Python package brotli, which is not installed "
                   "(pip install brotli, beside autoresearch); or use gzip")
        if entry is None:
            raise ConfigError(message, source=sources["size"], key="size", value="brotli",
                              example=example_line("claude_md", "size", "gzip"))
        _refuse(entry, message, example="gzip")
    return measure, unit


def _check_artifact(entry, raw: str) -> str:
    """The artifact as a clean repository-relative path or glob (it may not exist yet: the
    build writes it); never outside the repository, in .git or one of the tool's files."""
    text = raw.strip().replace("\\", "/")
    clean = os.path.normpath(text).replace("\\", "/") if text else ""
    if not clean or os.path.isabs(text) or clean == "." or clean.split("/")[0] == "..":
        _refuse(entry, f"artifact {shown(raw)} must be a path inside the repository, "
                "relative to its root (dist, dist/index.html, build/*.js)")
    own = paths.own_path(clean)
    if clean.split("/")[0] == ".git" or own is not None:
        _refuse(entry, f"artifact {shown(raw)} is autoresearch's own {own or '.git/'}; name "
                "the build output of your project")
    return clean


def _refuse(entry, message: str, example: str | None = None):
    raise ConfigError(message, source=entry.where, key=entry.key, value=entry.value,
                      example=entry.example(entry.key, example or KEYS[entry.key].example))
