"""`autoresearch detect` end to end: fixture projects in real git repositories, through the CLI."""

from __future__ import annotations

import textwrap

import pytest

from conftest import PROJECTS

L, H = "lower_is_better", "higher_is_better"

# fixture -> (type, target_file, run_command, metric_name, direction)
EXPECTED = {
    "flutter_app": ("flutter", "lib/main.dart", "flutter build apk --release", "apk_mb", L),
    "react_native_app": ("node", "index.js",
                         "npx react-native bundle --platform android --dev false --entry-file "
                         "index.js --bundle-output build/index.android.bundle", "bundle_kb", L),
    "kotlin_gradle_multimodule": ("gradle", "app/src/main/kotlin/org/example/app/App.kt",
                                  "./gradlew build -x test", "build_time_s", L),
    "groovy_gradle_two_mains": ("gradle", "src/main/java/com/acme/server/Server.java",
                                "gradle build -x test", "build_time_s", L),
    "maven_app": ("maven", "src/main/java/com/example/shop/ShopApp.java",
                  "mvn -q package -DskipTests", "build_time_s", L),
    "vite_react_app": ("node", "src/main.tsx", "npm run build", "bundle_kb", L),
    "ts_library_dist": ("node", "src/index.ts", "npm run build", "bundle_kb", L),
    "node_exports_map": ("node", "src/index.ts", "npm run build", "bundle_kb", L),
    "node_cli_bin": ("node", "bin/greet.js", None, None, None),  # no build: nothing to measure
    "express_api": ("node", "src/server.js", None, None, None),
    "tsup_library": ("node", "src/index.ts", "npm run build", "bundle_kb", L),
    "next_app_router": ("node", "app/page.tsx", "npm run build", "bundle_kb", L),
    "cra_app": ("node", "src/index.js", "npm run build", "bundle_kb", L),
    "karpathy_ml": ("ml", "train.py", "python train.py", "val_bpb", L),
    "sklearn_script": ("ml", "train.py", "python train.py", "accuracy", H),
    "jax_uv": ("ml", "train.py", "uv run train.py", "val_loss", L),
}

