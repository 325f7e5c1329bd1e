"""metrics.py: printed values, metric_parse commands, artifact sizes, the dispatcher."""

from __future__ import annotations

import os
import sys
import time

import pytest

from autoresearch_helpers.errors import MetricError
from autoresearch_helpers.engine.metrics import (
    artifact_size,
    measure,
    parse_command,
    parse_printed,
    parse_printed_file,
)
from autoresearch_helpers.engine.process import RunResult
from autoresearch_helpers.engine.runlog import clean_line


@pytest.mark.parametrize("text, expected", [
    ("val_loss: 0.31", 0.31),
    ("val_loss:    0.31\n", 0.31),  # aligned
    ("val_loss=0.31", 0.31),
    ("val_loss = 0.31", 0.31),
    ("val_loss :0.31", 0.31),
    ("step 5 | val_loss: 0.31 | lr: 3e-4", 0.31),
    ("[eval] val_loss: 0.31", 0.31),
    ("--val_loss=0.31", 0.31),
    ("{'val_loss': 0.31, 'acc': 0.9}", 0.31),
    ('{"val_loss": 0.31}', 0.31),
    ("val_loss: 0.31, acc: 0.9", 0.31),
    ("val_loss: 0.9\nval_loss: 0.5\nval_loss: 0.31\ndone", 0.31),  # last line wins
    ("val_loss: 0.9 val_loss: 0.31", 0.31),  # last on the line too
    ("val_loss: 0.9\r\nval_loss: 0.31\r\n", 0.31),
    ("val_loss: 0.9\rval_loss: 0.31", 0.31),  # carriage-return progress
    ("\x1b[1;32mval_loss\x1b[0m: \x1b[33m0.31\x1b[0m", 0.31),  # ANSI colours
    ("val_loss: 1e-3", 0.001),
    ("val_loss: 2.5E+2", 250.0),
    ("val_loss: -0.5", -0.5),
    ("val_loss: +2", 2.0),
    ("val_loss: .5", 0.5),
    ("val_loss: 7.", 7.0),
    ("val_loss: 1,234.5", 1234.5),  # strict thousands separators
    ("val_loss: 1,234,567", 1234567.0),
    ("val_loss: 12.3 ms", 12.3),  # units
    ("val_loss: 12.3ms", 12.3),
    ("val_loss: 45%", 45.0),
    ("val_loss: 0.31\nmy_val_loss2: 5\ntrain.val_loss: 6\nval_loss_ema: 7\neval-val_loss: 8", 0.31),
    ("val_loss: 0.31\nval_loss was great", 0.31),  # no separator: not a value line
])
def test_parse_printed(text, expected):
    assert parse_printed(text, "val_loss") == pytest.approx(expected)


@pytest.mark.parametrize("text, code, message", [
    ("", "metric_missing", "no line 'val_loss: <number>' in the output"),
    ("my_val_loss2: 1\nval_lossy: 2", "metric_missing", "no line 'val_loss: <number>' in the output"),
    ("val_loss: 0.1\rprogress 50%", "metric_missing", "no line 'val_loss: <number>' in the output"),
    ("val_loss: 0.3\nval_loss: nan", "metric_nan", "val_loss is 'nan', not a finite number (the output)"),
    ("val_loss: NaN ", "metric_nan", "val_loss is 'NaN', not a finite number (the output)"),
    ("val_loss: inf", "metric_nan", "val_loss is 'inf', not a finite number (the output)"),
    ("val_loss: -Infinity", "metric_nan", "val_loss is '-Infinity', not a finite number (the output)"),
    ("val_loss: 1e999", "metric_nan", "val_loss is '1e999', not a finite number (the output)"),
    ("val_loss: n/a", "metric_invalid", "val_loss: 'n/a' is not a number (the output: 'val_loss: n/a')"),
    ("val_loss:", "metric_invalid", "val_loss: '' is not a number (the output: 'val_loss:')"),
    ("val_loss: 1,5", "metric_invalid", "val_loss: '1,5' is not a number: another number or an "
     "underscore is glued to it (the output: 'val_loss: 1,5')"),
    ("val_loss: 1.2.3", "metric_invalid",
     "val_loss: '1.2.3' is not a number: another number or an underscore is glued to it "
     "(the output: 'val_loss: 1.2.3')"),
])
def test_parse_printed_errors(text, code, message):
    with pytest.raises(MetricError) as err:
        parse_printed(text, "val_loss")
    assert (err.value.code, str(err.value)) == (code, message)


