"""`autoresearch report --html FILE`: the page, its escaping, its chart, and a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser

import pytest

from autoresearch_helpers.reports.html import improvement, script_json
from autoresearch_helpers.reports.chartscale import focus_range
from autoresearch_helpers.reports.svg import fmt, nice_ticks
from logdata import write_session

HOSTILE = [
    "baseline",
    "</script><script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "say \"hi\" and 'bye' and '''triple'''",
    "two\nlines\tand a tab \\ backslash",
    "<svg onload=alert(2)><a href='javascript:alert(3)'>x</a>",
    "&amp; &lt;b&gt; already escaped \u2028 separator",
]
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "p", "div", "svg", "rect",
                "text", "line", "path", "circle", "g", "table", "thead", "tbody", "tr", "th",
                "td", "code", "script"}


class Page(HTMLParser):
    """Every start tag with its attributes, the scripts, and the header cards."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.cards: dict[str, list[str]] = {}
        self._classes: list[str] = []
        self._card: list[str] | None = None
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._classes.append(attrs.get("class") or "")
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")
        if attrs.get("class") == "card":
            self._card = []

    def handle_endtag(self, tag):
        self._in_script = False
        cls = self._classes.pop() if self._classes else ""
        if cls == "card" and self._card:
            self.cards[self._card[0]] = self._card[1:]
            self._card = None

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        elif self._card is not None and data.strip():
            self._card.append(data.strip())

    def marks(self) -> list[dict]:
        return [a for _, a in self.tags if "mark" in (a.get("class") or "").split()]


def add_tests(root, tests: dict) -> None:
    """Give experiments of the JSONL a noisy metric's fields: number -> the details to add
    (p_value, interval, champion_samples, reason)."""
    path = root / ".claude" / "logs" / "autoresearch.jsonl"
    records = [json.loads(line) for line in path.read_text().split("\n") if line]
    for record in records:
        record["details"].update(tests.get(record["details"].get("experiment"), {}))
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def report(cli, root, *args):
    result = cli(root, "report", "--html", str(root / "report.html"), *args)
    assert result.code == 0, result
    return (root / "report.html").read_text(encoding="utf-8"), result


def test_report_writes_one_file_and_says_where(cli, tmp_path):
    write_session(tmp_path, [1.0, 0.98, 0.99, None, 0.95])
    text, result = report(cli, tmp_path)
    assert result.out == f"wrote {tmp_path / 'report.html'} (4 experiments)\n"
    assert result.err == ""
    page = Page(text)
    assert page.cards == {
        "experiments": ["4"], "keep / discard / crash": ["2 / 1 / 1"], "baseline": ["1"],
        "best": ["0.95", "commit " + page.cards["best"][1].split()[-1]],
        "change": ["-0.05 (-5.00%)"], "tag": ["mar17"],
        "metric": ["val_bpb", "lower is better"],
    }


def test_hostile_descriptions_are_text_never_markup(cli, tmp_path):
    values = [1.0, 0.9, 0.95, None, 0.85, 0.8, 0.99]
    write_session(tmp_path, values, descriptions=HOSTILE)
    text, _ = report(cli, tmp_path)
    for raw in ("<script>alert", "<img src", "<svg onload", "<a href", "onerror=\"alert"):
        assert raw not in text
    page = Page(text)
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on") or a in ("src", "href")], (tag, attrs)
    assert len(page.scripts) == 2  # the data and the sorter: nothing injected
    assert "\u2028" not in page.scripts[0]  # a line separator ends a JavaScript string
    data = json.loads(page.scripts[0])
    assert [e["description"] for e in data["experiments"]] == HOSTILE
    cells = re.findall(r'<td class="desc" data-sort="[^"]*">(.*?)</td>', text, re.S)
    assert cells[1] == "&lt;/script&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def test_chart_has_one_mark_per_experiment_and_crashes_below_the_axis(cli, tmp_path):
    values = [2.0, 1.9, None, 2.1, 1.8, None, 1.85]
    write_session(tmp_path, values)
    page = Page(report(cli, tmp_path)[0])
    marks = page.marks()
    assert [int(m["data-n"]) for m in marks] == list(range(len(values)))
    kinds = [m["class"].split()[1] for m in marks]
    assert kinds == ["keep", "keep", "crash", "discard", "keep", "crash", "discard"]
    plot = next(a for t, a in page.tags if t == "rect" and a.get("stroke") == "#888")
    bottom = float(plot["y"]) + float(plot["height"])
    ys = [float(m["cy"]) for m in marks if "cy" in m]
    assert all(y <= bottom for y in ys)
    crash_lines = [a for t, a in page.tags if t == "line" and a.get("y1") and
                   float(a["y1"]) > bottom + 10 and a.get("x1") != a.get("x2")]
    assert len(crash_lines) == 4  # two strokes of an x per crash, both under the plot
    assert any(t == "path" and "best-line" in (a.get("class") or "") for t, a in page.tags)