# fixture -> (measure, artifact, unit, evidence, alternative types)
MEASURES = {
    "flutter_app": ("artifact_size", "build/app/outputs/flutter-apk/app-release.apk", "MB",
                    ["pubspec.yaml", "lib/main.dart"], ["gradle"]),
    "react_native_app": ("artifact_size", "build/index.android.bundle", "KB",
                         ["package.json"], ["gradle"]),
    "kotlin_gradle_multimodule": ("wall_time", None, "s",
                                  ["settings.gradle.kts", "app/build.gradle.kts", "gradlew"], []),
    "maven_app": ("wall_time", None, "s", ["pom.xml"], []),
    "vite_react_app": ("artifact_size", "dist/index.html", "KB", ["package.json", "index.html"],
                       []),
    "ts_library_dist": ("artifact_size", "dist/index.js", "KB", ["package.json"], []),
    "cra_app": ("artifact_size", "build/index.html", "KB", ["package.json"], []),
    "karpathy_ml": ("printed", None, None, ["train.py", "prepare.py"], []),
    "jax_uv": ("printed", None, None, ["train.py", "uv.lock"], []),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detect_json_fields(project_repo, cli, name):
    repo = project_repo(name)
    result = cli(repo, "detect", "--json")
    assert result.code == 0, result
    doc = result.json()
    got = (doc["type"], doc["target_file"], doc["run_command"], doc["metric_name"],
           doc["metric_direction"])
    assert got == EXPECTED[name]
    assert result.err == ""
    for key in ("evidence", "alternatives", "measure", "artifact", "unit", "time_budget"):
        assert key in doc
    if name not in MEASURES:
        return
    measure, artifact, unit, evidence, alternatives = MEASURES[name]
    assert (doc["measure"], doc["artifact"], doc["unit"]) == (measure, artifact, unit)
    assert doc["evidence"] == evidence
    assert [a["type"] for a in doc["alternatives"]] == alternatives


def test_every_fixture_is_covered():
    names = {p.name for p in PROJECTS.iterdir() if p.is_dir()}
    assert names == set(EXPECTED) | {"nothing", "dart_package"}


def test_plain_output_is_four_lines(project_repo, cli):
    result = cli(project_repo("karpathy_ml"), "detect")
    assert result.code == 0, result
    assert result.out.splitlines() == [
        "type:    ml",
        "target:  train.py",
        "run:     python train.py",
        "metric:  val_bpb (lower_is_better): the last 'name: value' line of run.log",
    ]


def test_explain_flutter_lists_android_gradle(project_repo, cli):
    result = cli(project_repo("flutter_app"), "detect", "--explain")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[:4] == [
        "type:    flutter",
        "target:  lib/main.dart",
        "run:     flutter build apk --release",
        "metric:  apk_mb (lower_is_better): raw size of "
        "build/app/outputs/flutter-apk/app-release.apk, in MB (1,000,000 bytes)",
    ]
    assert "decided by: pubspec.yaml, lib/main.dart" in lines
    assert "  - pubspec.yaml depends on the flutter sdk" in lines
    assert "also matched:" in lines
    assert "  gradle: android/settings.gradle, android/build.gradle" in lines
    assert "    - android/ holds a Gradle build inside another kind of project" in lines
    assert "score" not in result.out  # the ranking's numbers are internal


def test_explain_react_native_names_framework(project_repo, cli):
    lines = cli(project_repo("react_native_app"), "detect", "--explain").out.splitlines()
    assert "decided by: package.json" in lines
    assert "  - framework: React Native" in lines
    assert "  - android/ and ios/: native projects of the React Native app" in lines
    assert "  gradle: android/settings.gradle, android/build.gradle" in lines


def test_explain_two_mains_names_the_build(project_repo, cli):
    lines = cli(project_repo("groovy_gradle_two_mains"), "detect", "--explain").out.splitlines()
    assert "  - main class com.acme.server.Server named by build.gradle" in lines
    assert "also matched: nothing else" in lines


def test_several_mains_without_a_build_choice_are_listed(make_repo, cli):
    repo = make_repo({
        "build.gradle": "apply plugin: 'java'\n",
        "src/main/java/b/Tool.java": "class Tool { public static void main(String[] a) {} }\n",
        "src/main/java/a/Main.java": "class Main { public static void main(String[] a) {} }\n",
        "src/test/java/a/MainTest.java": "class T { public static void main(String[] a) {} }\n",
    })
    result = cli(repo, "detect", "--explain")
    assert result.code == 0, result
    assert "target:  src/main/java/a/Main.java" in result.out.splitlines()
    assert ("  - several main functions; chose src/main/java/a/Main.java (others: "
            "src/main/java/b/Tool.java); set target_file to pick another") in result.out.splitlines()


def test_ml_with_equals_metric_is_read_as_printed(project_repo, cli):
    # the run.log parser reads `val_loss=0.3` as well as `val_loss: 0.3`: no advice needed
    lines = cli(project_repo("jax_uv"), "detect", "--explain").out.splitlines()
    assert "metric:  val_loss (lower_is_better): the last 'name: value' line of run.log" in lines
    assert not any("set metric_parse" in line for line in lines)


@pytest.mark.parametrize("name", ["nothing", "dart_package"])
def test_nothing_detected_shows_claude_md_section(project_repo, cli, name):
    repo = project_repo(name)
    result = cli(repo, "detect")
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[0].startswith(f"autoresearch detect: error: cannot tell what kind of project {repo}")
    assert lines[-5:] == [
        "## autoresearch",
        "- target_file: src/main.py",
        "- run_command: python bench.py",
        "- metric_name: score",
        "- metric_direction: higher_is_better",
    ]


def test_path_argument_and_subdirectory(project_repo, cli, tmp_path):
    repo = project_repo("maven_app")
    # from a subfolder, the repository root is used
    assert cli(repo / "src" / "main", "detect", "--json").json()["type"] == "maven"
    # an explicit PATH is used as given
    assert cli(tmp_path, "detect", "--json", str(repo)).json()["target_file"] == \
        "src/main/java/com/example/shop/ShopApp.java"


def test_a_path_outside_a_repository_is_detected(tmp_path, cli):
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "package.json").write_text('{"scripts": {"build": "vite build"}}')
    (folder / "src").mkdir()
    (folder / "src" / "main.ts").write_text("export {}\n")
    doc = cli(tmp_path, "detect", "--json", str(folder)).json()
    assert (doc["type"], doc["target_file"]) == ("node", "src/main.ts")
    # without PATH, outside a repository: the message of every verb
    assert "not a git repository" in cli(folder, "detect").err


