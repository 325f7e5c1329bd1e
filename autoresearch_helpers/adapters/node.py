"""The Node adapter: a package.json project whose build output size the loop shrinks."""

from __future__ import annotations

import re
from pathlib import Path

from autoresearch_helpers.adapters import node_entry
from autoresearch_helpers.adapters.base import ARTIFACT_SIZE, LOWER, Detection
from autoresearch_helpers.adapters.files import is_file, read_json, read_text

# dependency -> framework named in the notes (mobile frameworks first: they decide the kind)
FRAMEWORKS = (("expo", "Expo"), ("react-native", "React Native"),
              ("@capacitor/core", "Capacitor"), ("@ionic/core", "Ionic"), ("next", "Next.js"),
              ("nuxt", "Nuxt"), ("@angular/core", "Angular"), ("svelte", "Svelte"),
              ("vue", "Vue"), ("react", "React"))
# build tool -> its default output folder
TOOLS = (("vite", "dist"), ("react-scripts", "build"), ("next", ".next"), ("webpack", "dist"),
         ("rollup", "dist"), ("parcel", "dist"), ("esbuild", "dist"), ("tsup", "dist"),
         ("typescript", "dist"))
VITE_CONFIGS = ("vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts")
_OUT_DIR = re.compile(r"""\boutDir\s*["']?\s*:\s*["']([^"'$`]+)["']""")
_ROOT_DIR = re.compile(r""""rootDir"\s*:\s*"([^"]+)\"""")
LOCKFILES = (("pnpm-lock.yaml", "pnpm run build"), ("yarn.lock", "yarn build"),
             ("bun.lockb", "bun run build"), ("bun.lock", "bun run build"))


def _dependencies(pkg: dict) -> set[str]:
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(pkg.get(key), dict):
            deps.update(str(k) for k in pkg[key])
    return deps


def _literal_out_dir(root: Path, name: str) -> str | None:
    text = read_text(root / name)
    match = _OUT_DIR.search(text) if text else None
    return node_entry.clean_entry(match.group(1)).rstrip("/") if match else None


def build_output(root: Path, pkg: dict, deps: set[str], scripts: dict) -> tuple[str, str]:
    """(folder, reason) of the build output whose size is measured."""
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


def _run_command(root: Path, scripts: dict, framework: str | None,
                 notes: list[str]) -> tuple[str, str | None]:
    """(run_command, artifact override) for this package."""
    if "build" in scripts:
        for lockfile, command in LOCKFILES:
            if is_file(root / lockfile):
                notes.append(f"{lockfile} present: build with {command.split()[0]}")
                return command, None
        return "npm run build", None
    if framework == "React Native":
        entry = "index.js" if is_file(root / "index.js") else "index.ts"
        notes.append("no build script: measure the Android JavaScript bundle")
        return ("npx react-native bundle --platform android --dev false "
                f"--entry-file {entry} --bundle-output build/index.android.bundle",
                "build/index.android.bundle")
    if framework == "Expo":
        notes.append("no build script: measure the Expo Android export")
        return "npx expo export --platform android", "dist"
    notes.append("package.json has no build script: add one, or set run_command in CLAUDE.md")
    return "npm run build", None


def find_target(root: Path, pkg: dict, notes: list[str]) -> tuple[str | None, list[str]]:
    """(target, extra evidence) for this package."""
    tsconfig = read_text(root / "tsconfig.json") or ""
    match = _ROOT_DIR.search(tsconfig)
    src_dir = node_entry.clean_entry(match.group(1)).rstrip("/") if match else "src"
    for field, entry in node_entry.package_entries(pkg):
        found = node_entry.resolve_entry(root, entry, src_dir or "src")
        if found:
            mapped = "" if node_entry.clean_entry(entry) == found else f" ({entry} -> {found})"
            notes.append(f"target from package.json {field}{mapped}")
            return found, []
        notes.append(f"package.json {field} {entry!r}: no source file found for it")
    found = node_entry.html_module_script(root)
    if found:
        notes.append(f"target: the script index.html loads ({found})")
        return found, ["index.html"]
    found = node_entry.fallback_entry(root)
    if found:
        notes.append(f"target: {found}, the conventional entry file")
        return found, []
    notes.append("no entry file found: set target_file in CLAUDE.md")
    return None, []


class NodeAdapter:
    name = "node"

    def detect(self, root: Path) -> Detection | None:
        path = root / "package.json"
        if not is_file(path):
            return None
        notes: list[str] = []
        try:
            pkg = read_json(path)
        except ValueError as exc:
            notes.append(f"package.json is not valid JSON ({exc}); defaults guessed from files")
            pkg = {}
        if not isinstance(pkg, dict):
            notes.append("package.json is not a JSON object; defaults guessed from files")
            pkg = {}
        deps = _dependencies(pkg)
        scripts = pkg.get("scripts") if isinstance(pkg.get("scripts"), dict) else {}
        framework = next((label for dep, label in FRAMEWORKS if dep in deps), None)
        evidence = ["package.json"]
        score = 40
        if framework:
            notes.append(f"framework: {framework}")
            if framework in ("React Native", "Expo", "Capacitor", "Ionic"):
                score = 45
                platforms = [d for d in ("android", "ios") if (root / d).is_dir()]
                if platforms:
                    notes.append(f"{' and '.join(d + '/' for d in platforms)}: "
                                 f"native projects of the {framework} app")
        if pkg.get("workspaces"):
            notes.append("package.json declares workspaces (a monorepo): set target_file and "
                         "run_command for the package to improve")
        target, more = find_target(root, pkg, notes)
        evidence += more
        run, artifact = _run_command(root, scripts, framework, notes)
        if artifact is None:
            artifact, reason = build_output(root, pkg, deps, scripts)
            notes.append(f"artifact {artifact}/: {reason}")
        if "build" not in scripts and artifact == "dist" and run == "npm run build":
            score -= 5  # the run command is a guess that fails until a build script exists
        return Detection(
            type="node", evidence=evidence, target_file=target, run_command=run,
            metric_name="bundle_kb", metric_direction=LOWER, measure=ARTIFACT_SIZE,
            artifact=artifact, unit="KB", time_budget=300, score=score, notes=notes)


ADAPTER = NodeAdapter()
