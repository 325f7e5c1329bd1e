"""A real Vite build of a React app (tests/fixtures/projects/vite_react_app) through the
CLI: the metric is the gzip size of the JS and CSS the built page loads on first view, so
lazy-loading a route is an improvement, although the build output grows."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import git
from npm_build import build, link_node_modules, skip_unless_slow

pytestmark = pytest.mark.npm
HASH = re.compile(r"\b(?:\d+\.)?[0-9a-f]{8}\b")  # webpack's [id.]contenthash in a file name

LAZY_APP = """\
import { lazy, Suspense, useState } from 'react'
import './App.css'

const Report = lazy(() => import('./Report.tsx'))

export default function App() {
  const [page, setPage] = useState('home')
  return (
    <main>
      <nav>
        <button onClick={() => setPage('home')}>Home</button>
        <button onClick={() => setPage('report')}>Report</button>
      </nav>
      {page === 'home' ? <h1>Vite + React</h1> : <Suspense fallback={<p>Loading</p>}><Report /></Suspense>}
    </main>
  )
}
"""


def _done(repo) -> list[dict]:
    lines = (repo / ".claude/logs/autoresearch.jsonl").read_text().splitlines()
    return [json.loads(line)["details"] for line in lines
            if json.loads(line)["action"] == "experiment_done"]


def test_lazy_route_lowers_first_load_js(project_repo, cli):
    repo = project_repo("vite_react_app")
    link_node_modules(repo, "vite_react_app")
    config = cli(repo, "config")
    assert "gzip size of the JS and CSS dist/index.html loads on first view, in KB " \
           "(1000 bytes)" in config.out, config
    setup = cli(repo, "setup", "--tag", "web", timeout=300)
    assert setup.code == 0, setup
    (repo / "src/App.tsx").write_text(LAZY_APP)
    run = cli(repo, "run", "-d", "lazy-load the report route", "--json", timeout=300)
    assert run.code == 0, run
    assert run.json()["status"] == "keep", run
    baseline, lazy = _done(repo)
    assert lazy["value"] < baseline["value"] * 0.9  # lodash left the first load
    # the old measure, the raw size of all of dist/, went up: one more chunk, one more file
    assert lazy["sizes"]["output_raw_kb"] > baseline["sizes"]["output_raw_kb"]
    assert baseline["sizes"]["output"] == "dist"
    assert lazy["sizes"]["files"] == 2  # index-*.js and index-*.css; not the lazy chunk
    assert git(repo, "log", "-1", "--format=%s") == "experiment: lazy-load the report route"


def test_the_recorded_tsup_build_is_what_tsup_writes(project_repo, cli):
    """tests/fixtures/projects/tsup_library/dist is tsup's output (versions pinned in its
    package.json); if tsup changes it, record it again: npm install && npm run build there."""
    repo = project_repo("tsup_library")
    recorded = {p.name: p.read_bytes() for p in (repo / "dist").iterdir()}
    for path in (repo / "dist").iterdir():
        path.unlink()
    link_node_modules(repo, "tsup_library")
    build(repo)
    assert {p.name: p.read_bytes() for p in (repo / "dist").iterdir()} == recorded


def test_the_recorded_cra_build_is_what_react_scripts_writes(project_repo):
    """tests/fixtures/projects/cra_app/build is react-scripts 5.0.1's output (versions pinned
    in its package.json) without the source maps; record it again after a change: npm install
    && npm run build there, then delete build/**/*.map. Installing react-scripts takes minutes.
    Webpack's content hashes depend on where node_modules lies (linked here), so names and
    pages are compared with the hashes masked, and the files' sizes within 2%."""
    skip_unless_slow()
    repo = project_repo("cra_app")

    def tree() -> dict:
        out = {}
        for path in (repo / "build").rglob("*"):
            if path.is_file() and path.suffix != ".map":
                name = HASH.sub("#", path.relative_to(repo / "build").as_posix())
                data = path.read_bytes()
                out[name] = (HASH.sub("#", data.decode()) if path.suffix in (".html", ".json")
                             else len(data))
        return out

    recorded = tree()
    shutil.rmtree(repo / "build")
    link_node_modules(repo, "cra_app")
    build(repo)
    built = tree()
    assert built.keys() == recorded.keys()
    for name, value in recorded.items():
        if isinstance(value, str):
            assert built[name] == value, name
        else:
            assert built[name] == pytest.approx(value, rel=0.02), name


def test_next_build_measures_static_not_cache(project_repo, cli):
    """A real `next build` twice: .next/cache grows, the metric does not."""
    skip_unless_slow()
    repo = project_repo("next_app_router")
    link_node_modules(repo, "next_app_router")
    setup = cli(repo, "setup", "--tag", "next", "--set", "verify_command=", "--json",
                timeout=600)
    assert setup.code == 0, setup
    (repo / "app/page.tsx").write_text((repo / "app/page.tsx").read_text() + "\n")
    run = cli(repo, "run", "-d", "a blank line", "--json", timeout=600)
    assert run.code == 0, run
    baseline, again = _done(repo)
    assert again["value"] == pytest.approx(baseline["value"], rel=0.01)
    assert baseline["sizes"]["output"] == ".next/static"
    assert 50 < baseline["value"] < 500  # KB of gzip JS and CSS, not the megabytes of cache
