"""Web apps, libraries, Next.js and servers: what the node adapter proposes, and the metric
measured on build trees shaped like the real ones (tests/fixtures/projects)."""

from __future__ import annotations

import gzip
import json

import pytest

from conftest import git

NEXT_STATIC = ".next/static/**/*.{js,css}"

# a stand-in for `next build`: the static chunks stay the same, .next/cache grows 1 MB a build
FAKE_NEXT_BUILD = """\
import os, pathlib
root = pathlib.Path('.next')
(root / 'static/chunks/app').mkdir(parents=True, exist_ok=True)
(root / 'static/css').mkdir(parents=True, exist_ok=True)
(root / 'static/chunks/main-5be75881.js').write_text('console.log("main");' * 200)
(root / 'static/chunks/app/page-0a8b9a7b.js').write_text('export default 1;' * 20)
(root / 'static/css/8d3c9125.css').write_text('body{margin:0}')
cache = root / 'cache/webpack'
cache.mkdir(parents=True, exist_ok=True)
(cache / f'{len(list(cache.iterdir()))}.pack').write_bytes(os.urandom(1_000_000))
"""


def _detect(cli, repo) -> dict:
    result = cli(repo, "detect", "--json")
    assert result.code == 0, result
    return result.json()


def _gz(path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def test_vite_app_edits_its_source_and_measures_the_first_view(project_repo, cli):
    doc = _detect(cli, project_repo("vite_react_app"))
    assert (doc["target_file"], doc["editable_files"]) == ("src/main.tsx", ["src/"])
    assert (doc["artifact"], doc["size"], doc["unit"]) == ("dist/index.html", "gzip", "KB")
    assert "editable: src/, the app's source (the entry mounts src/App.tsx)" in doc["notes"]


def test_cra_build_counts_what_the_page_loads_not_the_lazy_chunk(project_repo, cli):
    repo = project_repo("cra_app")
    doc = _detect(cli, repo)
    assert (doc["artifact"], doc["size"], doc["editable_files"]) == (
        "build/index.html", "gzip", ["src/"])
    assert doc["verify_command"] == "CI=true npm test"  # react-scripts test watches otherwise
    setup = cli(repo, "setup", "--tag", "cra", "--set", "run_command=true",
                "--set", "verify_command=", "--json")
    assert setup.code == 0, setup
    static = repo / "build/static"
    expected = _gz(static / "js/main.7f615a62.js") + _gz(static / "css/main.684113b6.css")
    assert (static / "js/588.91e5acac.chunk.js").exists()  # the lazy Report: not counted
    assert setup.json()["baseline"] == pytest.approx(expected / 1000)


def test_library_measures_its_esm_entry_only(project_repo, cli):
    repo = project_repo("tsup_library")
    doc = _detect(cli, repo)
    assert (doc["artifact"], doc["size"]) == ("dist/index.js", "gzip")
    assert doc["target_file"] == "src/index.ts"
    setup = cli(repo, "setup", "--tag", "lib", "--set", "run_command=true", "--json")
    assert setup.code == 0, setup
    assert setup.json()["baseline"] == pytest.approx(_gz(repo / "dist/index.js") / 1000)
    assert len(list((repo / "dist").iterdir())) == 4  # ESM, CJS and both .d.ts: one counted


def test_exports_map_resolves_to_the_import_condition(project_repo, cli):
    doc = _detect(cli, project_repo("node_exports_map"))
    assert (doc["artifact"], doc["size"]) == ("dist/esm/index.mjs", "gzip")


def test_next_app_router(project_repo, cli):
    repo = project_repo("next_app_router")
    doc = _detect(cli, repo)
    assert (doc["type"], doc["target_file"], doc["editable_files"]) == (
        "node", "app/page.tsx", ["app/"])
    assert (doc["artifact"], doc["size"]) == (NEXT_STATIC, "gzip")
    assert doc["verify_command"] == "npx tsc --noEmit"
    assert any("Next.js app router" in note for note in doc["notes"])
    (repo / "fake_next_build.py").write_text(FAKE_NEXT_BUILD)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a stand-in for next build")
    setup = cli(repo, "setup", "--tag", "next", "--set", "run_command=python3 fake_next_build.py",
                "--set", "verify_command=", "--json")
    assert setup.code == 0, setup
    (repo / "app/page.tsx").write_text((repo / "app/page.tsx").read_text() + "\n")
    run = cli(repo, "run", "-d", "a blank line", "--json")
    assert run.code == 0, run
    assert run.json()["value"] == setup.json()["baseline"] < 5  # KB: .next/cache never counts
    done = [json.loads(line)["details"] for line in
            (repo / ".claude/logs/autoresearch.jsonl").read_text().splitlines()
            if '"experiment_done"' in line]
    assert done[-1]["sizes"]["output"] == ".next/static"
    assert done[-1]["sizes"]["files"] == 3


@pytest.mark.parametrize("page, editable", [("pages/index.jsx", "pages/"),
                                            ("src/app/page.tsx", "src/"),
                                            ("src/pages/index.tsx", "src/")])
def test_next_other_layouts(make_repo, cli, page, editable):
    repo = make_repo({"package.json": json.dumps({"scripts": {"build": "next build"},
                                                  "dependencies": {"next": "14.2.15"}}),
                      page: "export default function Home() { return null }\n"})
    doc = _detect(cli, repo)
    assert (doc["target_file"], doc["editable_files"]) == (page, [editable])
    assert doc["artifact"] == NEXT_STATIC


def test_server_without_build_script_stops_setup_before_the_branch(project_repo, cli):
    repo = project_repo("express_api")
    before = (git(repo, "branch", "--list"), git(repo, "rev-parse", "HEAD"))
    result = cli(repo, "setup")
    assert result.code == 2, result
    assert "no build script" in result.err
    assert "run_command" in result.err and "metric_name" in result.err
    assert "node bench.js" in result.err  # an example of what to configure
    assert "python" not in result.err  # nor an example from another kind of project
    assert (git(repo, "branch", "--list"), git(repo, "rev-parse", "HEAD")) == before
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert not (repo / ".autoresearch").exists() and not (repo / "results.tsv").exists()


def test_server_with_its_own_experiment_measures_the_printed_metric(project_repo, cli):
    repo = project_repo("express_api")
    (repo / "CLAUDE.md").write_text(
        "## autoresearch\n- target_file: src/server.js\n- run_command: echo 'requests_per_s: 1'"
        "\n- metric_name: requests_per_s\n- metric_direction: higher_is_better\n")
    result = cli(repo, "config", "--json")
    assert result.code == 0, result
    doc = result.json()
    assert (doc["measure"], doc["artifact"], doc["size"]) == ("printed", None, None)
    assert doc["keys"]["editable_files"]["value"] is None  # the custom type: as described


@pytest.mark.parametrize("files, expected", [
    ({"package.json": {"scripts": {"build": "vite build", "test": "vitest"}}}, "npm test"),
    ({"package.json": {"scripts": {"build": "vite build", "test": "vitest"}},
      "pnpm-lock.yaml": ""}, "pnpm test"),
    ({"package.json": {"scripts": {"build": "tsc",
                                   "test": 'echo "Error: no test specified" && exit 1'},
                       "devDependencies": {"typescript": "^5"}},
      "tsconfig.json": "{}"}, "npx tsc --noEmit"),
    ({"package.json": {"scripts": {"build": "tsc -b && vite build", "typecheck": "tsc -b"},
                       "devDependencies": {"typescript": "^5"}},
      "tsconfig.json": "{}"}, "npm run typecheck"),
    ({"package.json": {"scripts": {"build": "tsc -b && vite build"},
                       "devDependencies": {"typescript": "^5"}},
      "tsconfig.json": '{"files": [], "references": [{"path": "./tsconfig.app.json"}]}'},
     "npx tsc -b"),
    ({"package.json": {"scripts": {"build": "vite build"}}, "tsconfig.json": "{}"}, None),
])
def test_verify_command_proposed(make_repo, cli, files, expected):
    repo = make_repo({name: json.dumps(text) if isinstance(text, dict) else text
                      for name, text in {**files, "src/index.ts": "export {}\n"}.items()})
    assert _detect(cli, repo)["verify_command"] == expected


@pytest.mark.parametrize("deps, artifact", [({"vite": "^5"}, "dist/index.html"),
                                            ({"parcel": "^2"}, "dist/index.html"),
                                            ({"@angular/core": "^18", "webpack": "^5"}, "dist"),
                                            ({"esbuild": "^0.23"}, "dist")])
def test_a_page_is_measured_only_where_the_bundler_writes_one(make_repo, cli, deps, artifact):
    repo = make_repo({"package.json": json.dumps({"scripts": {"build": "x"},
                                                  "devDependencies": deps}),
                      "src/index.html": "<script src='main.ts'></script>",
                      "src/main.ts": "export {}\n"})
    assert _detect(cli, repo)["artifact"] == artifact
