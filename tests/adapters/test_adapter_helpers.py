"""Pure helpers of the adapters (tables), and adapters facing odd files (no crash, no traceback)."""

from __future__ import annotations

import json

import pytest

from autoresearch_helpers.adapters import (detection, files, flutter, jvm, jvm_build, ml, node,
                                           node_entry)

L, H = "lower_is_better", "higher_is_better"


@pytest.mark.parametrize("entry, expected", [
    ("dist/index.js", ["src/index.ts", "src/index.tsx"]),
    ("./dist/index.js", ["src/index.ts", "src/index.tsx"]),
    ("dist/esm/index.mjs", ["src/index.ts", "src/index.tsx"]),
    ("lib/cli.cjs", ["src/cli.ts", "src/cli.tsx"]),
    ("build/utils/format.js", ["src/utils/format.ts", "src/utils/format.tsx"]),
    ("dist/index.d.ts", ["src/index.ts", "src/index.tsx"]),
    ("dist/src/index.js", ["src/index.ts", "src/index.tsx"]),
    ("out/main.js", ["src/main.ts", "src/main.tsx"]),
])
def test_source_candidates_map_build_output_to_src(entry, expected):
    assert node_entry.source_candidates(entry)[:2] == expected


@pytest.mark.parametrize("entry", ["index.js", "src/index.ts", "bin/cli.js", "dist", ""])
def test_source_candidates_leave_non_build_paths_alone(entry):
    assert node_entry.source_candidates(entry) == []


@pytest.mark.parametrize("files, entry, expected", [
    (["src/index.ts"], "dist/index.js", "src/index.ts"),
    (["src/index.tsx"], "dist/index.js", "src/index.tsx"),
    (["src/index.js"], "dist/index.js", "src/index.js"),
    (["src/index.mjs"], "dist/index.mjs", "src/index.mjs"),
    (["src/index/index.ts"], "dist/index.js", "src/index/index.ts"),
    (["lib/index.js"], "lib/index.js", "lib/index.js"),  # lib/ as source: no src/ exists
    (["index.js"], "./index.js", "index.js"),
    (["src/cli.ts"], "src/cli", "src/cli.ts"),
    ([], "dist/index.js", None),
    (["bin/tool.exe"], "bin/tool.exe", None),  # not source code
    (["bin/tool"], "./bin/tool", "bin/tool"),  # an extension-less script
    (["dist/index.d.ts"], "dist/index.d.ts", None),
])
def test_resolve_entry(tmp_path, files, entry, expected):
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"\x7fELF\x00" if rel.endswith(".exe") else b"x")
    assert node_entry.resolve_entry(tmp_path, entry) == expected


@pytest.mark.parametrize("exports, expected", [
    ("./dist/index.js", ["./dist/index.js"]),
    ({".": "./dist/a.js", "./b": "./dist/b.js"}, ["./dist/a.js", "./dist/b.js"]),
    ({"require": "./r.cjs", "import": "./i.mjs"}, ["./i.mjs", "./r.cjs"]),
    ({".": {"types": "./t.d.ts", "default": "./d.js", "import": {"node": "./n.mjs"}}},
     ["./n.mjs", "./d.js"]),
    ({"./package.json": "./package.json"}, []),
    (["./a.js", {"default": "./b.js"}], ["./a.js", "./b.js"]),
    (None, []),
    (42, []),
])
def test_export_strings(exports, expected):
    assert node_entry.export_strings(exports) == expected


@pytest.mark.parametrize("pkg, expected", [
    ({"main": "dist/i.js", "source": "src/i.ts"}, [("source", "src/i.ts"), ("main", "dist/i.js")]),
    ({"bin": "./cli.js"}, [("bin", "./cli.js")]),
    ({"name": "@s/tool", "bin": {"other": "o.js", "tool": "t.js"}},
     [("bin", "t.js"), ("bin", "o.js"), ("bin", "t.js")]),
    ({"main": 3, "bin": ["x"]}, []),
])
def test_package_entries(pkg, expected):
    assert node_entry.package_entries(pkg) == expected


