"""The dashboard: static frames through the CLI, the model's tailing, the live view in tmux."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from autoresearch_helpers import paths
from conftest import CLI
from autoresearch_helpers.store import logs
from held_run import held_run
from logdata import commit_of, write_session

ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def repo(tmp_path):
    values = [1.0, 0.97, None, 0.99, 0.95, 1.2, None, 0.96, 0.93]
    write_session(tmp_path, values, durations=[300.0] * 9, memory=[44.0] * 8 + [44.5],
                  errors=[None, None, "timeout", None, None, None, "metric_nan", None, None],
                  descriptions=["baseline"] + [f"idea {i}: tweak the warmup schedule and the "
                                               f"learning rate of layer {i}" for i in range(1, 9)])
    return tmp_path


def frame(cli, root, width, height):
    r = cli(root, "dashboard", env={"COLUMNS": str(width), "LINES": str(height)})
    assert r.code == 0, r
    return r.out.splitlines()


@pytest.mark.parametrize("width, height", [(80, 24), (120, 40)])
def test_static_frame_fits_and_shows_the_numbers(repo, cli, width, height):
    lines = frame(cli, repo, width, height)
    text = "\n".join(lines)
    assert not ANSI.search(text)
    assert len(lines) <= height - 1
    assert max(len(line) for line in lines) <= width
    assert lines[0].startswith("autoresearch  mar17 · val_bpb (lower is better)")
    assert "│ 8 " in text  # experiments card
    assert "k3 d3 c2" in text
    assert "0.93 #8" in text and "+7.00%" in text
    assert "crash: metric_nan 1, timeout 1  time 5.0m, mean 5.0m  mem 44.5 GB, peak 44.5 GB" in text
    assert any(re.match(r"\s+8\s+" + commit_of("mar17", 8) + r"\s+0\.93\s+-0\.02\s+keep", line)
               for line in lines)
    assert any(ch in text for ch in "⠁⠂⠄⡀⠈⠐⠠⢀")  # the braille chart
    crash_strip = [line for line in lines if "×" in line and "crash" not in line]
    assert len(crash_strip) == 1 and crash_strip[0].count("×") == 2


def test_more_room_shows_more(repo, cli):
    small, big = frame(cli, repo, 80, 24), frame(cli, repo, 120, 40)
    assert len(big) > len(small)
    assert "keep·disc·crash" in "\n".join(big) and "k/d/c" in "\n".join(small)
    assert any(" time " in line and " mem " in line for line in big)


def test_module_entry_point_and_once(repo):
    env = {**os.environ, "COLUMNS": "80", "LINES": "24"}
    proc = subprocess.run([sys.executable, "-m", "autoresearch_dashboard", "--once"], cwd=repo,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and "k3 d3 c2" in proc.stdout


def test_no_logs_is_one_message(make_repo, cli):
    r = cli(make_repo(), "dashboard")
    assert r.code == 1 and r.out == ""
    assert r.err.startswith("autoresearch dashboard: error: no results yet in ")
    assert r.err.endswith("run 'autoresearch setup' first to measure the baseline\n")


def test_bad_interval(repo, cli):
    r = cli(repo, "dashboard", "--interval", "0")
    assert r.code == 2
    assert r.err == ("autoresearch dashboard: error: --interval must be a positive number of "
                     "seconds, got 0.0\n")


def test_higher_is_better_and_all_crashes(tmp_path, cli):
    write_session(tmp_path, [10.0, None, None], direction="higher_is_better")
    text = "\n".join(frame(cli, tmp_path, 80, 24))
    assert "k0 d0 c2" in text and "10 #0" in text


def test_model_tails_only_new_bytes(repo):
    from autoresearch_dashboard.model import LiveModel

    model = LiveModel(repo)
    assert model.poll() is False
    before = model.tsv_tail.offset
    logs.append_tsv(repo, "abcdef1", "val_bpb", 0.5, "keep", "new best")
    logs.log_event(repo, "experiment_done", {"status": "keep", "value": 0.5, "commit": "abcdef1",
                                             "experiment": 9, "duration_s": 12.0}, tag="mar17")
    with open(paths.tsv_path(repo), "a") as fh:
        fh.write("torn\tval")  # a writer mid-line: not read yet
    assert model.poll() is True
    s = model.summary()
    assert s.experiments == 9 and s.best["value"] == 0.5 and s.recent[-1].duration_s == 12.0
    assert model.tsv_tail.offset > before and model.loads == 1
    logs.log_event(repo, "session_start", {"tag": "mar18", "direction": "higher_is_better"},
                   tag="mar18")
    assert model.poll() is True and model.loads == 2 and model.summary().tag == "mar18"


def tmux(name, *args):
    # a private server (its own socket name) whose socket lives in the test's HOME
    env = {**os.environ, "TMUX_TMPDIR": os.environ["HOME"]}
    env.pop("TMUX", None)
    return subprocess.run(["tmux", "-L", name, *args], capture_output=True, text=True, env=env)


def start_live(name, repo, width, height):
    """The live dashboard of ``repo`` in a tmux pane "dash" (this checkout's CLI)."""
    command = f"cd {shlex.quote(str(repo))} && exec {shlex.join(CLI)} dashboard --interval 0.2"
    started = tmux(name, "new-session", "-d", "-s", "dash", "-x", str(width), "-y", str(height),
                   command)
    assert started.returncode == 0, started.stderr


def wait_for(name, needle, deadline=20.0):
    end = time.monotonic() + deadline
    screen = ""
    while time.monotonic() < end:
        screen = tmux(name, "capture-pane", "-p", "-t", "dash").stdout
        if needle in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared; the pane shows:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("width, height", [(80, 24), (120, 40)])
def test_live_view_in_tmux_follows_appends(repo, width, height):
    name = f"ar-test-{uuid.uuid4().hex[:8]}"
    start_live(name, repo, width, height)
    try:
        first = wait_for(name, "k3 d3 c2")
        assert "watching" in first
        logs.append_tsv(repo, "feed123", "val_bpb", 0.5, "keep", "fresh idea")
        logs.log_event(repo, "experiment_done", {"status": "keep", "value": 0.5, "experiment": 9,
                                                 "commit": "feed123", "duration_s": 61.0},
                       tag="mar17")
        screen = wait_for(name, "fresh idea")
        assert "k4 d3 c2" in screen and "0.5 #9" in screen
        lines = screen.splitlines()
        assert len(lines) <= height and max(len(line) for line in lines) <= width
    finally:
        tmux(name, "kill-server")


@pytest.mark.parametrize("description", ["naïve idea", "宽字符 wide", "emoji 🚀", "tab\there"])
def test_a_piped_frame_is_plain_text_whatever_the_description(tmp_path, cli, description):
    write_session(tmp_path, [1.0, 0.9], descriptions=["baseline", description])
    lines = frame(cli, tmp_path, 80, 24)
    text = "\n".join(lines)
    assert not ANSI.search(text)
    assert len(lines) <= 23
    shown = description.replace("\t", "\\t")
    assert any(shown in line for line in lines), text


@pytest.mark.parametrize("width, height", [(80, 24), (120, 40)])
def test_a_frame_during_a_run_shows_its_bar_of_the_time_budget(session_repo, cli, tmp_path,
                                                                width, height):
    repo = session_repo()
    with held_run(repo, tmp_path, "lr 0.02") as run:
        run.until_running()
        lines = frame(cli, repo, width, height)
        shown = [line for line in lines if line.startswith("running #1 ")]
        assert len(shown) == 1, "\n".join(lines)
        assert re.match(rf"running #1 [━─]{{10,}} \S+ of 30s budget · pid {run.proc.pid} · "
                        r"lr 0\.02$", shown[0].rstrip()), shown[0]
        assert len(lines) <= height - 1 and max(len(line) for line in lines) <= width
        run.release()
    assert not any(line.startswith("running") for line in frame(cli, repo, width, height))


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_live_view_shows_the_run_in_flight_until_it_ends(session_repo, tmp_path):
    repo = session_repo()
    name = f"ar-test-{uuid.uuid4().hex[:8]}"
    try:
        with held_run(repo, tmp_path, "lr 0.02") as run:
            start_live(name, repo, 80, 24)
            screen = wait_for(name, "running #1 ")
            assert re.search(r"running #1 [━─]{10,} \S+ of 30s budget", screen), screen
            run.release()
        screen = wait_for(name, "k1 d0 c0")  # the result is in, and the bar is gone
        assert "running #" not in screen
    finally:
        tmux(name, "kill-server")


def test_small_memory_is_shown_in_mb(tmp_path, cli):
    write_session(tmp_path, [1.0, 0.9, 0.95], durations=[2.0] * 3, memory=[0.02, 0.3, 0.045])
    text = "\n".join(frame(cli, tmp_path, 120, 40))
    assert "mem 45 MB, peak 0.3 GB" in text  # the footer: the last run and the peak
    assert re.search(r"\b2\.0s\s+45 MB\s", text) and re.search(r"\b2\.0s\s+20 MB\s", text)
    assert cli(tmp_path, "report", "--html", "r.html").code == 0
    html = (tmp_path / "r.html").read_text()
    assert ">45 MB</td>" in html and ">20 MB</td>" in html and ">0.3 GB</td>" in html
