"""The size of a build artifact: which files it names, and how their bytes are counted.

An artifact is a file, a folder (every regular file below it; symlinks inside are not
followed) or a glob (``**`` crosses folders, ``{js,css}`` gives alternatives). An ``.html``
file means the page's first view: the local JS and CSS files it loads (``<script src>``,
module or classic, ``<link rel=modulepreload>`` and ``<link rel=stylesheet>``), each counted
once; scripts those load later (a lazy route's chunk) are not, nor ``nomodule`` scripts
(legacy bundles a modern browser skips). A page served under a base path
(``/app/assets/x.js``) finds its files below the page's folder.

``size`` counts each file ``raw`` (its bytes), ``gzip`` (compressed alone at level 9, as a
server would send it) or ``brotli`` (needs the Python package brotli). Units are decimal
(KB = 1000 bytes) unless binary is asked for (KiB = 1024).
"""

from __future__ import annotations

import glob
import gzip
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote

from autoresearch_helpers.errors import MetricError
from autoresearch_helpers.vocab import SIZE_UNITS, SIZES, size_unit

_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")
_SCRIPT_TYPES = ("", "module", "text/javascript", "application/javascript")


@dataclass
class Size:
    value: float  # in the unit asked for
    files: list[str]  # what was counted, relative to the root
    raw_bytes: int  # their bytes before compression
    output: str  # the folder holding the artifact (relative to the root)
    output_bytes: int  # every file in it, raw: the whole build output

    def summary(self, size: str) -> dict:
        """The ``sizes`` of the JSONL's experiment_done event (docs/formats.md)."""
        return {"size": size, "files": len(self.files), "raw_kb": kb(self.raw_bytes),
                "output": self.output, "output_raw_kb": kb(self.output_bytes)}


def kb(n: int) -> float:
    return round(n / 1000, 3)


def unit_factor(unit: str | None) -> int:
    spelled = size_unit(unit or "KB")
    if spelled is None:
        raise ValueError(f"unknown size unit {unit!r}; use one of {', '.join(SIZE_UNITS)}")
    factor = SIZE_UNITS[spelled]
    return factor


def brotli_module():
    """The brotli package, or None when it is not installed."""
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        return None
    return brotli


def count(data: bytes, size: str) -> int:
    """The bytes ``data`` takes when sent as ``size`` says."""
    if size == "raw":
        return len(data)
    if size == "gzip":
        return len(gzip.compress(data, compresslevel=9, mtime=0))
    if size == "brotli":
        module = brotli_module()
        if module is None:
            raise MetricError("metric_missing", "size brotli needs the Python package brotli "
                                                "(pip install brotli), or use size gzip")
        return len(module.compress(data))
    raise ValueError(f"unknown size {size!r}; use {', '.join(SIZES)}")


def expand_braces(pattern: str) -> list[str]:
    """``a/*.{js,css}`` -> ``a/*.js``, ``a/*.css`` (nested or repeated groups too)."""
    match = _BRACES.search(pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[:match.start()], pattern[match.end():]
    return [p for alt in match.group(1).split(",") for p in expand_braces(head + alt + tail)]


def _files_below(path: str) -> list[str]:
    if not os.path.isdir(path):
        return [path]
    found = []
    for folder, _, names in os.walk(path):
        found += [os.path.join(folder, n) for n in names
                  if not os.path.islink(os.path.join(folder, n))]
    return sorted(found)


class _PageAssets(HTMLParser):
    """The local URLs of the scripts and stylesheets a page loads on first view."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "script" and attrs.get("type", "").lower() in _SCRIPT_TYPES \
                and "nomodule" not in attrs:  # a legacy bundle modern browsers skip
            self.urls.append(attrs.get("src", ""))
        elif tag == "link" and {"stylesheet", "modulepreload"} & set(
                attrs.get("rel", "").lower().split()):
            self.urls.append(attrs.get("href", ""))


def _local(url: str) -> str | None:
    url = url.strip().split("#")[0].split("?")[0]
    if not url or url.startswith("//") or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        return None  # inline, another host, data:, blob:
    return unquote(url)


def page_files(root: str, page: str) -> list[str]:
    """The files ``page`` (an .html file under ``root``) loads on first view."""
    with open(page, "rb") as fh:
        text = fh.read().decode("utf-8", "replace")
    parser = _PageAssets()
    parser.feed(text)
    folder, found = os.path.dirname(page), []
    for url in filter(None, map(_local, parser.urls)):
        parts = [p for p in url.split("/") if p not in ("", ".")]
        # a root-relative URL may carry a base path (/app/assets/x.js): drop its folders
        candidates = [os.path.normpath(os.path.join(folder, *parts[i:]))
                      for i in range(len(parts) if url.startswith("/") else 1)]
        path = next((c for c in candidates if os.path.isfile(c) and _inside(root, c)), None)
        if path is None:
            raise MetricError("metric_missing", f"{os.path.relpath(page, root)} loads "
                                                f"{url[:100]!r}, which is not in "
                                                f"{os.path.relpath(folder, root)}/")
        if path not in found:
            found.append(path)
    if not found:
        raise MetricError("metric_missing", f"{os.path.relpath(page, root)} loads no local "
                                            "script or stylesheet: nothing to measure")
    return found


def _inside(root: str, path: str) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real.startswith(base + os.sep)


def artifact_files(root: str, pattern: str) -> tuple[list[str], str]:
    """(the files the artifact names, the folder holding it); MetricError when none."""
    if glob.has_magic(pattern) or _BRACES.search(pattern):
        found = sorted({os.path.join(root, p) for one in expand_braces(pattern)
                        for p in glob.glob(one, root_dir=root, recursive=True)})
        if not found:
            raise MetricError("metric_missing", f"no file matches the artifact {pattern!r} "
                                                f"under {root}: did the build write it?")
        fixed = re.split(r"[*?\[{]", pattern)[0].rsplit("/", 1)[0] if "/" in pattern else ""
        return [f for p in found for f in _files_below(p)], fixed
    path = os.path.join(root, pattern)
    if not os.path.exists(path):
        raise MetricError("metric_missing", f"artifact {path} does not exist: "
                                            "did the build write it?")
    if os.path.isdir(path):
        return _files_below(path), pattern.rstrip("/")
    folder = os.path.dirname(pattern.rstrip("/"))
    if pattern.lower().endswith((".html", ".htm")):
        return page_files(root, path), folder
    return [path], folder


def measure(root, artifact: str, unit: str | None = "KB", size: str | None = "raw") -> Size:
    """The size of ``artifact`` under ``root`` in ``unit``, counted as ``size`` says."""
    root = os.fspath(root)
    factor, size = unit_factor(unit), size or "raw"
    files, output = artifact_files(root, artifact)
    counted = raw = 0
    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        raw += len(data)
        counted += count(data, size)
    out_dir = os.path.join(root, output) if output else root
    output_bytes = sum(os.lstat(f).st_size for f in _files_below(out_dir)) if output else raw
    return Size(counted / factor, [os.path.relpath(f, root) for f in files], raw,
                output or ".", output_bytes)