@pytest.mark.parametrize("name, expected", [
    ("val_bpb", L), ("val_loss", L), ("loss", L), ("test_error", L), ("perplexity", L),
    ("rmse", L), ("val_mae", L), ("mse", L), ("valloss", L), ("ppl", L),
    ("accuracy", H), ("val_acc", H), ("f1", H), ("auc", H), ("precision", H), ("recall", H),
    ("score", H), ("r2", H), ("mAP", H), ("bleu", H), ("top1_accuracy", H), ("ValAccuracy", H),
    ("something", L),
])
def test_metric_direction(name, expected):
    assert ml.metric_direction(name) == expected


@pytest.mark.parametrize("source, expected", [
    ('print(f"val_bpb: {x:.4f}")', ["val_bpb"]),
    ('print("accuracy:", acc)', ["accuracy"]),
    ('print(f"step {i} loss={l} val_loss={v}")', ["loss", "val_loss"]),
    ('print("val_acc: {:.3f}".format(a))', ["val_acc"]),
    ('print("f1: %.3f" % f)', ["f1"]),
    ('"""Docstring mentions loss: 1"""\nprint("rmse:", r)', ["rmse"]),
    ('# accuracy: in a comment\nprint("lr:", lr)', []),
    ('print("see http://example.com")', []),
    ('def broken(:\n    print("val_loss: 1")', ["val_loss"]),  # unparsable: line scan
])
def test_printed_metrics(source, expected):
    assert [name for name, _line, _sep in ml.printed_metrics(source)] == expected


@pytest.mark.parametrize("names, expected", [
    ([], "val_bpb"),
    (["loss", "val_bpb"], "val_bpb"),
    (["train_loss", "val_loss", "loss"], "val_loss"),
    (["loss", "accuracy"], "accuracy"),
    (["val_loss", "val_acc"], "val_acc"),
])
def test_choose_metric(names, expected):
    assert ml.choose_metric(names) == expected


@pytest.mark.parametrize("source, expected", [
    ("import torch\nimport numpy", ["torch"]),
    ("from sklearn.linear_model import Ridge", ["sklearn"]),
    ("import jax.numpy as jnp\nimport tensorflow as tf", ["jax", "tensorflow"]),
    ("# import torch\nprint('no')", []),
    ("x = 'import torch'", []),
    ("from .torch import x", []),
    ("def (:", None),
])
def test_imported_ml_libraries(source, expected):
    assert ml.imported_ml_libraries(source) == expected


@pytest.mark.parametrize("text, expected", [
    ('include("app", "lib")', ["app", "lib"]),
    ("include ':app', ':core:data'", ["app", "core/data"]),
    ('rootProject.name = "x"\ninclude(":app")\ninclude(":app")', ["app"]),
    ("// nothing included", []),
])
def test_gradle_modules(tmp_path, text, expected):
    (tmp_path / "settings.gradle.kts").write_text(text)
    assert jvm_build.gradle_modules(tmp_path) == expected


@pytest.mark.parametrize("text, expected", [
    ('application { mainClass = "com.x.App" }', "com.x.App"),
    ('application { mainClass.set("com.x.AppKt") }', "com.x.AppKt"),
    ("mainClassName = 'com.x.Main'", "com.x.Main"),
    ("jar { manifest { attributes 'Main-Class': 'com.x.Cli' } }", "com.x.Cli"),
    ('tasks.jar { manifest { attributes("Main-Class" to "com.x.K") } }', "com.x.K"),
    ("apply plugin: 'java'", None),
])
def test_gradle_main_class(text, expected):
    assert jvm_build.gradle_main_class(text) == expected


@pytest.mark.parametrize("candidates, expected", [
    (["lib/src/main/java/A.java", "app/src/main/java/B.java"], "app/src/main/java/B.java"),
    (["src/main/java/z/Z.java", "src/main/java/A.java"], "src/main/java/A.java"),
])
def test_choose_main(candidates, expected):
    assert jvm.choose_main(candidates) == expected


@pytest.mark.parametrize("pubspec, expected", [
    ({"dependencies": {"flutter": {"sdk": "flutter"}}}, True),
    ({"dependencies": {"flutter": "^1.0.0"}}, False),
    ({"dependencies": {"characters": "^1.3.0"}}, False),
    ({"dependencies": None}, False),
    ("just a string", False),
    (None, False),
])
def test_declares_flutter(pubspec, expected):
    assert flutter.declares_flutter(pubspec) is expected


# --- odd files: adapters return None or a weaker match, never raise -----------------------

