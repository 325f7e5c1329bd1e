"""`autoresearch loop --agent CMD` end to end: a real session in a temporary repository,
agents that are small Python scripts (outside the repository), real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CLI, git
from engine_project import EXP, done_events, project, tsv_rows
from held_run import wait_until

# the agents: each reads the prompt (stdin, or argv[1]) and edits exp.py (VALUE = v)
HEAD = ("import os, re, sys, time\nprompt = sys.argv[1] if len(sys.argv) > 1 else "
        "sys.stdin.read()\nopen(os.environ['SEEN'], 'a').write(prompt + '\\n=====\\n')\n"
        "src = open('exp.py').read()\nv = float(re.search(r'VALUE = (\\S+)', src).group(1))\n")
SET = "open('exp.py', 'w').write(src.replace(f'VALUE = {v}', f'VALUE = {v - 1}'))\n"
IMPROVE = HEAD + SET + "print('thinking...')\nprint('DESCRIPTION: lower the value by one')\n"
SILENT = HEAD + SET  # no DESCRIPTION line
BREAK = HEAD + "open('exp.py', 'w').write('raise SystemExit(3)\\n')\nprint('DESCRIPTION: break')\n"
OUT_OF_SCOPE = HEAD + "open('data.txt', 'a').write('more\\n')\nprint('DESCRIPTION: data')\n"
NOTHING = HEAD + "print('DESCRIPTION: nothing comes to mind')\n"
FAIL = HEAD + SET + "print('no credit left', file=sys.stderr)\nsys.exit(3)\n"
HANG = HEAD + SET + ("import subprocess\nchild = subprocess.Popen(['sleep', '300'])\n"
                     "open(os.environ['PIDS'], 'w').write(f'{os.getpid()} {child.pid}')\n"
                     "time.sleep(300)\n")
STOP = HEAD + SET + ("subprocess = __import__('subprocess')\n"
                     "subprocess.run([*os.environ['CLI'].split('\\0'), 'stop'], check=True)\n"
                     "print('DESCRIPTION: then stop')\n")
WAIT = HEAD + SET + ("import subprocess\nchild = subprocess.Popen(['sleep', '300'])\n"
                     "open(os.environ['PIDS'], 'w').write(f'{os.getpid()} {child.pid}')\n"
                     "open(os.environ['READY'], 'w').write('x')\ntime.sleep(300)\n")
SLOW_RUN = HEAD + ("open('exp.py', 'w').write('import os, time\\nopen(os.environ[\"READY\"], \"w\")"
                   ".write(\"x\")\\ntime.sleep(300)\\nprint(\"score: 1\")\\n')\n"
                   "print('DESCRIPTION: a slow one')\n")


def agent(tmp_path: Path, code: str, name: str = "agent.py") -> str:
    path = tmp_path / name
    path.write_text(code)
    return f"{sys.executable} {path}"


def env(tmp_path: Path, **more) -> dict:
    return {**os.environ, "SEEN": str(tmp_path / "seen.txt"), "PIDS": str(tmp_path / "pids"),
            "READY": str(tmp_path / "ready"), "CLI": "\0".join(CLI), **more}


def loop(repo: Path, tmp_path: Path, *args: str, extra_env: dict | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "loop", *args], cwd=repo, capture_output=True, text=True,
                          timeout=timeout, env={**env(tmp_path), **(extra_env or {})})


def branch_log(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s", "autoresearch/t1").splitlines()


def test_an_improving_agent_is_kept_and_the_same_command_resumes(make_repo, tmp_path):
    repo = make_repo(project())
    cmd = agent(tmp_path, IMPROVE)
    r = loop(repo, tmp_path, "--agent", cmd, "--tag", "t1", "--max-experiments", "2")
    assert r.returncode == 0, r
    assert "#1 keep" in r.stdout and "#2 keep" in r.stdout and "best 3" in r.stdout, r.stdout
    assert "loop stopped: --max-experiments 2 reached" in r.stdout
    rows = tsv_rows(repo)
    assert [(row[2], row[3], row[4]) for row in rows] == [
        ("5.000000", "keep", "baseline"), ("4.000000", "keep", "lower the value by one"),
        ("3.000000", "keep", "lower the value by one")]
    assert branch_log(repo)[:2] == ["experiment: lower the value by one"] * 2
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""
    prompt = (tmp_path / "seen.txt").read_text().split("=====")[0]  # on stdin
    assert "exp.py" in prompt and "DESCRIPTION:" in prompt and "score" in prompt
    second = (tmp_path / "seen.txt").read_text().split("=====")[1]
    assert "experiment 1: KEEP" in second  # the last result is in the next prompt

    again = loop(repo, tmp_path, "--agent", cmd, "--max-experiments", "1")
    assert again.returncode == 0, again
    assert "resuming session t1" in again.stdout and "#3 keep" in again.stdout
    assert [e["details"]["experiment"] for e in done_events(repo)] == [0, 1, 2, 3]


def test_prompt_in_place_of_the_placeholder_and_a_diff_summary(make_repo, tmp_path):
    repo = make_repo(project())
    cmd = agent(tmp_path, SILENT) + " {prompt}"
    r = loop(repo, tmp_path, "--agent", cmd, "--tag", "t1", "--max-experiments", "1")
    assert r.returncode == 0, r
    assert tsv_rows(repo)[1][3:] == ["keep", "edit exp.py (+1 -1)"]
    prompt = (tmp_path / "seen.txt").read_text()
    assert "Edit only these files: exp.py" in prompt


def test_crashes_in_a_row_stop_the_loop_naming_them(make_repo, tmp_path):
    repo = make_repo(project())
    r = loop(repo, tmp_path, "--agent", agent(tmp_path, BREAK), "--tag", "t1")
    assert r.returncode == 1, r
    assert "5 crashes in a row" in r.stderr and "#5 exit_3" in r.stderr, r.stderr
    rows = tsv_rows(repo)
    assert [row[3] for row in rows] == ["keep"] + ["crash"] * 5
    assert branch_log(repo) == ["initial"]  # only what was kept
    assert "VALUE = 5.0" in (repo / "exp.py").read_text()
    # the crashes in a row are this loop's: once the cause is fixed, the loop goes on
    r = loop(repo, tmp_path, "--agent", agent(tmp_path, IMPROVE, "b.py"), "--max-experiments", "1")
    assert r.returncode == 0 and "#6 keep" in r.stdout, r


def test_turns_that_come_to_no_experiment_are_logged_crashes(make_repo, tmp_path):
    repo = make_repo(project())
    for n, (code, error) in enumerate([(OUT_OF_SCOPE, "scope_violation"),
                                       (NOTHING, "agent_no_change"), (FAIL, "agent_failed")]):
        r = loop(repo, tmp_path, "--agent", agent(tmp_path, code, f"a{n}.py"), "--tag", "t1",
                 "--max-experiments", "1")
        assert r.returncode == 0, r
        last = done_events(repo)[-1]["details"]
        assert (last["experiment"], last["status"], last["error"]) == (n + 1, "crash", error)
        assert f"#{n + 1} crash   {error}" in r.stdout, r.stdout
    assert "no credit left" in last["error_detail"]
    assert (repo / "data.txt").read_text() == "fixed data\n"
    assert "VALUE = 5.0" in (repo / "exp.py").read_text()
    saved = repo / ".autoresearch" / "rejected" / "3" / "change.patch"  # the failed edit
    assert "VALUE = 4.0" in saved.read_text()
    assert branch_log(repo) == ["initial"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[-1].split()[0] != "Z"


def test_a_hanging_agent_times_out_and_its_tree_is_killed(make_repo, tmp_path):
    repo = make_repo(project())
    r = loop(repo, tmp_path, "--agent", agent(tmp_path, HANG), "--tag", "t1",
             "--max-experiments", "1", "--agent-timeout", "1")
    assert r.returncode == 0, r
    last = done_events(repo)[-1]["details"]
    assert (last["status"], last["error"]) == ("crash", "agent_timeout")
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert not any(_alive(pid) for pid in pids)
    assert "VALUE = 5.0" in (repo / "exp.py").read_text()


def test_max_hours_and_a_stop_request(make_repo, tmp_path):
    repo = make_repo(project())
    r = loop(repo, tmp_path, "--agent", agent(tmp_path, IMPROVE), "--tag", "t1",
             "--max-hours", "0.00001")
    assert r.returncode == 0 and "--max-hours 1e-05 reached" in r.stdout, r
    assert len(tsv_rows(repo)) == 2  # one experiment: the limit is looked at before a turn
    r = loop(repo, tmp_path, "--agent", agent(tmp_path, STOP, "stop.py"), "--max-experiments", "5")
    assert r.returncode == 0 and "a stop was requested" in r.stdout, r
    assert [row[3] for row in tsv_rows(repo)] == ["keep", "keep", "keep"]


def _interrupt(repo: Path, tmp_path: Path, code: str) -> subprocess.Popen:
    proc = subprocess.Popen([*CLI, "loop", "--agent", agent(tmp_path, code), "--tag", "t1"],
                            cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env(tmp_path))
    wait_until(lambda: (tmp_path / "ready").exists() or proc.poll() is not None, "ready")
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    proc.out = proc.communicate(timeout=60)[0]
    return proc


def test_ctrl_c_during_the_agent_resets_its_edit_and_exits_130(make_repo, tmp_path):
    repo = make_repo(project())
    proc = _interrupt(repo, tmp_path, WAIT)
    assert proc.returncode == 130
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert not any(_alive(pid) for pid in pids)  # the agent's whole tree
    assert "VALUE = 5.0" in (repo / "exp.py").read_text()  # the tree is at the champion
    last = done_events(repo)[-1]["details"]
    assert (last["experiment"], last["error"]) == (1, "agent_interrupted")
    assert branch_log(repo) == ["initial"]
    r = loop(repo, tmp_path, "--agent", agent(tmp_path, IMPROVE, "b.py"), "--max-experiments", "1")
    assert r.returncode == 0 and "#2 keep" in r.stdout, r


def test_ctrl_c_during_the_experiment_logs_it_once_and_exits_130(make_repo, tmp_path):
    repo = make_repo(project())
    proc = _interrupt(repo, tmp_path, SLOW_RUN)
    assert proc.returncode == 130
    events = done_events(repo)
    assert [(e["details"]["experiment"], e["details"]["status"]) for e in events] == [
        (0, "keep"), (1, "crash")]
    assert events[-1]["details"]["error"] == "interrupted"
    shown = [line for line in proc.out.splitlines() if line.startswith("#1 ")]
    assert len(shown) == 1 and shown[0].startswith("#1 crash   interrupted"), proc.out
    assert branch_log(repo) == ["initial"]
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""


FAKE = """#!{python}
import json, os, re, sys
prompt = sys.stdin.read() if sys.argv[1:2] != ['exec'] else sys.argv[-1]
with open(os.environ['ARGV'], 'a') as fh:
    fh.write(json.dumps(sys.argv[1:]) + '\\n')