def test_report_references_nothing_outside_the_file(cli, tmp_path):
    write_session(tmp_path, [5.0, 4.0, 4.5, 3.9])
    text, _ = report(cli, tmp_path)
    for needle in ("http:", "https:", "//", "@import", "src=", "href=", "url("):
        assert needle not in text, needle


def test_tag_selects_one_session_of_the_jsonl(cli, tmp_path):
    write_session(tmp_path, [1.0, 0.9], tag="mar17")
    write_session(tmp_path, [3.0, 3.5, 2.0, 1.0], tag="mar18", direction="higher_is_better",
                  metric="accuracy")
    page = Page(report(cli, tmp_path, "--tag", "mar17")[0])
    assert page.cards["experiments"] == ["1"] and page.cards["tag"] == ["mar17"]
    page = Page(report(cli, tmp_path, "--tag", "mar18")[0])
    assert page.cards["experiments"] == ["3"]
    assert page.cards["keep / discard / crash"] == ["1 / 2 / 0"]


def test_results_tsv_alone_is_enough_and_crashes_stay_null(cli, make_repo):
    repo = make_repo({"exp.py": "print(1)\n", "CLAUDE.md": (
        "## autoresearch\n- target_file: exp.py\n- run_command: python3 exp.py\n"
        "- metric_name: accuracy\n- metric_direction: higher_is_better\n")})
    write_session(repo, [80.0, 85.0, None, 84.0], direction="higher_is_better",
                  metric="accuracy", jsonl=False)
    page = Page(report(cli, repo)[0])  # the direction comes from the config
    assert page.cards["metric"] == ["accuracy", "higher is better"]
    assert page.cards["change"] == ["+5 (+6.25%)"]
    data = json.loads(page.scripts[0])
    assert [e["value"] for e in data["experiments"]] == [80.0, 85.0, None, 84.0]
    assert [e["best"] for e in data["experiments"]] == [80.0, 85.0, 85.0, 85.0]


def test_unknown_tag_names_the_tags_that_exist(cli, tmp_path):
    write_session(tmp_path, [1.0, 0.9], tag="mar17")
    result = cli(tmp_path, "report", "--html", "r.html", "--tag", "apr01")
    assert result.code == 1
    assert "no experiments with tag 'apr01'" in result.err
    assert "session tags found: mar17" in result.err
    assert not (tmp_path / "r.html").exists()


def test_missing_logs_is_a_clear_error(cli, make_repo):
    repo = make_repo({"train.py": "print(1)\n"})
    result = cli(repo, "report", "--html", "r.html")
    assert result.code == 1
    assert result.err.startswith("autoresearch report: error: no results yet in ")
    assert "run 'autoresearch setup' first" in result.err
    assert result.out == ""


def test_a_folder_as_output_is_bad_usage(cli, tmp_path):
    write_session(tmp_path, [1.0, 0.9])
    result = cli(tmp_path, "report", "--html", str(tmp_path))
    assert result.code == 2
    assert result.err == (f"autoresearch report: error: --html {tmp_path}: is a folder; "
                          "give a file name such as report.html\n")