def test_missing_path_is_a_usage_error(tmp_path, cli):
    result = cli(tmp_path, "detect", str(tmp_path / "nope"))
    assert result.code == 2
    assert result.err == f"autoresearch detect: error: PATH '{tmp_path / 'nope'}' is not a directory\n"


PLUGIN = textwrap.dedent("""\
    from autoresearch_helpers.adapters.base import Detection

    class RustAdapter:
        name = "rust"

        def detect(self, root):
            if not (root / "Cargo.toml").is_file():
                return None
            return Detection(type="rust", evidence=["Cargo.toml"], target_file="src/main.rs",
                             run_command="cargo build --release", metric_name="binary_kb",
                             metric_direction="lower_is_better", measure="artifact_size",
                             artifact="target/release/app", unit="KB", score=50)

    ADAPTER = RustAdapter()

    class Crashing:
        name = "crashing"

        def detect(self, root):
            raise RuntimeError("boom")

    CRASHING = Crashing()
    """)


def _install_plugin(site, dist: str, module: str, source: str, entries: str) -> None:
    (site / f"{module}.py").write_text(source)
    info = site / f"{dist}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[autoresearch.adapters]\n{entries}\n")


def test_entry_point_adapter_is_used(make_repo, cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install_plugin(site, "myadapter", "myadapter", PLUGIN, "rust = myadapter:ADAPTER")
    repo = make_repo({"Cargo.toml": "[package]\nname = \"app\"\n", "src/main.rs": "fn main() {}\n"})
    result = cli(repo, "detect", "--json", env={"PYTHONPATH": str(site)})
    assert result.code == 0, result
    doc = result.json()
    assert (doc["type"], doc["target_file"], doc["metric_name"]) == ("rust", "src/main.rs", "binary_kb")
    assert doc["evidence"] == ["Cargo.toml"]
    assert result.err == ""


def test_broken_plugins_warn_and_builtins_still_work(project_repo, cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install_plugin(site, "myadapter", "myadapter", PLUGIN,
                    "rust = myadapter:ADAPTER\ncrashing = myadapter:CRASHING")
    _install_plugin(site, "badimport", "badimport", "raise ImportError('no such thing')\n",
                    "bad = badimport:ADAPTER")
    _install_plugin(site, "notadapter", "notadapter", "ADAPTER = 42\n", "odd = notadapter:ADAPTER")
    result = cli(project_repo("flutter_app"), "detect", env={"PYTHONPATH": str(site)})
    assert result.code == 0, result
    assert result.out.splitlines()[0] == "type:    flutter"
    warnings = sorted(result.err.splitlines())
    assert warnings == [
        "autoresearch detect: warning: adapter 'crashing' failed on this repository, "
        "skipped (RuntimeError: boom)",
        "autoresearch detect: warning: adapter plugin 'bad' (badimport:ADAPTER) could not be "
        "loaded, skipped (ImportError: no such thing)",
        "autoresearch detect: warning: adapter plugin 'odd' (notadapter:ADAPTER) is not an "
        "adapter (needs `name` and `detect(root)`), skipped",
    ]