src = open('exp.py').read()
v = float(re.search(r'VALUE = (\\S+)', src).group(1))
open('exp.py', 'w').write(src.replace(f'VALUE = {{v}}', f'VALUE = {{v - 1}}'))
text = "done.\\nDESCRIPTION: from the fake " + os.path.basename(sys.argv[0])
if sys.argv[1:2] == ['exec']:  # codex prints text
    print(text)
else:  # claude -p --output-format json
    print(json.dumps({{"type": "result", "is_error": False, "total_cost_usd": 0.6,
                      "result": text}}))
"""


def test_the_claude_and_codex_presets_run_their_command_lines(make_repo, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("claude", "codex"):
        (bin_dir / name).write_text(FAKE.format(python=sys.executable))
        (bin_dir / name).chmod(0o755)
    extra = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "ARGV": str(tmp_path / "argv")}
    repo = make_repo(project())
    r = loop(repo, tmp_path, "--agent", "claude", "--tag", "t1", "--budget-usd", "1",
             "--max-experiments", "5", extra_env=extra)
    assert r.returncode == 0 and "the budget is spent" in r.stdout, r
    calls = [json.loads(line) for line in (tmp_path / "argv").read_text().splitlines()]
    assert len(calls) == 2
    first = calls[0]
    assert first[:1] == ["-p"]
    assert first[first.index("--permission-mode") + 1] == "acceptEdits"
    assert first[first.index("--allowedTools") + 1] == "Read,Edit,Write,Glob,Grep"
    assert first[first.index("--output-format") + 1] == "json"
    plugin = Path(first[first.index("--plugin-dir") + 1])
    assert (plugin / ".claude-plugin" / "plugin.json").is_file()
    assert [float(c[c.index("--max-budget-usd") + 1]) for c in calls] == [1.0, 0.4]
    assert tsv_rows(repo)[1][4] == "from the fake claude"

    (tmp_path / "argv").unlink()
    r = loop(repo, tmp_path, "--agent", "codex", "--max-experiments", "1", extra_env=extra)
    assert r.returncode == 0, r
    call = json.loads((tmp_path / "argv").read_text())
    assert call[:2] == ["exec", "--full-auto"] and "Edit only these files: exp.py" in call[2]
    assert tsv_rows(repo)[-1][3:] == ["keep", "from the fake codex"]


def test_bad_options_are_refused_before_anything_is_done(make_repo, tmp_path):
    repo = make_repo(project())
    for args in (["--max-experiments", "0"], ["--agent-timeout", "x"], ["--agent", " "],
                 ["--budget-usd", "2"]):
        full = args if "--agent" in args else ["--agent", "true", *args]
        r = loop(repo, tmp_path, *full)
        assert r.returncode == 2 and "error" in r.stderr, r
        assert not (repo / ".autoresearch").exists()


def test_on_a_terminal_a_live_line_shows_the_progress(make_repo, tmp_path):
    import pty

    repo = make_repo(project())
    main, other = pty.openpty()
    proc = subprocess.Popen([*CLI, "loop", "--agent", agent(tmp_path, IMPROVE), "--tag", "t1",
                             "--max-experiments", "2"], cwd=repo, stdin=other, stdout=other,
                            stderr=other, env=env(tmp_path, COLUMNS="120"))
    os.close(other)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal's other end is closed: the loop is over
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert proc.wait(timeout=60) == 0
    text = seen.decode("utf-8", "replace")
    assert "experiment 1 of 2" in text and "elapsed" in text, text
    assert "#2 keep" in text and "best 3" in text


def test_optuna_refuses_a_target_with_nothing_to_tune_before_setup(make_repo, cli):
    repo = make_repo({"target.py": "print('score:', 5)\n", "CLAUDE.md":
                      "## autoresearch\n- target_file: target.py\n"
                      "- run_command: python3 target.py\n- metric_name: score\n"})
    before = git(repo, "branch", "--list")
    result = cli(repo, "loop", "--agent", "optuna", "--max-experiments", "2")
    assert result.code == 1, result
    assert result.err.startswith("autoresearch loop: error: target.py: no numeric constant")
    assert git(repo, "branch", "--list") == before  # no session branch was made
    assert not (repo / ".autoresearch").exists() and not (repo / "results.tsv").exists()


def test_the_prompt_names_the_hidden_files_and_the_rules(make_repo, tmp_path):
    repo = make_repo(project("- hidden_files: data.txt\n"))
    seen = tmp_path / "prompt.txt"
    cmd = agent(tmp_path, f"import sys\nopen({str(seen)!r}, 'w').write(sys.stdin.read())\n")
    r = loop(repo, tmp_path, "--agent", cmd, "--max-experiments", "1")
    assert r.returncode == 0, r
    text = seen.read_text()
    assert "data.txt" in text and "never read those" in text
    assert "results.tsv" in text and "Never special-case the benchmark" in text