ODD = [
    ("package.json", b"{not json"),
    ("package.json", b"\x00\x01\x02binary"),
    ("package.json", b"[1, 2, 3]"),
    ("package.json", json.dumps({"main": 5, "exports": {"x": [None]}, "bin": 3,
                                 "scripts": "build", "dependencies": []}).encode()),
    ("pubspec.yaml", b"dependencies:\n  flutter:\n    sdk: flutter\n  bad: [unclosed\n"),
    ("pubspec.yaml", b"- a list\n- not a map\n"),
    ("pubspec.yaml", b"\xff\xfe\x00garbage"),
    ("pom.xml", b"<project><build><mainClass>unclosed"),
    ("pom.xml", b"<project><build><mainClass>not a class!</mainClass></build></project>"),
    ("build.gradle", b"\x00\x00"),
    ("settings.gradle", b"include(':' + dynamicName)"),
    ("train.py", b"import torch\ndef broken(:\n"),
    ("train.py", b"\x00binary"),
    ("index.html", b"<script type=module src='/src/missing.tsx'><script"),
]


@pytest.mark.parametrize("name, content", ODD)
def test_odd_files_never_crash(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    resolution = detection.resolve(tmp_path, required=False)
    assert [w for w in resolution.warnings if "failed" in w] == []


def test_directory_named_like_a_build_file(tmp_path):
    for name in ("package.json", "pubspec.yaml", "pom.xml", "build.gradle", "train.py"):
        (tmp_path / name).mkdir()
    resolution = detection.resolve(tmp_path, required=False)
    assert resolution.best is None and resolution.warnings == []


def test_invalid_package_json_is_a_weaker_node_match(tmp_path):
    (tmp_path / "package.json").write_text("{oops")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.js").write_text("x")
    found = node.ADAPTER.detect(tmp_path)
    assert (found.type, found.target_file, found.score) == ("node", "src/index.js", 35)
    assert found.notes[0].startswith("package.json is not valid JSON (")


def test_unparsable_pubspec_naming_flutter_still_matches(tmp_path):
    (tmp_path / "pubspec.yaml").write_text("dependencies:\n  flutter:\n    sdk: flutter\n  x: [\n")
    found = flutter.ADAPTER.detect(tmp_path)
    assert (found.type, found.score) == ("flutter", 70)
    assert found.notes[0].startswith("pubspec.yaml does not parse as YAML (line")


def test_walk_skips_dependency_folders_and_links(tmp_path):
    for rel in ("a/Main.java", "a/build/Util.java", "node_modules/x/Dep.java", ".git/Obj.java",
                "__pycache__/C.java", "a/notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    found = files.walk(tmp_path, tmp_path, (".java",))
    assert [files.rel(tmp_path, p) for p in found] == ["a/Main.java", "a/build/Util.java"]


def test_walk_stops_on_huge_trees(tmp_path):
    for i in range(50):
        (tmp_path / f"f{i:02d}.java").write_text("x")
    assert len(files.walk(tmp_path, tmp_path, (".java",), max_entries=10)) == 10


def test_main_in_a_package_named_build_is_found(make_repo, tmp_path):
    repo = make_repo({
        "pom.xml": "<project><modelVersion>4.0.0</modelVersion></project>",
        "src/main/java/com/x/build/Tool.java": "class Tool { static void main(String[] a) {} }",
    })
    found = jvm.ADAPTER.detect(repo)
    assert (found.type, found.target_file) == ("maven", "src/main/java/com/x/build/Tool.java")


# --- resolution between types -----------------------------------------------------------

FLUTTER_PUBSPEC = "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n"


@pytest.mark.parametrize("files, best, alternatives", [
    ({"pubspec.yaml": FLUTTER_PUBSPEC, "lib/main.dart": "void main() {}",
      "package.json": '{"scripts": {"build": "x"}}', "android/build.gradle.kts": ""},
     "flutter", ["node", "gradle"]),
    ({"train.py": "import torch\n", "package.json": "{}"}, "ml", ["node"]),
    ({"build.gradle": "", "package.json": '{"scripts": {"build": "vite build"}}'},
     "gradle", ["node"]),
    ({"pom.xml": "<project/>", "build.gradle.kts": ""}, "gradle", []),
    ({"pom.xml": "<project/>", "android/build.gradle": ""}, "maven", []),
    ({"train.py": "print('hello')\n"}, None, []),  # no ML import, no prepare.py
    ({"train.py": "print('val_bpb:', 1)\n", "prepare.py": ""}, "ml", []),
])
def test_resolution_order(make_repo, files, best, alternatives):
    resolution = detection.resolve(make_repo(files), required=False)
    assert (resolution.best.type if resolution.best else None) == best
    assert [d.type for d in resolution.alternatives] == alternatives


def test_resolve_required_raises_config_error(make_repo):
    from autoresearch_helpers.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        detection.resolve(make_repo({"README.md": "hi"}))
    assert info.value.exit_code == 2
    assert detection.CLAUDE_MD_HINT in str(info.value)


@pytest.mark.parametrize("deps, files, framework, run, artifact", [
    ({"expo": "51", "react-native": "0.74"}, {"App.tsx": "x"}, "Expo",
     "npx expo export --platform android", "dist"),
    ({"@capacitor/core": "6", "vite": "5"}, {"src/main.ts": "x", "android/build.gradle": ""},
     "Capacitor", "npm run build", "dist"),
])
def test_mobile_frameworks(make_repo, deps, files, framework, run, artifact):
    pkg = {"dependencies": deps}
    if framework == "Capacitor":
        pkg["scripts"] = {"build": "vite build"}
    repo = make_repo({"package.json": json.dumps(pkg), **files})
    found = node.ADAPTER.detect(repo)
    assert (found.run_command, found.artifact, found.score) == (run, artifact, 45)
    assert f"framework: {framework}" in found.notes


@pytest.mark.parametrize("files, run", [
    ({"pnpm-lock.yaml": ""}, "pnpm run build"),
    ({"yarn.lock": ""}, "yarn build"),
    ({}, "npm run build"),
])
def test_node_package_manager_from_lockfile(make_repo, files, run):
    repo = make_repo({"package.json": '{"scripts": {"build": "tsc"}}', "src/index.ts": "x", **files})
    assert node.ADAPTER.detect(repo).run_command == run


def test_vite_out_dir_literal(make_repo):
    repo = make_repo({"package.json": '{"devDependencies": {"vite": "5"}, "scripts": {"build": "vite build"}}',
                      "vite.config.ts": "export default { build: { outDir: 'public/app' } }",
                      "src/main.ts": "x"})
    assert node.ADAPTER.detect(repo).artifact == "public/app"


def test_maven_multimodule_start_class(make_repo):
    repo = make_repo({
        "pom.xml": "<project xmlns='http://maven.apache.org/POM/4.0.0'><modules>"
                   "<module>core</module><module>web</module></modules></project>",
        "mvnw": "#!/bin/sh\n",
        "core/pom.xml": "<project/>",
        "core/src/main/java/x/Lib.java": "class Lib {}",
        "web/pom.xml": "<project xmlns='http://maven.apache.org/POM/4.0.0'><properties>"
                       "<start-class>x.web.WebApp</start-class></properties></project>",
        "web/src/main/java/x/web/WebApp.java": "class WebApp { public static void main(String[] a) {} }",
        "web/src/main/java/x/web/Other.java": "class Other { public static void main(String[] a) {} }",
    })
    found = jvm.ADAPTER.detect(repo)
    assert (found.type, found.target_file, found.run_command) == \
        ("maven", "web/src/main/java/x/web/WebApp.java", "./mvnw -q package -DskipTests")
    assert found.evidence == ["pom.xml", "web/pom.xml", "mvnw"]


def test_kotlin_suspend_main_is_found(make_repo):
    repo = make_repo({"build.gradle.kts": "", "src/main/kotlin/Main.kt": "suspend fun main() {}\n"})
    assert jvm.ADAPTER.detect(repo).target_file == "src/main/kotlin/Main.kt"


def test_kotlin_class_outside_its_package_folder(make_repo):
    repo = make_repo({
        "build.gradle.kts": 'application { mainClass.set("org.demo.MainKt") }\n',
        "src/main/kotlin/Main.kt": "package org.demo\n\nfun main() {}\n",
        "src/main/kotlin/Tool.kt": "package org.demo\n\nfun main() {}\n",
    })
    found = jvm.ADAPTER.detect(repo)
    assert found.target_file == "src/main/kotlin/Main.kt"
    assert "main class org.demo.MainKt named by build.gradle.kts" in found.notes
