"""One best: every view names the session's champion, the last kept experiment.

After a keep of an equal value with fewer lines ("simpler") the new commit is the branch
head and session.json's champion; results, the dashboard, the report, compare and
finalize must name it too, not the older commit with the same number. On a noisy metric a
keep's logged value (the mean of its runs) need not be the extreme of the log: the last
keep is still the best.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import git
from engine_project import EXP, done_events, edit
from logdata import commit_of, write_session

SIMPLER = "VALUE = 3.0\nprint('score:', VALUE)\n"  # the same 3.0 as EXP, one line fewer


@pytest.fixture
def simpler_repo(session_repo, cli):
    """Session t1: baseline 5, a keep of 3, then a keep of 3 that removes a line."""
    repo = session_repo()
    edit(repo, 3.0)
    assert cli(repo, "run", "-d", "better").code == 0
    assert EXP.format(v=3.0).count("\n") > SIMPLER.count("\n")
    edit(repo, text=SIMPLER)
    result = cli(repo, "run", "-d", "simpler")
    assert result.code == 0, result
    assert [e["details"]["reason"] for e in done_events(repo)][-2:] == ["improved", "simpler"]
    return repo, result.out


def report_data(cli, repo, *args) -> dict:
    path = repo / "report.html"
    result = cli(repo, "report", "--html", str(path), *args)
    assert result.code == 0, result
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>',
                      path.read_text(encoding="utf-8"), re.S)
    return json.loads(found.group(1))


def dashboard_best(cli, repo) -> str:
    """The text of the dashboard's best card (a frame 120 columns wide)."""
    frame = cli(repo, "dashboard", env={"COLUMNS": "120", "LINES": "40"})
    assert frame.code == 0, frame
    titles, values = frame.out.splitlines()[1:3]
    column = titles.index("─ best ")
    return values[column:].split("│")[0].strip()


def test_after_a_simpler_keep_every_view_names_the_branch_head(simpler_repo, cli):
    repo, ran = simpler_repo
    head = git(repo, "rev-parse", "HEAD")
    short = head[:7]
    status = cli(repo, "status", "--json").json()
    status_text = cli(repo, "status").out
    results = cli(repo, "results", "--json").json()
    results_text = cli(repo, "results").out
    info = report_data(cli, repo)["info"]
    finalize = cli(repo, "finalize", "--json")
    assert finalize.code == 0, finalize
    final = finalize.json()
    card = re.fullmatch(r"(\S+) (#\d+) ?(\w*)", dashboard_best(cli, repo)).groups()
    named = {
        "run": re.search(r"best: score (\S+) at (\w+)", ran).group(2, 1),
        "status --json": (status["best_commit"][:7], status["best"]),
        "status": re.search(r"best: (\S+) at (\w+)", status_text).group(2, 1),
        "results --json": (results["best"]["commit"], results["best"]["value"]),
        "results": re.search(r"-> best (\S+) \(.*\) at (\w+)", results_text).group(2, 1),
        "dashboard": (card[2], card[0]),
        "report": (info["best_commit"], info["best"]),
        "finalize": (final["champion"][:7], final["best"]),
    }
    assert {view: (commit, float(value)) for view, (commit, value) in named.items()} == {
        view: (short, 3.0) for view in named}
    assert card[1] == "#2" and f"at {short} #2 simpler" in results_text
    assert results["best"]["experiment"] == 2
    assert final["champion"] == head == status["best_commit"]
    assert not finalize.err


def test_compare_names_the_champion_of_each_session(simpler_repo, cli):
    repo, _ = simpler_repo
    write_session(repo, [5.0, 4.0, 4.0], statuses=["keep", "keep", "keep"], tag="t2",
                  metric="score", tsv=False)
    result = cli(repo, "compare", "t1", "t2", "--json")
    assert result.code == 0, result
    data = result.json()
    assert (data["a"]["best_commit"], data["a"]["best"]) == (git(repo, "rev-parse", "HEAD")[:7],
                                                             3.0)
    assert (data["b"]["best_commit"], data["b"]["best"]) == (commit_of("t2", 2), 4.0)
    assert data["a"]["best_description"] == "simpler"
    assert data["better"] == "t1"
    assert cli(repo, "compare", "t1", "t2").out.splitlines()[-1] == (
        "t1 did better: best score 3 vs 4 (lower is better)")


@pytest.fixture
def noisy_logs(tmp_path):
    """Logs alone (no session.json): experiment 3 was kept with a mean of 0.96 after the
    champion 0.95 of experiment 1, as a noisy metric's paired test may keep it."""
    write_session(tmp_path, [1.0, 0.95, 0.97, 0.96, 0.99],
                  statuses=["keep", "keep", "discard", "keep", "discard"])
    return tmp_path


@pytest.mark.parametrize("tag", [[], ["--tag", "mar17"]], ids=["results.tsv", "jsonl"])
def test_the_last_keep_is_the_best_whatever_its_value(noisy_logs, cli, tag):
    results = cli(noisy_logs, "results", "--json", *tag).json()
    assert results["best"] == {"value": 0.96, "commit": commit_of("mar17", 3),
                               "description": "idea 3", "experiment": 3}
    assert [e["delta"] for e in results["shown"]] == [None, -0.05, 0.02, 0.01, 0.03]
    data = report_data(cli, noisy_logs, *tag)
    assert (data["info"]["best"], data["info"]["best_commit"]) == (0.96,
                                                                   commit_of("mar17", 3))
    # the trend of the best follows the champion, not the lowest value seen
    assert [e["best"] for e in data["experiments"]] == [1.0, 0.95, 0.95, 0.96, 0.96]


def test_the_views_of_the_logs_alone_agree(noisy_logs, cli):
    text = cli(noisy_logs, "results").out
    assert f"-> best 0.96 (-4.00%) at {commit_of('mar17', 3)} #3 idea 3" in text
    assert "(1 -> 0.96, 5 runs)" in text
    assert dashboard_best(cli, noisy_logs) == f"0.96 #3 {commit_of('mar17', 3)}"
    write_session(noisy_logs, [1.0, 0.955], tag="mar18", tsv=False)
    verdict = cli(noisy_logs, "compare", "mar17", "mar18").out.splitlines()[-1]
    assert verdict == "mar18 did better: best val_bpb 0.955 vs 0.96 (lower is better)"


def test_finalize_says_when_the_logs_name_another_best(simpler_repo, cli):
    repo, _ = simpler_repo
    head = git(repo, "rev-parse", "HEAD")
    path = repo / ".claude" / "logs" / "autoresearch.jsonl"
    last = json.loads(path.read_text().splitlines()[-1])
    last["details"].update(commit="0000000", experiment=3, value=2.5)
    with path.open("a") as fh:
        fh.write(json.dumps(last) + "\n")
    result = cli(repo, "finalize", "--json")
    assert result.code == 0, result
    assert (result.json()["champion"], result.json()["best"]) == (head, 3.0)
    assert result.err == (f"autoresearch finalize: warning: the logs name 0000000 (2.5) as the "
                          f"session's best, session.json names {head[:7]} (3): finalize "
                          "collects the latter, which the branch holds\n")
