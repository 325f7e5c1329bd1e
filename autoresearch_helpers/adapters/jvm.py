"""The JVM adapter (Detection.type "gradle" or "maven"): a build whose wall time the loop cuts.

The target is the main class file: the one the build names (application mainClass,
mainClassName, a jar manifest, pom.xml mainClass/start-class), else the one file with a main
function under src/main. When the project or one of its modules has a src/test folder, its
tests are the proposed correctness gate (verify_command): ``./gradlew test`` (``gradle
test`` without a wrapper), ``mvn -q test`` (``./mvnw -q test`` with one). The android/
folder of a Flutter or React Native app matches with a low score, so that the app's real
type wins and --explain can still list it.
"""

from __future__ import annotations

from pathlib import Path

from autoresearch_helpers.adapters import jvm_build as jb
from autoresearch_helpers.adapters.base import LOWER, WALL_TIME, Detection
from autoresearch_helpers.adapters.files import is_file, read_text, walk

ROOT_SCORE = 50
ANDROID_SCORE = 10  # the android/ folder of a mobile app: an alternative, not the answer


def _prefix(base: str) -> str:
    return f"{base}/" if base else ""


def choose_main(candidates: list[str]) -> str:
    """Deterministic pick among several main files: an `app` module first, then the shallowest."""
    def rank(path: str) -> tuple:
        parts = path.split("/")
        return (0 if parts[0] == "app" else 1, len(parts), path)

    return sorted(candidates, key=rank)[0]


def _pick_target(root: Path, declared: list[tuple[str, str, str]], modules: list[str],
                 notes: list[str], evidence: list[str]) -> str | None:
    """declared: (build file, module folder, class name) for each main class a build names."""
    for build_file, module, class_name in declared:
        files = jb.class_files(root, module, class_name)
        if files:
            notes.append(f"main class {class_name} named by {build_file}")
            if build_file not in evidence:
                evidence.append(build_file)
            return files[0]
        notes.append(f"{build_file} names main class {class_name}, but no source file for it "
                     f"exists under {_prefix(module)}src/main")
    candidates = jb.main_sources(root, modules)
    if len(candidates) == 1:
        notes.append(f"the one main function under src/main: {candidates[0]}")
        return candidates[0]
    if candidates:
        chosen = choose_main(candidates)
        others = ", ".join(c for c in candidates if c != chosen)
        notes.append(f"several main functions; chose {chosen} (others: {others}); "
                     "set target_file to pick another")
        return chosen
    activities = [p for m in modules
                  for p in walk(root, root / m / "src" / "main" if m else root / "src" / "main",
                                ("MainActivity.kt", "MainActivity.java"), max_entries=5000)]
    if activities:
        target = sorted(p.relative_to(root).as_posix() for p in activities)[0]
        notes.append(f"no main function; the Android activity {target} is the entry point")
        return target
    notes.append("no main class found under src/main: set target_file in CLAUDE.md")
    return None


def _gradle(root: Path, base: str) -> Detection:
    p = _prefix(base)
    evidence = [p + n for n in (*jb.GRADLE_SETTINGS, *jb.GRADLE_BUILDS) if is_file(root / (p + n))]
    notes: list[str] = []
    modules = jb.gradle_modules(root, base)
    if modules:
        notes.append(f"subprojects: {', '.join(modules)}")
    declared = []
    for module in [base, *modules]:
        build_file = jb.gradle_build_file(root, module)
        class_name = jb.gradle_main_class(read_text(root / build_file) or "") if build_file else None
        if class_name:
            declared.append((build_file, module, class_name))
    target = _pick_target(root, declared, [base, *modules], notes, evidence)
    wrapper = is_file(root / (p + "gradlew"))
    gradle = "./gradlew" if wrapper else "gradle"
    run = f"{gradle} build -x test"
    verify = _tests_gate(root, [base, *modules], f"{gradle} test", notes)
    if wrapper:
        evidence.append(p + "gradlew")
    if base:
        run = f"cd {base} && {run}"
        verify = verify and f"cd {base} && {verify}"
        notes.append(f"{base}/ holds a Gradle build inside another kind of project")
    if not base and is_file(root / "pom.xml"):
        notes.append("pom.xml also present: Gradle chosen (set run_command for Maven)")
    return Detection(
        type="gradle", evidence=evidence, target_file=target, run_command=run,
        metric_name="build_time_s", metric_direction=LOWER, measure=WALL_TIME, artifact=None,
        unit="s", time_budget=600, score=ANDROID_SCORE if base else ROOT_SCORE,
        verify_command=verify,
        notes=notes + ["time budget 600 s: a cold build takes minutes"])


def _maven(root: Path) -> Detection:
    evidence, notes = ["pom.xml"], []
    modules, main, problem = jb.maven_info(root, "pom.xml")
    if problem:
        notes.append(problem)
    declared = [("pom.xml", "", main)] if main else []
    for module in modules:
        sub_modules, sub_main, sub_problem = jb.maven_info(root, f"{module}/pom.xml")
        if sub_problem:
            notes.append(sub_problem)
        if sub_main:
            declared.append((f"{module}/pom.xml", module, sub_main))
    if modules:
        notes.append(f"modules: {', '.join(modules)}")
    target = _pick_target(root, declared, ["", *modules], notes, evidence)
    wrapper = is_file(root / "mvnw")
    if wrapper:
        evidence.append("mvnw")
    mvn = "./mvnw" if wrapper else "mvn"
    run = f"{mvn} -q package -DskipTests"
    verify = _tests_gate(root, ["", *modules], f"{mvn} -q test", notes)
    return Detection(
        type="maven", evidence=evidence, target_file=target, run_command=run,
        metric_name="build_time_s", metric_direction=LOWER, measure=WALL_TIME, artifact=None,
        unit="s", time_budget=600, score=ROOT_SCORE, verify_command=verify,
        notes=notes + ["time budget 600 s: a cold build takes minutes"])


def _tests_gate(root: Path, modules: list[str], command: str, notes: list[str]) -> str | None:
    """``command`` when a module (the project's folder "", or a subproject) has src/test."""
    found = next((f"{_prefix(m)}src/test" for m in modules
                  if (root / _prefix(m) / "src" / "test").is_dir()), None)
    notes.append(f"verify_command {command}: tests in {found}/" if found else
                 "no src/test folder: no verify_command proposed")
    return command if found else None


def _has_gradle(root: Path, base: str) -> bool:
    p = _prefix(base)
    return any(is_file(root / (p + n)) for n in (*jb.GRADLE_SETTINGS, *jb.GRADLE_BUILDS))


class JvmAdapter:
    name = "jvm"

    def detect(self, root: Path) -> Detection | None:
        if _has_gradle(root, ""):
            return _gradle(root, "")
        if is_file(root / "pom.xml"):
            return _maven(root)
        if _has_gradle(root, "android"):
            return _gradle(root, "android")
        return None


ADAPTER = JvmAdapter()
