"""Counts read as English: one experiment, two experiments, in every verb that prints one."""

from __future__ import annotations

from engine_project import edit


def test_one_experiment_is_singular_everywhere(session_repo, cli, tmp_path):
    repo = session_repo()
    edit(repo, 4.0)
    run = cli(repo, "run", "-d", "lower the value")
    assert run.code == 0, run
    assert run.out.splitlines()[1].endswith("· 1 experiment: 1 keep, 0 discard, 0 crash")
    status = cli(repo, "status")
    assert "· 1 experiment: 1 keep, 0 discard, 0 crash · crash streak 0" in status.out
    results = cli(repo, "results")
    assert "1 experiment: 1 keep, 0 discard, 0 crash (keep rate 100%)" in results.out.splitlines()
    report = cli(repo, "report", "--html", str(tmp_path / "r.html"))
    assert report.out == f"wrote {tmp_path / 'r.html'} (1 experiment)\n"
    assert "Autoresearch progress: 1 experiment, 1 kept improvement" in \
        (tmp_path / "r.html").read_text()
    final = cli(repo, "finalize", "--per-experiment")
    assert final.code == 0, final
    assert "(1 commit on " in final.out and "as 1 commit, one per kept experiment" in final.out
    assert "1 of 1 experiment kept" in final.out
    edit(repo, 6.0)
    cli(repo, "run", "-d", "raise it")
    assert "· 2 experiments: 1 keep, 1 discard, 0 crash" in cli(repo, "status").out
