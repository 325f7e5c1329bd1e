"""The plain-text static frame is the rich frame, character for character, without rich."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from autoresearch_dashboard.plain import frame_text, ratio_distribute
from autoresearch_dashboard.render import frame
from autoresearch_helpers.summary import load_summary
from logdata import write_session

SIZES = [(80, 24), (100, 30), (110, 30), (120, 40), (200, 60), (60, 20), (40, 12)]


def rich_text(s, root, width: int, height: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, height=height, force_terminal=False, color_system=None,
            highlight=False, emoji=False).print(frame(s, root, width, height))
    return out.getvalue()


def session(root, values, **kwargs):
    write_session(root, values, **kwargs)
    return load_summary(str(root), last=200)


@pytest.fixture
def usual(tmp_path):
    values = [1.0, 0.97, None, 0.99, 0.95, 1.2, None, 0.96, 0.93]
    return tmp_path, session(
        tmp_path, values, durations=[300.0] * 9, memory=[44.0] * 8 + [44.5],
        errors=[None, None, "timeout", None, None, None, "metric_nan", None, None],
        descriptions=["baseline"] + [f"idea {i}: tweak the warmup schedule and the learning "
                                     f"rate of layer {i}" for i in range(1, 9)])


@pytest.mark.parametrize("width, height", SIZES)
def test_same_as_rich(usual, width, height):
    root, s = usual
    text = frame_text(s, root, width, height)
    if (width, height) != (40, 12):  # at 40 columns rich squeezes the table: it prints that
        assert text is not None
    if text is not None:
        assert text == rich_text(s, root, width, height)


@pytest.mark.parametrize("width, height", SIZES)
@pytest.mark.parametrize("values, kwargs", [
    ([10.0, None, None], {"direction": "higher_is_better"}),  # all crashes
    ([1.0], {}),  # the baseline alone
    ([1.0] + [1.0 - i / 1000 for i in range(1, 300)], {}),  # more experiments than columns
    ([5.0, 6.0, 4.0, 7.5, None, 7.0], {"direction": "higher_is_better", "tag": "x" * 150,
                                        "descriptions": ["baseline", "", "a" * 300, "b",
                                                         "c", "d"]}),
    ([123456789.0, 1e-9, 3.5e12, None], {"metric": "m" * 90}),
])
def test_same_as_rich_for_odd_sessions(tmp_path, values, kwargs, width, height):
    s = session(tmp_path, values, **kwargs)
    text = frame_text(s, tmp_path, width, height)
    if text is not None:
        assert text == rich_text(s, tmp_path, width, height)


@pytest.mark.parametrize("description", ["naïve idea", "宽字符 wide", "emoji 🚀", "bell \x07"])
def test_text_rich_lays_out_otherwise_goes_to_rich(tmp_path, cli, description):
    s = session(tmp_path, [1.0, 0.9], descriptions=["baseline", description])
    assert frame_text(s, tmp_path, 80, 24) is None
    r = cli(tmp_path, "dashboard", env={"COLUMNS": "80", "LINES": "24"})
    assert r.code == 0 and r.out == rich_text(s, tmp_path.resolve(), 80, 24)


def test_cli_prints_the_plain_frame(usual, cli):
    root, _ = usual
    r = cli(root, "dashboard", env={"COLUMNS": "100", "LINES": "30"})
    s = load_summary(str(root.resolve()), last=200)
    assert r.code == 0 and r.out == frame_text(s, root.resolve(), 100, 30)
    assert r.out == rich_text(s, root.resolve(), 100, 30)


@pytest.mark.parametrize("total, ratios, minimums, expected", [
    (100, [1] * 5, [1] * 5, [20] * 5),
    (81, [1] * 5, [1] * 5, [17, 16, 16, 16, 16]),
    (40, [1] * 6, [1] * 6, [7, 7, 7, 7, 6, 6]),
    (10, [1, 2], [1, 1], [4, 6]),
    (10, [1, 1], [1, 0], [10, 0]),
])
def test_ratio_distribute_as_rich(total, ratios, minimums, expected):
    from rich._ratio import ratio_distribute as rich_distribute

    assert ratio_distribute(total, ratios, minimums) == expected
    assert rich_distribute(total, ratios, minimums) == expected
