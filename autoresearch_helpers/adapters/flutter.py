"""The Flutter adapter: an app whose release APK the loop shrinks.

A Flutter app also holds android/*.gradle (and often a package.json for tooling), so this
adapter scores above the jvm and node adapters. With a test/ folder, ``flutter test`` is the
proposed correctness gate (verify_command).
"""

from __future__ import annotations

import re
from pathlib import Path

from autoresearch_helpers.adapters.base import ARTIFACT_SIZE, LOWER, Detection
from autoresearch_helpers.adapters.files import is_file, read_text, walk

APK = "build/app/outputs/flutter-apk/app-release.apk"
_SDK_FLUTTER = re.compile(r"^\s+sdk:\s*['\"]?flutter\b", re.MULTILINE)


def declares_flutter(pubspec: dict) -> bool:
    """True when ``dependencies: flutter: sdk: flutter`` is declared."""
    deps = pubspec.get("dependencies") if isinstance(pubspec, dict) else None
    flutter = deps.get("flutter") if isinstance(deps, dict) else None
    return isinstance(flutter, dict) and flutter.get("sdk") == "flutter"


def _entry_point(root: Path) -> str | None:
    if is_file(root / "lib/main.dart"):
        return "lib/main.dart"
    for path in walk(root, root / "lib", (".dart",), max_entries=2000):
        text = read_text(path) or ""
        if re.search(r"^\s*(?:Future<void>|void)?\s*main\s*\(", text, re.MULTILINE):
            return path.relative_to(root).as_posix()
    return None


class FlutterAdapter:
    name = "flutter"

    def detect(self, root: Path) -> Detection | None:
        text = read_text(root / "pubspec.yaml")
        if text is None:
            return None
        notes: list[str] = []
        import yaml

        try:
            pubspec = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            if not _SDK_FLUTTER.search(text):
                return None
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark else ""
            notes.append(f"pubspec.yaml does not parse as YAML{where}; it names the flutter sdk")
            score = 70
        else:
            if not declares_flutter(pubspec):
                return None  # a pure Dart package
            notes.append("pubspec.yaml depends on the flutter sdk")
            score = 80
        evidence = ["pubspec.yaml"]
        target = _entry_point(root)
        if target:
            evidence.append(target)
        else:
            notes.append("no lib/main.dart: set target_file in CLAUDE.md")
        platforms = [d for d in ("android", "ios", "web") if (root / d).is_dir()]
        if platforms:
            notes.append(f"platform folders: {', '.join(d + '/' for d in platforms)} "
                         "(part of the Flutter app, not separate projects)")
        if "android" not in platforms:
            notes.append("no android/ folder: `flutter create --platforms=android .` adds one")
        verify = "flutter test" if (root / "test").is_dir() else None
        notes.append("verify_command flutter test: tests in test/" if verify else
                     "no test/ folder: no verify_command proposed")
        return Detection(
            type="flutter", evidence=evidence, target_file=target,
            run_command="flutter build apk --release", metric_name="apk_mb",
            metric_direction=LOWER, measure=ARTIFACT_SIZE, artifact=APK, unit="MB",
            time_budget=900, score=score, verify_command=verify,
            notes=notes + ["time budget 900 s: a release build is slow"])


ADAPTER = FlutterAdapter()
