"""The paired test of a noisy metric's experiments, shown by status, results, the
dashboard and the HTML report (docs/decisions.md, "What is shown"); nothing extra for a
deterministic metric, a crash, or a log written before tests existed."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import init_repo, run_cli, write_session_file
from engine_project import edit, project
from logdata import write_session

from autoresearch_helpers import paths
from autoresearch_helpers.vocab import fmt_evidence

# exp.py prints VALUE plus noise of sigma 0.05: setup calibrates it as a noisy metric
NOISY = "import random\nVALUE = {v}\nprint('score:', VALUE + random.gauss(0, 0.05))\n"
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test", "LC_ALL": "C.UTF-8",
           "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.com"}
ONE_RUN = "1 run, outside the noise band"


@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    """A real noisy session, made once: experiment 1 is 20 sigma better (kept after paired
    runs), 2 is 80 sigma worse (discarded after one run), 3 crashes. Returns the repo and
    the `run --json` of experiment 1."""
    home = tmp_path_factory.mktemp("home")
    env = {**GIT_ENV, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        repo = init_repo(tmp_path_factory.mktemp("noisy") / "repo",
                         project(files={"exp.py": NOISY.format(v=5.0)}))
        assert run_cli(repo, "setup", "--tag", "t1").code == 0
        edit(repo, text=NOISY.format(v=4.0))
        kept = run_cli(repo, "run", "-d", "much better", "--json").json()
        assert kept["status"] == "keep" and kept["champion_samples"], kept
        edit(repo, text=NOISY.format(v=9.0))
        worse = run_cli(repo, "run", "-d", "much worse").out
        assert "DISCARD (clearly worse)" in worse and ONE_RUN in worse, worse
        edit(repo, text="raise SystemExit(3)\n")
        assert "CRASH" in run_cli(repo, "run", "-d", "a crash").out
    return repo, kept


def evidence(out: dict) -> str:
    """What `run` says of a paired test, from its --json numbers."""
    return fmt_evidence(out["interval"], out["p_value"], len(out["champion_samples"]))


def pieces(out: dict) -> list[str]:
    """The interval and the p of `run`'s evidence ('[-1.07, -0.659]', 'p=2.7e-06'), and
    the pairs as a table cell counts them ('n=1')."""
    found = re.fullmatch(r"\d+ pairs?: Δ in (\[.*\]), (p=\S+)", evidence(out))
    return [*found.groups(), f"n={len(out['champion_samples'])}"]


def line_of(text: str, needle: str) -> str:
    """The one row of an experiment (a line that starts with its number) holding ``needle``."""
    found = [line for line in text.splitlines()
             if needle in line and re.match(r"\s+#?\d+\s", line)]
    assert len(found) == 1, (needle, text)
    return found[0]


def test_status_shows_each_decision_as_run_did(noisy, cli):
    repo, kept = noisy
    text = cli(repo, "status").out
    assert line_of(text, "much better").endswith(f"much better · {evidence(kept)}")
    assert line_of(text, "much worse").endswith(f"much worse · {ONE_RUN}")
    assert line_of(text, "a crash").endswith("a crash")
    assert evidence(kept) in cli(repo, "status", "--brief").out
    recent = {r["n"]: r for r in cli(repo, "status", "--json").json()["recent"]}
    assert recent[1]["p_value"] == kept["p_value"] and recent[1]["interval"] == kept["interval"]
    assert recent[1]["pairs"] == len(kept["champion_samples"])
    for n in (0, 2, 3):  # the baseline, one run, a crash: no test
        assert (recent[n]["p_value"], recent[n]["interval"], recent[n]["pairs"]) == (
            None, None, None)


def test_results_carries_the_test_in_every_format(noisy, cli):
    repo, kept = noisy
    table = cli(repo, "results").out
    assert re.search(r"status\s+evidence\s+description", table)
    assert all(piece in line_of(table, "much better") for piece in pieces(kept))
    assert ONE_RUN in line_of(table, "much worse")
    assert re.search(r"crash\s+a crash \[exit_3\]", line_of(table, "a crash"))
    markdown = cli(repo, "results", "--format", "markdown").out
    assert f"| {evidence(kept)} | much better |" in markdown
    assert f"| {ONE_RUN} | much worse |" in markdown and "| crash |  | a crash" in markdown
    rows = list(csv.DictReader(io.StringIO(cli(repo, "results", "--format", "csv").out)))
    tsv = cli(repo, "results", "--format", "tsv").out.splitlines()
    assert [dict(zip(tsv[0].split("\t"), line.split("\t"))) for line in tsv[1:]] == rows
    low, high = kept["interval"]
    assert (float(rows[1]["p_value"]), float(rows[1]["interval_low"]),
            float(rows[1]["interval_high"]), int(rows[1]["pairs"])) == (
        kept["p_value"], low, high, len(kept["champion_samples"]))
    for row in (rows[0], rows[2], rows[3]):
        assert [row[c] for c in ("p_value", "interval_low", "interval_high", "pairs")] == [""] * 4
    for args in ((), ("--tag", "t1")):  # results.tsv with the JSONL, or the JSONL alone
        shown = cli(repo, "results", "--json", *args).json()["shown"]
        assert [(e["p_value"], e["interval"], e["pairs"]) for e in shown] == [
            (None, None, None), (kept["p_value"], kept["interval"],
                                 len(kept["champion_samples"])),
            (None, None, None), (None, None, None)]


def test_dashboard_shows_the_test_on_a_wide_terminal(noisy, cli):
    repo, kept = noisy
    wide = cli(repo, "dashboard", env={"COLUMNS": "120", "LINES": "30"}).out
    assert all(piece in line_of(wide, "much better") for piece in pieces(kept))
    assert ONE_RUN in line_of(wide, "much worse")
    assert re.search(r"status\s+evidence", wide)
    narrow = cli(repo, "dashboard", env={"COLUMNS": "80", "LINES": "24"})
    assert narrow.code == 0 and "evidence" not in narrow.out  # no room: as before


def test_report_has_an_evidence_column(noisy, cli):
    repo, kept = noisy
    assert cli(repo, "report", "--html", str(repo / "r.html")).code == 0
    page = (repo / "r.html").read_text(encoding="utf-8")
    heads = re.findall(r"<th[^>]*>(.*?)</th>", page)
    assert heads[4:7] == ["status", "evidence", "description"]
    cells = re.findall(r'<td class="ev" data-sort="([^"]*)">(.*?)</td>', page)
    assert cells[1] == (repr(kept["p_value"]), evidence(kept))
    assert cells[2][1] == ONE_RUN and cells[0][1] == cells[3][1] == ""
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1))
    first = data["experiments"][1]
    assert (first["p_value"], first["interval"], first["pairs"]) == (
        kept["p_value"], kept["interval"], len(kept["champion_samples"]))


def test_a_deterministic_metric_shows_nothing_extra(session_repo, cli):
    repo = session_repo()
    for value, what in ((4.0, "better"), (6.0, "worse")):
        edit(repo, value)
        cli(repo, "run", "-d", what)
    for args in (("status",), ("results",), ("results", "--format", "markdown")):
        out = cli(repo, *args).out
        assert "evidence" not in out and "pair" not in out and "Δ" not in out, out
    assert "evidence" not in cli(repo, "dashboard", env={"COLUMNS": "160"}).out
    assert all(r["p_value"] is None and r["pairs"] is None
               for r in cli(repo, "status", "--json").json()["recent"])
    assert cli(repo, "report", "--html", "r.html").code == 0
    assert "evidence" not in re.sub(r'id="report-data">.*?</script>', "",
                                    (repo / "r.html").read_text(), flags=re.S)


def test_old_and_odd_logs_still_load(make_repo, cli):
    """Records without the fields (written before tests existed), or with something else
    in them, show no test and break nothing."""
    root = make_repo({"a.txt": "x\n"})
    write_session(root, [1.0, 0.9, 0.95, None, 0.8])
    path = Path(paths.jsonl_path(root))
    records = [json.loads(line) for line in path.read_text().splitlines()]
    odd = [{"p_value": "0.01", "interval": [-1, 0.5], "champion_samples": [1.0]},
           {"p_value": 0.01, "interval": [-1], "champion_samples": 3},
           {"p_value": True, "interval": "[-1, 0]", "champion_samples": None}]
    for record, fields in zip(records[2:], odd):
        record["details"].update(fields)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    write_session_file(root, recent=[{"n": 1, "status": "keep", "description": "idea 1"}],
                       champion={"commit": "abc", "value": 0.8, "samples": [], "number": 4})
    for args in (("results",), ("results", "--format", "markdown"), ("results", "--tag", "mar17"),
                 ("status",), ("dashboard", "--once")):
        result = cli(root, *args, env={"COLUMNS": "160"})
        assert result.code == 0 and "evidence" not in result.out and "Δ" not in result.out, result
    shown = cli(root, "results", "--json").json()["shown"]
    assert [e["p_value"] for e in shown] == [None, None, 0.01, None, None]
    assert [e["interval"] for e in shown] == [None, [-1.0, 0.5], None, None, None]
    assert [e["pairs"] for e in shown] == [None, 1, None, None, None]
    assert cli(root, "status", "--json").json()["recent"][0]["p_value"] is None
