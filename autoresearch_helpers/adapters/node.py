"""The Node adapter: a package.json project whose build output size the loop shrinks.

What is measured is node_artifact.py's; which source file is the target, node_entry.py's.
"""

from __future__ import annotations

import re
from pathlib import Path

from autoresearch_helpers.adapters import node_artifact, node_entry
from autoresearch_helpers.adapters.base import ARTIFACT_SIZE, LOWER, Detection
from autoresearch_helpers.adapters.files import is_file, read_json, read_text

# dependency -> framework named in the notes (mobile frameworks first: they decide the kind)
FRAMEWORKS = (("expo", "Expo"), ("react-native", "React Native"),
              ("@capacitor/core", "Capacitor"), ("@ionic/core", "Ionic"), ("next", "Next.js"),
              ("nuxt", "Nuxt"), ("@angular/core", "Angular"), ("svelte", "Svelte"),
              ("vue", "Vue"), ("react", "React"))
_ROOT_DIR = re.compile(r""""rootDir"\s*:\s*"([^"]+)\"""")
LOCKFILES = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lockb", "bun"),
             ("bun.lock", "bun"))
# package manager -> how it runs the build, the tests and another script
RUNS = {"npm": ("npm run build", "npm test", "npm run"),
        "pnpm": ("pnpm run build", "pnpm test", "pnpm run"),
        "yarn": ("yarn build", "yarn test", "yarn"),
        "bun": ("bun run build", "bun run test", "bun run")}
NPM_INIT_TEST = "no test specified"  # npm init's test script: echo "Error: ..." && exit 1
TYPECHECK_SCRIPTS = ("typecheck", "type-check", "check-types", "lint:types", "types:check",
                     "tsc")
NO_BUILD = ("package.json has no build script, so there is no bundle to measure: set "
            "run_command and metric_name in CLAUDE.md (a server, for example: run_command "
            "node bench.js, a benchmark that prints 'requests_per_s: 1234'; metric_name "
            "requests_per_s)")


def _dependencies(pkg: dict) -> set[str]:
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(pkg.get(key), dict):
            deps.update(str(k) for k in pkg[key])
    return deps


def _manager(root: Path, notes: list[str]) -> str:
    for lockfile, manager in LOCKFILES:
        if is_file(root / lockfile):
            notes.append(f"{lockfile} present: build with {manager}")
            return manager
    return "npm"


def _run_command(root: Path, scripts: dict, framework: str | None,
                 notes: list[str]) -> tuple[str | None, str | None]:
    """(run_command, artifact override) for this package; no run_command without a build."""
    if "build" in scripts:
        return RUNS[_manager(root, notes)][0], None
    if framework == "React Native":
        entry = "index.js" if is_file(root / "index.js") else "index.ts"
        notes.append("no build script: measure the Android JavaScript bundle")
        return ("npx react-native bundle --platform android --dev false "
                f"--entry-file {entry} --bundle-output build/index.android.bundle",
                "build/index.android.bundle")
    if framework == "Expo":
        notes.append("no build script: measure the Expo Android export")
        return "npx expo export --platform android", "dist"
    notes.append(NO_BUILD)
    return None, None


def verify_command(root: Path, deps: set[str], scripts: dict, manager: str,
                   notes: list[str]) -> str | None:
    """A quick check of the project: its tests, else a type check, else none."""
    _, test, run = RUNS[manager]
    script = str(scripts.get("test", "")).strip()
    if script and NPM_INIT_TEST not in script:
        notes.append("verify_command: the test script of package.json")
        return f"CI=true {test}" if "react-scripts test" in script else test
    if not (is_file(root / "tsconfig.json") and "typescript" in deps):
        return None
    name = next((n for n in TYPECHECK_SCRIPTS if n in scripts), None)
    if name:
        notes.append(f"verify_command: the {name} script of package.json")
        return f"{run} {name}"
    build_mode = '"references"' in (read_text(root / "tsconfig.json") or "")
    notes.append("verify_command: a type check (tsconfig.json and typescript)")
    return "npx tsc -b" if build_mode else "npx tsc --noEmit"


def _measured(root: Path, pkg: dict, deps: set[str], scripts: dict,
              notes: list[str]) -> tuple[str, str | None]:
    """(artifact, size) of a project with a build: what its users download."""
    if "next" in deps:
        notes.append(f"artifact {node_artifact.NEXT_STATIC}, gzip: the JS and CSS next build "
                     "writes for the browser (never .next/cache)")
        return node_artifact.NEXT_STATIC, "gzip"
    out, reason = node_artifact.build_output(root, pkg, deps, scripts)
    found = node_artifact.library_entry(pkg) or node_artifact.web_page(root, out, deps, scripts)
    if found:
        notes.append(f"artifact {found[0]}, gzip: {found[1]}")
        return found[0], "gzip"
    notes.append(f"artifact {out}/: {reason}")
    return out, None


def editable_source(root: Path, target: str | None, notes: list[str]) -> list[str] | None:
    """The source folder holding the target (src/, app/), or the component it mounts."""
    if target is None:
        return None
    mounted = node_entry.mounted_component(root, target)
    top = target.split("/")[0]
    if "/" in target and top in ("src", "app", "pages", "lib") and (root / top).is_dir():
        notes.append(f"editable: {top}/, the app's source" + (
            f" (the entry mounts {mounted})" if mounted else ""))
        return [f"{top}/"]
    if mounted:
        notes.append(f"editable: {mounted}, the component the entry mounts")
        return [mounted]
    return None


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
        router = node_artifact.next_router(root) if "next" in deps else None
        if router:
            target, more = router[0], [router[0]]
            notes.append(f"Next.js {router[2]}: target {target}, its home page")
        else:
            target, more = find_target(root, pkg, notes)
        evidence += more
        run, artifact = _run_command(root, scripts, framework, notes)
        size = None
        if run is not None and artifact is None:
            artifact, size = _measured(root, pkg, deps, scripts, notes)
        verify = verify_command(root, deps, scripts, _manager(root, []), notes)
        editable = editable_source(root, target, notes)
        if run is None:  # nothing to build: the user describes the experiment
            score -= 5
            return Detection(
                type="node", evidence=evidence, target_file=target, run_command=None,
                metric_name=None, metric_direction=None, time_budget=300,
                editable_files=editable, verify_command=verify, score=score, notes=notes)
        return Detection(
            type="node", evidence=evidence, target_file=target, run_command=run,
            metric_name="bundle_kb", metric_direction=LOWER, measure=ARTIFACT_SIZE,
            artifact=artifact, unit="KB", time_budget=300, editable_files=editable,
            verify_command=verify, size=size, score=score, notes=notes)


ADAPTER = NodeAdapter()
