"""Reading Gradle and Maven builds: modules, the declared main class, and the main source files.

Helpers of the jvm adapter. Gradle scripts are programs (Groovy or Kotlin), so the main class
is found by patterns for the usual declarations; pom.xml is read with an XML parser.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from autoresearch_helpers.adapters.files import is_file, read_text, walk

GRADLE_SETTINGS = ("settings.gradle.kts", "settings.gradle")
GRADLE_BUILDS = ("build.gradle.kts", "build.gradle")
SOURCE_EXTS = (".java", ".kt", ".groovy", ".scala")
LANG_DIRS = ("java", "kotlin", "groovy", "scala")

_INCLUDE = re.compile(r"^\s*include\b(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']:?([\w.\-:/]+)["']""")
_MAIN_CLASS = (
    re.compile(r"""\bmainClass\s*(?:\.set\s*\(|=|\()\s*["']([\w.$]+)["']"""),
    re.compile(r"""\bmainClassName\s*=\s*["']([\w.$]+)["']"""),
    re.compile(r"""["']Main-Class["']\s*(?:to|:|,)\s*["']([\w.$]+)["']"""),
)
_MAIN_FUNCTION = re.compile(
    r"(?:\bstatic\s+(?:public\s+)?void\s+main\s*\(|^\s*(?:(?:public|suspend)\s+)*fun\s+main\s*\(|"
    r"\bdef\s+main\s*\()", re.MULTILINE)


def gradle_modules(root: Path, base: str = "") -> list[str]:
    """Folders of the subprojects included by settings.gradle(.kts), e.g. ["app", "lib"]."""
    text = next((t for n in GRADLE_SETTINGS if (t := read_text(root / base / n))), "")
    modules = []
    for line in _INCLUDE.findall(text):
        for name in _QUOTED.findall(line):
            folder = "/".join(p for p in name.split(":") if p)
            folder = f"{base}/{folder}" if base else folder
            if folder and folder not in modules:
                modules.append(folder)
    return modules


def gradle_main_class(text: str) -> str | None:
    for pattern in _MAIN_CLASS:
        match = pattern.search(text)
        if match:
            return match.group(1)
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def maven_info(root: Path, pom: str) -> tuple[list[str], str | None, str | None]:
    """(module folders, main class, problem) of one pom.xml."""
    text = read_text(root / pom)
    if text is None:
        return [], None, f"{pom} is not readable"
    try:
        tree = ET.fromstring(text)
    except ET.ParseError as exc:
        return [], None, f"{pom} is not valid XML ({exc})"
    base = Path(pom).parent.as_posix().strip(".")
    modules, main = [], None
    for element in tree.iter():
        name = _local(element.tag) if isinstance(element.tag, str) else ""
        value = (element.text or "").strip()
        if name == "module" and value:
            modules.append(f"{base}/{value}".strip("/"))
        elif name in ("mainClass", "start-class", "Main-Class", "main.class") and value:
            if main is None and re.fullmatch(r"[\w.$]+", value):
                main = value
    return modules, main, None


def class_files(root: Path, module: str, class_name: str) -> list[str]:
    """Candidate files for ``com.x.App`` in ``module``: src/main/{java,kotlin}/com/x/App.{java,kt}."""
    names = [class_name.split("$")[0]]
    if names[0].endswith("Kt"):  # Kotlin top-level main: com.x.AppKt lives in com/x/App.kt
        names.append(names[0][:-2])
    prefix = f"{module}/" if module else ""
    out = []
    for name in names:
        rel = name.replace(".", "/")
        for lang in LANG_DIRS:
            for ext in SOURCE_EXTS:
                candidate = f"{prefix}src/main/{lang}/{rel}{ext}"
                if is_file(root / candidate):
                    out.append(candidate)
    return out or _class_by_package(root, prefix, names)


def _class_by_package(root: Path, prefix: str, names: list[str]) -> list[str]:
    """Kotlin files need not sit in their package's folder: match file name + package line."""
    wanted = {(n.rpartition(".")[0], n.rpartition(".")[2]) for n in names}
    out = []
    for path in walk(root, root / f"{prefix}src" / "main", SOURCE_EXTS, max_entries=10_000):
        stem = path.name.rsplit(".", 1)[0]
        package = re.search(r"^\s*package\s+([\w.]+)", read_text(path, limit=500_000) or "",
                            re.MULTILINE)
        if (package.group(1) if package else "", stem) in wanted:
            out.append(path.relative_to(root).as_posix())
    return out


def main_sources(root: Path, modules: list[str]) -> list[str]:
    """Files with a main function under <module>/src/main (never src/test), sorted."""
    found: list[str] = []
    for module in modules:
        start = root / module / "src" / "main" if module else root / "src" / "main"
        for path in walk(root, start, SOURCE_EXTS, max_entries=10_000):
            text = read_text(path, limit=500_000)
            if text and _MAIN_FUNCTION.search(text):
                found.append(path.relative_to(root).as_posix())
    return sorted(set(found), key=lambda p: (p.count("/"), p))


def gradle_build_file(root: Path, module: str) -> str | None:
    for name in GRADLE_BUILDS:
        rel = f"{module}/{name}" if module else name
        if is_file(root / rel):
            return rel
    return None