def test_metric_names_with_punctuation_are_literal():
    assert parse_printed("val/bpb: 0.9\nvalXbpb: 1.0", "val/bpb") == 0.9
    assert parse_printed("bundle (kb): 12", "bundle (kb)") == 12.0


def test_parse_printed_file_reads_from_the_end(tmp_path):
    log = tmp_path / "run.log"
    with open(log, "wb") as fh:
        fh.write(b"val_bpb: 9.0\n")
        fh.write(b"step 1 loss 3.2 " * 10 + b"\n")
        fh.write(b"noise line\n" * 300_000)
        fh.write(b"\x1b[32mval_bpb: 0.9932\x1b[0m\n")
        fh.write(b"training 10%\rtraining 100%")  # unfinished last line
    assert parse_printed_file(log, "val_bpb") == 0.9932


def test_parse_printed_file_errors_name_the_file(tmp_path):
    log = tmp_path / "run.log"
    with pytest.raises(MetricError) as err:
        parse_printed_file(log, "val_bpb")
    assert err.value.code == "metric_missing"
    assert str(err.value) == f"{log} does not exist: the run wrote no log"
    log.write_text("loss: 1\n")
    with pytest.raises(MetricError) as err:
        parse_printed_file(log, "val_bpb")
    assert str(err.value) == f"no line 'val_bpb: <number>' in {log}"
    log.write_text("val_bpb: 0.5\nval_bpb: nan\n")
    with pytest.raises(MetricError) as err:
        parse_printed_file(log, "val_bpb")
    assert (err.value.code, str(err.value)) == (
        "metric_nan", f"val_bpb is 'nan', not a finite number ({log})")


@pytest.mark.parametrize("cmd, expected", [
    ("echo 0.5", 0.5),
    ("printf '  -1e-3 \\n\\n'", -0.001),
    ("grep 'acc:' run.log | tail -1 | awk '{print $2}'", 0.97),
    ("echo 1,234.5", 1234.5),
])
def test_parse_command(tmp_path, cmd, expected):
    (tmp_path / "run.log").write_text("acc: 0.5\nacc: 0.97\n")
    assert parse_command(cmd, tmp_path) == pytest.approx(expected)


@pytest.mark.parametrize("cmd, code, message", [
    ("true", "metric_missing", "metric_parse `true` printed nothing"),
    ("grep nope run.log | tail -1", "metric_missing", "metric_parse `grep nope run.log | tail -1` printed nothing"),
    ("echo 1 2", "metric_invalid", "metric_parse `echo 1 2` printed 2 values, expected one number: '1 2'"),
    ("echo acc: 0.5", "metric_invalid",
     "metric_parse `echo acc: 0.5` printed 2 values, expected one number: 'acc: 0.5'"),
    ("echo 12ms", "metric_invalid", "metric_parse `echo 12ms` printed '12ms', not a number"),
    ("echo nan", "metric_nan", "metric_parse `echo nan` printed 'nan', not a finite number"),
    ("echo -inf", "metric_nan", "metric_parse `echo -inf` printed '-inf', not a finite number"),
    ("echo oops >&2; exit 3", "metric_parse_failed",
     "metric_parse `echo oops >&2; exit 3` exited 3; stderr: oops"),
    ("exit 1", "metric_parse_failed", "metric_parse `exit 1` exited 1"),
    ("no-such-command-xyz", "metric_parse_failed",
     "metric_parse `no-such-command-xyz` exited 127; stderr: /bin/sh: 1: no-such-command-xyz: not found"),
])
def test_parse_command_errors(tmp_path, cmd, code, message):
    with pytest.raises(MetricError) as err:
        parse_command(cmd, tmp_path)
    assert err.value.code == code
    if "no-such-command" in cmd:  # the shell's wording differs between dash and bash
        assert str(err.value).startswith("metric_parse `no-such-command-xyz` exited 127; stderr: ")
    else:
        assert str(err.value) == message


