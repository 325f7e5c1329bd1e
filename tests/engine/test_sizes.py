"""engine/sizes.py: which files an artifact names, and how their bytes are counted."""

from __future__ import annotations

import gzip

import pytest

from autoresearch_helpers.engine import sizes
from autoresearch_helpers.errors import MetricError
from autoresearch_helpers.vocab import size_words


def _tree(root, files: dict[str, str]):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


PAGE = """<!doctype html><html><head>
<script type="module" crossorigin src="/assets/index-a1.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-b2.js">
<link rel="stylesheet" href="/assets/index-c3.css">
<link rel="icon" href="/favicon.svg">
<script src="https://cdn.example.com/analytics.js"></script>
<script type="application/json" id="data">{"a": 1}</script>
<script>console.log("inline")</script>
<script nomodule src="/assets/polyfills-legacy.js"></script>
</head><body><script defer src="legacy.js?v=2"></script></body></html>"""


def test_a_page_counts_what_it_loads_on_first_view(tmp_path):
    _tree(tmp_path, {"dist/index.html": PAGE, "dist/assets/index-a1.js": "a" * 100,
                     "dist/assets/vendor-b2.js": "v" * 50, "dist/assets/index-c3.css": "c" * 10,
                     "dist/legacy.js": "l" * 5, "dist/assets/lazy-d4.js": "z" * 10_000,
                     "dist/favicon.svg": "<svg/>" * 100})
    found = sizes.measure(tmp_path, "dist/index.html", "B", "raw")
    assert sorted(found.files) == ["dist/assets/index-a1.js", "dist/assets/index-c3.css",
                                   "dist/assets/vendor-b2.js", "dist/legacy.js"]
    assert found.value == 165
    assert found.output == "dist"
    assert found.output_bytes == 165 + 10_000 + 600 + len(PAGE)


def test_a_page_under_a_base_path(tmp_path):
    _tree(tmp_path, {"dist/index.html": '<script type="module" src="/app/assets/x.js"></script>',
                     "dist/assets/x.js": "x" * 10})
    assert sizes.measure(tmp_path, "dist/index.html", "B").value == 10


def test_a_page_that_loads_a_missing_file_says_which(tmp_path):
    _tree(tmp_path, {"dist/index.html": '<script type="module" src="/assets/gone.js"></script>'})
    with pytest.raises(MetricError, match="loads '/assets/gone.js', which is not in dist/") as exc:
        sizes.measure(tmp_path, "dist/index.html", "KB")
    assert exc.value.code == "metric_missing"


def test_a_page_that_loads_nothing_local(tmp_path):
    _tree(tmp_path, {"index.html": '<script src="https://cdn.example.com/x.js"></script>'})
    with pytest.raises(MetricError, match="loads no local script or stylesheet"):
        sizes.measure(tmp_path, "index.html", "KB")


def test_a_page_never_counts_a_file_outside_the_root(tmp_path):
    (tmp_path / "secret.js").write_text("s")
    _tree(tmp_path, {"repo/dist/index.html": '<script src="../../secret.js"></script>'})
    with pytest.raises(MetricError, match="not in dist/"):
        sizes.measure(tmp_path / "repo", "dist/index.html", "KB")


def test_gzip_counts_each_file_compressed_alone(tmp_path):
    _tree(tmp_path, {"dist/a.js": "let a = 1;\n" * 500, "dist/b.css": "p{margin:0}\n" * 300})
    expected = sum(len(gzip.compress((tmp_path / p).read_bytes(), 9, mtime=0))
                   for p in ("dist/a.js", "dist/b.css"))
    found = sizes.measure(tmp_path, "dist", "KB", "gzip")
    assert found.value == expected / 1000
    assert found.raw_bytes == 5500 + 3600
    assert found.summary("gzip") == {"size": "gzip", "files": 2, "raw_kb": 9.1,
                                     "output": "dist", "output_raw_kb": 9.1}


def test_braces_in_a_glob(tmp_path):
    _tree(tmp_path, {".next/static/chunks/a.js": "a" * 10, ".next/static/css/b.css": "b" * 5,
                     ".next/static/media/font.woff2": "f" * 1000,
                     ".next/cache/webpack/1.pack": "c" * 100_000})
    found = sizes.measure(tmp_path, ".next/static/**/*.{js,css}", "B")
    assert (found.value, found.output, found.output_bytes) == (15, ".next/static", 1015)
    assert sizes.expand_braces("a/{x,y}/*.{js,css}") == ["a/x/*.js", "a/x/*.css",
                                                         "a/y/*.js", "a/y/*.css"]


def test_units_are_decimal_unless_binary(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"\0" * 2048)
    assert sizes.measure(tmp_path, "a.bin", "KB").value == 2.048
    assert sizes.measure(tmp_path, "a.bin", "KiB").value == 2.0
    with pytest.raises(ValueError, match="unknown size unit"):
        sizes.measure(tmp_path, "a.bin", "kilobytes")


def test_brotli(tmp_path):
    (tmp_path / "a.js").write_text("let a = 1;\n" * 500)
    if sizes.brotli_module() is None:
        with pytest.raises(MetricError, match="pip install brotli"):
            sizes.measure(tmp_path, "a.js", "B", "brotli")
    else:
        assert 0 < sizes.measure(tmp_path, "a.js", "B", "brotli").value < 5500


def test_words():
    assert size_words("dist/index.html", "gzip", "KB") == (
        "gzip size of the JS and CSS dist/index.html loads on first view, in KB (1000 bytes)")
    assert size_words("dist", None, "KiB") == "raw size of dist, in KiB (1024 bytes)"
