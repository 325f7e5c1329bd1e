"""The keys of a size metric: artifact (what is measured) and size (how bytes count)."""

from __future__ import annotations

import importlib.util
import json

import pytest

PACKAGE = json.dumps({"name": "app", "scripts": {"build": "vite build"},
                      "devDependencies": {"vite": "^5"}})
NODE_APP = {"package.json": PACKAGE, "index.html": '<script type="module" src="/src/main.ts">'
            "</script>", "src/main.ts": "export {}\n"}
CUSTOM = {"bench.sh": "echo ok\n", "main.c": "int main(){}\n"}


def _config(cli, repo, *sets) -> dict:
    result = cli(repo, "config", "--json", *[a for s in sets for a in ("--set", s)])
    assert result.code == 0, result
    return result.json()


def test_adapter_defaults_are_shown_with_their_source(make_repo, cli):
    repo = make_repo(NODE_APP)
    doc = _config(cli, repo)
    where = "adapter node (package.json, index.html)"
    assert doc["keys"]["artifact"] == {"value": "dist/index.html", "source": where}
    assert doc["keys"]["size"] == {"value": "gzip", "source": where}
    assert (doc["measure"], doc["artifact"], doc["size"], doc["unit"]) == (
        "artifact_size", "dist/index.html", "gzip", "KB")
    text = cli(repo, "config").out
    assert "measure: gzip size of the JS and CSS dist/index.html loads on first view, in KB " \
           "(1000 bytes)" in text


def test_user_artifact_and_size_override_the_adapter(make_repo, cli):
    repo = make_repo({**NODE_APP, "CLAUDE.md": "## autoresearch\n- artifact: dist/assets/*.js\n"
                                                "- size: raw\n"})
    doc = _config(cli, repo)
    assert doc["keys"]["artifact"] == {"value": "dist/assets/*.js", "source": "CLAUDE.md:2"}
    assert doc["keys"]["size"] == {"value": "raw", "source": "CLAUDE.md:3"}
    assert doc["unit"] == "KB"


def test_artifact_makes_a_custom_metric_a_size(make_repo, cli):
    repo = make_repo({**CUSTOM, "CLAUDE.md": "## autoresearch\n- target_file: main.c\n"
                                             "- run_command: sh bench.sh\n"
                                             "- metric_name: binary_mb\n- artifact: main.c\n"})
    doc = _config(cli, repo)
    assert (doc["type"], doc["measure"], doc["unit"], doc["size"]) == (
        "custom", "artifact_size", "MB", "raw")
    doc = _config(cli, repo, "metric_name=binary_size", "size=gzip")
    assert (doc["unit"], doc["size"]) == ("KB", "gzip")
    assert doc["keys"]["metric_direction"]["value"] == "lower_is_better"
    result = cli(repo, "setup", "--json")
    assert result.code == 0, result
    assert result.json()["baseline"] == pytest.approx(13 / 1_000_000)


def test_a_metric_that_is_not_a_size_has_no_artifact(make_repo, cli):
    repo = make_repo(NODE_APP)
    doc = _config(cli, repo, "metric_name=build_s", "metric_parse=echo 1")
    assert (doc["measure"], doc["artifact"], doc["size"]) == ("printed", None, None)
    assert doc["keys"]["artifact"]["source"] == "default"


@pytest.mark.parametrize("sets, message", [
    (["size=gzip"], "size applies to a size metric only; set artifact too"),
    (["artifact=dist", "metric_parse=echo 1"], "artifact and metric_parse are both set"),
    (["artifact=../elsewhere/dist"], "must be a path inside the repository"),
    (["artifact=/tmp/dist"], "must be a path inside the repository"),
    (["artifact=.git/objects"], "is autoresearch's own .git/"),
    (["artifact=results.tsv"], "is autoresearch's own results.tsv"),
    (["artifact=dist", "size=zstd"], "bad value for size: must be raw, gzip or brotli"),
])
def test_bad_size_settings(make_repo, cli, sets, message):
    repo = make_repo({**CUSTOM, "CLAUDE.md": "## autoresearch\n- target_file: main.c\n"
                                             "- run_command: sh bench.sh\n- metric_name: score\n"})
    result = cli(repo, "config", *[a for s in sets for a in ("--set", s)])
    assert result.code == 2, result
    assert message in result.err
    assert "command line" in result.err and "example: --set" in result.err


@pytest.mark.skipif(importlib.util.find_spec("brotli") is not None, reason="brotli installed")
def test_brotli_without_the_package_is_refused_at_once(make_repo, cli):
    repo = make_repo({**NODE_APP, "CLAUDE.md": "## autoresearch\n- size: brotli\n"})
    result = cli(repo, "setup")
    assert result.code == 2, result
    assert "size brotli needs the Python package brotli" in result.err
    assert "CLAUDE.md:2" in result.err and "example: - size: gzip" in result.err
    assert not (repo / ".autoresearch").exists()