def test_parse_command_timeout_kills_its_group(tmp_path):
    start = time.monotonic()
    with pytest.raises(MetricError) as err:
        parse_command("sleep 600 & sleep 600; echo 1", tmp_path, timeout=0.5)
    assert time.monotonic() - start < 10
    assert (err.value.code, str(err.value)) == (
        "metric_parse_failed", "metric_parse `sleep 600 & sleep 600; echo 1` timed out after 0.5 s")


def test_artifact_size(tmp_path):
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "index.js").write_bytes(b"x" * 2000)
    (tmp_path / "dist" / "assets" / "a.css").write_bytes(b"y" * 1000)
    (tmp_path / "outside.bin").write_bytes(b"z" * 1000 * 1000)
    os.symlink(tmp_path / "outside.bin", tmp_path / "dist" / "link.bin")
    (tmp_path / "app.apk").write_bytes(b"a" * (3 * 1000 * 1000))
    assert artifact_size(tmp_path, "dist", "KB") == 3.0  # the symlink out is not followed
    assert artifact_size(tmp_path, "dist/index.js", "kb") == 2.0
    assert artifact_size(tmp_path, "dist/**/*.css", "KB") == 1.0
    assert artifact_size(tmp_path, "*.apk", "MB") == 3.0
    assert artifact_size(tmp_path, "dist/*.js", "B") == 2000
    # the binary units are the ones written so
    assert artifact_size(tmp_path, "dist/index.js", "KiB") == 2000 / 1024
    assert artifact_size(tmp_path, "*.apk", "mib") == 3e6 / 1024**2


def test_artifact_size_missing(tmp_path):
    with pytest.raises(MetricError) as err:
        artifact_size(tmp_path, "build/app.apk", "MB")
    assert (err.value.code, str(err.value)) == (
        "metric_missing", f"artifact {tmp_path / 'build/app.apk'} does not exist: did the build write it?")
    with pytest.raises(MetricError) as err:
        artifact_size(tmp_path, "build/*.apk", "MB")
    assert str(err.value) == f"no file matches the artifact 'build/*.apk' under {tmp_path}: did the build write it?"
    with pytest.raises(ValueError, match="unknown size unit 'parsecs'"):
        artifact_size(tmp_path, "x", "parsecs")


def _run(duration=2.5):
    return RunResult(exit_code=0, timed_out=False, duration_s=duration, peak_memory_gb=None)


def test_measure_dispatch(tmp_path):
    (tmp_path / "run.log").write_text("val_bpb: 0.99\n")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "main.js").write_bytes(b"x" * 5000)
    common = dict(metric_name="val_bpb", run_result=_run(), log_path=tmp_path / "run.log")
    assert measure(tmp_path, measure="printed", **common) == 0.99
    assert measure(tmp_path, measure="printed", metric_parse="echo 0.5", **common) == 0.5
    assert measure(tmp_path, measure="artifact_size", artifact="dist", unit="KB", **common) == 5.0
    assert measure(tmp_path, measure="wall_time", unit="s", **common) == 2.5
    assert measure(tmp_path, measure="wall_time", metric_parse="echo 7", **common) == 7.0
    with pytest.raises(ValueError, match="unknown measure 'vibes'"):
        measure(tmp_path, measure="vibes", **common)
    with pytest.raises(MetricError) as err:
        measure(tmp_path, measure="artifact_size", **common)
    assert err.value.code == "metric_missing"


def test_metric_error_codes_are_checked():
    with pytest.raises(ValueError):
        MetricError("metric_whatever", "x")


@pytest.mark.parametrize("raw, expected", [
    ("plain", "plain"),
    ("10%\r50%\r100%", "100%"),
    ("done\r", "done"),
    ("\x1b[32mgreen\x1b[0m text", "green text"),
    ("\x1b[2K\r\x1b[1mstep 3\x1b[0m", "step 3"),
    ("\x1b]0;title\x07after", "after"),
])
def test_clean_line(raw, expected):
    assert clean_line(raw) == expected
