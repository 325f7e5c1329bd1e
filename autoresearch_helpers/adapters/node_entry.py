"""Finding the source file behind a Node package: package.json fields, index.html, fallbacks.

Pure helpers of the node adapter. An entry that points into build output (dist/index.js) is
mapped back to the source that produced it (src/index.ts), choosing the extension that exists.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from autoresearch_helpers.adapters.files import is_file, read_text

BUILD_DIRS = ("dist", "build", "lib", "out", "esm", "cjs", "es", "umd")
SOURCE_EXTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte")
COMPILED_EXTS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")
# Preference among export conditions; any other string found is taken after these.
CONDITIONS = ("source", "import", "module", "require", "default", "node", "browser")


def clean_entry(entry: str) -> str:
    """``./dist/index.js`` -> ``dist/index.js``; ``/src/main.tsx`` -> ``src/main.tsx``."""
    entry = entry.strip().split("?")[0].split("#")[0]
    while entry.startswith("./"):
        entry = entry[2:]
    return entry.lstrip("/")


def source_candidates(entry: str, src_dir: str = "src") -> list[str]:
    """Paths the source of ``entry`` may have, best first (pure: no file access).

    ``dist/index.js`` -> ``src/index.ts``, ``src/index.tsx``, ... ``src/index.js`` ...;
    nested build folders (``dist/esm/index.mjs``) are all stripped; a type declaration
    (``dist/index.d.ts``) maps like its JavaScript file.
    """
    path = PurePosixPath(clean_entry(entry))
    parts = list(path.parts)
    if not parts:
        return []
    stripped = 0
    while len(parts) > 1 and parts[0] in BUILD_DIRS:
        parts.pop(0)
        stripped += 1
    if not stripped:
        return []
    name = parts[-1]
    for ext in (".d.ts", ".d.mts", ".d.cts", *COMPILED_EXTS):
        if name.endswith(ext):
            name = name[: -len(ext)]
            break
    stem = "/".join([*parts[:-1], name])
    bases = [stem] if stem.startswith(f"{src_dir}/") else [f"{src_dir}/{stem}"]
    out = [base + ext for base in bases for ext in SOURCE_EXTS]
    out += [f"{base}/index{ext}" for base in bases for ext in SOURCE_EXTS]
    return out


def resolve_entry(root: Path, entry: str, src_dir: str = "src") -> str | None:
    """The repository file behind a package.json entry, or None when none exists."""
    if not isinstance(entry, str) or not entry.strip():
        return None
    for candidate in source_candidates(entry, src_dir):
        if is_file(root / candidate):
            return candidate
    cleaned = clean_entry(entry)
    if cleaned and is_file(root / cleaned) and not cleaned.endswith((".d.ts", ".d.mts")):
        name = PurePosixPath(cleaned).name
        if name.endswith(SOURCE_EXTS) or ("." not in name and read_text(root / cleaned)):
            return cleaned  # a source file, or an extension-less script (bin/cli)
    if cleaned and "." not in PurePosixPath(cleaned).name:  # "main": "index" / "src/cli"
        for ext in SOURCE_EXTS:
            if is_file(root / (cleaned + ext)):
                return cleaned + ext
    return None


def export_strings(exports) -> list[str]:
    """The file paths named by an ``exports`` value, preferred conditions first."""
    if isinstance(exports, str):
        return [exports]
    if isinstance(exports, list):
        return [s for item in exports for s in export_strings(item)]
    if not isinstance(exports, dict):
        return []
    if any(isinstance(k, str) and k.startswith(".") for k in exports):
        main = exports.get(".")
        rest = [v for k, v in exports.items() if k != "." and not str(k).endswith(".json")]
        return export_strings(main) + [s for v in rest for s in export_strings(v)]
    ordered = [exports[c] for c in CONDITIONS if c in exports]
    ordered += [v for k, v in exports.items() if k not in CONDITIONS and k != "types"]
    return [s for v in ordered for s in export_strings(v)]


def package_entries(pkg: dict) -> list[tuple[str, str]]:
    """(field, path) pairs from package.json, in the order they are tried."""
    out: list[tuple[str, str]] = []
    for field in ("source", "main", "module"):
        if isinstance(pkg.get(field), str):
            out.append((field, pkg[field]))
    out += [("exports", s) for s in export_strings(pkg.get("exports"))]
    binary = pkg.get("bin")
    if isinstance(binary, str):
        out.append(("bin", binary))
    elif isinstance(binary, dict):
        name = str(pkg.get("name", "")).split("/")[-1]
        values = [v for k, v in binary.items() if k == name] + list(binary.values())
        out += [("bin", v) for v in values if isinstance(v, str)]
    return out


class _ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[bool, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag != "script":
            return
        attrs = dict(attrs)
        src = attrs.get("src") or ""
        if src and "://" not in src and not src.startswith("//"):
            self.scripts.append((attrs.get("type") == "module", src))


def html_module_script(root: Path, html: str = "index.html") -> str | None:
    """The local script that ``index.html`` loads (a module script first), if it exists."""
    text = read_text(root / html)
    if text is None:
        return None
    finder = _ScriptFinder()
    try:
        finder.feed(text)
    except Exception:  # html.parser is lenient; stay safe on anything odd
        return None
    for _module, src in sorted(finder.scripts, key=lambda s: not s[0]):
        found = resolve_entry(root, src)
        if found:
            return found
    return None


def fallback_entry(root: Path) -> str | None:
    """src/index.*, src/main.*, then a root index.* or App.*."""
    for base in ("src/index", "src/main", "index", "App"):
        for ext in SOURCE_EXTS:
            if is_file(root / (base + ext)):
                return base + ext
    return None


_IMPORT = re.compile(r"""^\s*import\s+(\w+)\s+from\s+['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)


def mounted_component(root: Path, entry: str) -> str | None:
    """The local component ``entry`` renders (``import App from './App'`` and ``<App``)."""
    text = read_text(root / entry) or ""
    for name, spec in _IMPORT.findall(text):
        if re.search(rf"<{name}\b", text):
            base = (PurePosixPath(entry).parent / spec).as_posix()
            parts: list[str] = []
            for part in base.split("/"):
                if part == "..":
                    if not parts:
                        return None
                    parts.pop()
                elif part != ".":
                    parts.append(part)
            path = "/".join(parts)
            for candidate in (path, *(path + ext for ext in SOURCE_EXTS)):
                if is_file(root / candidate) and candidate.endswith(SOURCE_EXTS):
                    return candidate
    return None
