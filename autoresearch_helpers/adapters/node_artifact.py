"""What a Node project's size metric measures: what its users download.

- a Next.js app: the JS and CSS under ``.next/static`` (never ``.next/cache``, which grows
  with every build);
- a library (main, module or exports into a build folder): the ESM entry the exports map
  resolves to (else module, else main): one format, not ESM + CJS + type declarations;
- a web app (an index.html the build turns into a page: Vite, CRA, Parcel, webpack): the
  JS and CSS the built page loads on first view, so that a lazy route lowers the metric;
- anything else: the whole build folder, raw.

Pure helpers of the node adapter: they read package.json and the config files, never the
build output (which may not exist yet).
"""

from __future__ import annotations

import re
from pathlib import Path

from autoresearch_helpers.adapters import node_entry
from autoresearch_helpers.adapters.files import is_file, read_text

# build tool -> its default output folder
TOOLS = (("vite", "dist"), ("react-scripts", "build"), ("next", ".next"), ("webpack", "dist"),
         ("rollup", "dist"), ("parcel", "dist"), ("esbuild", "dist"), ("tsup", "dist"),
         ("typescript", "dist"))
VITE_CONFIGS = ("vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts")
PAGES = ("index.html", "public/index.html", "src/index.html")  # a web app's page source
PAGE_TOOLS = ("vite", "react-scripts", "parcel", "webpack")  # they write out_dir/index.html
NEXT_STATIC = ".next/static/**/*.{js,css}"
ESM_CONDITIONS = ("import", "module", "default")
_OUT_DIR = re.compile(r"""\boutDir\s*["']?\s*:\s*["']([^"'$`]+)["']""")


def _literal_out_dir(root: Path, name: str) -> str | None:
    text = read_text(root / name)
    match = _OUT_DIR.search(text) if text else None
    return node_entry.clean_entry(match.group(1)).rstrip("/") if match else None


def build_output(root: Path, pkg: dict, deps: set[str], scripts: dict) -> tuple[str, str]:
    """(folder, reason) of the build output."""
    build = str(scripts.get("build", ""))
    for name in VITE_CONFIGS:
        out = _literal_out_dir(root, name)
        if out:
            return out, f"{name} sets outDir {out!r}"
    bundlers = {tool for tool, _ in TOOLS} - {"typescript"}
    if not deps & bundlers and ("tsc" in build or "typescript" in deps):
        out = _literal_out_dir(root, "tsconfig.json")
        if out:
            return out, f"tsconfig.json sets outDir {out!r}"
    for tool, folder in TOOLS:
        if tool in deps or re.search(rf"\b{re.escape(tool)}\b", build):
            return folder, f"{tool} writes to {folder}/"
    for field in ("main", "module"):
        value = pkg.get(field)
        if isinstance(value, str):
            first = node_entry.clean_entry(value).split("/")[0]
            if first in node_entry.BUILD_DIRS:
                return first, f"package.json {field} points into {first}/"
    return "dist", "no build tool recognised: assuming dist/"


def _esm(value) -> str | None:
    """The ESM file an exports value resolves to (import, then module, then default)."""
    if isinstance(value, str):
        return None if value.endswith((".d.ts", ".d.mts", ".d.cts")) else value
    if isinstance(value, list):
        return next(filter(None, map(_esm, value)), None)
    if isinstance(value, dict):
        return next(filter(None, (_esm(value[c]) for c in ESM_CONDITIONS if c in value)), None)
    return None


def library_entry(pkg: dict) -> tuple[str, str] | None:
    """(the built ESM entry, reason) of a library whose entries point into a build folder."""
    exports = pkg.get("exports")
    if isinstance(exports, dict) and any(str(k).startswith(".") for k in exports):
        exports = exports.get(".")
    found = [("exports", _esm(exports))]
    found += [(field, pkg.get(field)) for field in ("module", "main")]
    for field, entry in found:
        if isinstance(entry, str) and entry.strip():
            path = node_entry.clean_entry(entry)
            if path.split("/")[0] in node_entry.BUILD_DIRS and "*" not in path:
                return path, f"the library's ESM entry (package.json {field})"
    return None


def web_page(root: Path, out_dir: str, deps: set[str], scripts: dict) -> tuple[str, str] | None:
    """(the built page, reason) of a web app: an index.html that a bundler writing pages
    turns into out_dir/index.html (Angular and others write elsewhere: not guessed)."""
    build = str(scripts.get("build", ""))
    if not any(t in deps or re.search(rf"\b{t}\b", build) for t in PAGE_TOOLS) \
            or "@angular/core" in deps:
        return None
    for page in PAGES:
        if is_file(root / page):
            return (f"{out_dir}/index.html",
                    f"a web app ({page}): the JS and CSS its built page loads first")
    return None


def next_router(root: Path) -> tuple[str, str, str] | None:
    """(target, editable folder, router) of a Next.js app, or None when no page exists."""
    for base in ("", "src/"):
        for folder, name, router in (("app", "page", "app router"),
                                     ("pages", "index", "pages router")):
            for ext in (".tsx", ".jsx", ".ts", ".js"):
                target = f"{base}{folder}/{name}{ext}"
                if is_file(root / target):
                    return target, base or f"{folder}/", router
    return None