@pytest.mark.parametrize("lo, hi, count, expected", [
    (0.0, 1.0, 6, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (0.93, 1.02, 6, [0.94, 0.96, 0.98, 1.0, 1.02]),
    (-0.5, 60.5, 10, [0, 10, 20, 30, 40, 50, 60]),
    (-0.5, 60.5, 6, [0, 20, 40, 60]),
    (5.0, 5.0, 6, [5.0]),
])
def test_nice_ticks(lo, hi, count, expected):
    assert nice_ticks(lo, hi, count) == pytest.approx(expected)


@pytest.mark.parametrize("values, bests, expected", [
    ([], [], (0.0, 1.0)),
    ([2.0], [2.0], (1.9, 2.1)),
    ([0.0, 0.0], [0.0, 0.0], (-1.0, 1.0)),
    # the running best spans 1..2: the chart covers it, padded 6%
    ([2.0, 1.5, 1.0], [2.0, 1.5, 1.0], (0.94, 2.06)),
    # a diverged run (1e13) is left out of the range, a near miss (2.5) is kept in it
    ([2.0, 1e13, 2.5, 1.0], [2.0, 2.0, 2.0, 1.0], (0.91, 2.59)),
])
def test_focus_range(values, bests, expected):
    assert focus_range(values, bests) == pytest.approx(expected)


@pytest.mark.parametrize("base, best, direction, expected", [
    (1.0, 0.95, "lower_is_better", ("-0.05 (-5.00%)", True)),
    (80.0, 88.0, "higher_is_better", ("+8 (+10.00%)", True)),
    (1.0, 1.0, "lower_is_better", ("+0 (+0.00%)", False)),
    (0.0, 1.0, "higher_is_better", ("+1", True)),
    (None, 1.0, "lower_is_better", ("—", False)),
])
def test_improvement(base, best, direction, expected):
    assert improvement(base, best, direction) == expected


@pytest.mark.parametrize("value, expected", [(None, "—"), (0.9932, "0.9932"),
                                             (1234567.0, "1234567.0"), (1.0, "1")])
def test_fmt(value, expected):
    assert fmt(value) == expected


@pytest.mark.parametrize("data, expected", [
    ("</script>", '"\\u003c/script\\u003e"'),
    ({"a": "x&y"}, '{"a": "x\\u0026y"}'),
    ("\u2028", '"\\u2028"'),
])
def test_script_json(data, expected):
    assert script_json(data) == expected
    assert json.loads(script_json(data)) == data


# --- a real browser ---------------------------------------------------------------------

def png_colours(path) -> set[bytes]:
    """The distinct RGB colours of an 8-bit RGB/RGBA PNG (stdlib only: zlib + unfilter)."""
    data, pos, idat = path.read_bytes(), 8, []
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body, pos = data[pos + 8:pos + 8 + length], pos + 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat.append(body)
    assert depth == 8 and ctype in (2, 6)
    bpp = 4 if ctype == 6 else 3
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    prev, colours = bytearray(stride), set()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride) if kind else ():
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[x:x + 3]) for x in range(0, stride, bpp))
        prev = line
    return colours


def test_screenshot_in_headless_chromium(cli, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install -y chromium)")
        pytest.skip("chromium is not installed")
    write_session(tmp_path, [1.0, 0.98, 1.01, None, 0.95, 0.97, 0.94], descriptions=HOSTILE)
    add_tests(tmp_path, {  # a noisy metric: paired tests, and one run clearly worse
        1: {"p_value": 0.0031, "interval": [-0.031, -0.0094], "champion_samples": [1.0] * 4},
        2: {"reason": "clearly worse"},
        4: {"p_value": 0.049, "interval": [-0.052, -0.00071], "champion_samples": [1.0] * 2},
        5: {"p_value": 1.0, "interval": [-0.012, 0.047], "champion_samples": [1.0]}})
    text, _ = report(cli, tmp_path)
    assert ">evidence</th>" in text and "4 pairs: Δ in [-0.031, -0.0094], p=0.0031" in text
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,900", (tmp_path / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    assert shot.exists(), proc.stderr[-2000:]
    colours = png_colours(shot)
    assert len(colours) > 100  # text, cards, grid and dots: far from a blank page
    assert bytes.fromhex("2ca02c") in colours  # a kept dot
    assert bytes.fromhex("d62728") in colours  # a crash mark
    assert bytes.fromhex("b8b8b8") in colours  # a discarded dot
