"""Installed dependencies (node_modules, a virtualenv's site-packages, untracked lockfiles)
are not the agent's edit: git ignores them, the fingerprint does not (engine/deps.py)."""

from __future__ import annotations

import os
import sys

import pytest

from engine_project import done_events, edit, project, tsv_rows

LODASH = "module.exports = 1\n"
# exp.py's score depends on an installed package, as a real build or benchmark does
EXP = ("VALUE = {v}\nBONUS = float(open('node_modules/lodash/lodash.js').read().split('=')[1])\n"
       "print('score:', VALUE + BONUS)\n")


def exp(value) -> str:
    return EXP.format(v=value)


@pytest.fixture
def repo(make_repo, cli):
    repo = make_repo(project(files={".gitignore": "node_modules/\n", "exp.py": exp(5)}))
    lodash = repo / "node_modules" / "lodash"
    lodash.mkdir(parents=True)
    (lodash / "lodash.js").write_text(LODASH)
    (lodash / "package.json").write_text('{"name": "lodash"}\n')
    (repo / "node_modules" / "@babel" / "core").mkdir(parents=True)
    (repo / "node_modules" / "@babel" / "core" / "index.js").write_text("x\n")
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    return repo


def test_an_edit_of_an_installed_package_is_a_violation_and_never_kept(repo, cli):
    (repo / "node_modules" / "lodash" / "lodash.js").write_text("module.exports = -100\n")
    edit(repo, text=exp(4))
    result = cli(repo, "run", "-d", "poison lodash")
    assert result.code == 0, result
    assert "CRASH (scope_violation)" in result.out
    details = done_events(repo)[-1]["details"]
    assert (details["status"], details["error"]) == ("crash", "scope_violation")
    assert ("node_modules/lodash: installed dependency changed (lodash.js), not by a run; "
            "reinstall it: npm ci") in details["error_detail"]
    assert [row[3] for row in tsv_rows(repo)] == ["keep", "crash"]
    assert (repo / "exp.py").read_text() == exp(5)  # the editable change was set aside


def test_while_the_change_stays_run_refuses_then_goes_on_once_reinstalled(repo, cli):
    lodash = repo / "node_modules" / "lodash" / "lodash.js"
    lodash.write_text("module.exports = -100\n")
    edit(repo, text=exp(4))
    assert cli(repo, "run", "-d", "poison lodash").code == 0
    edit(repo, text=exp(4))
    refused = cli(repo, "run", "-d", "lower")
    assert refused.code == 1, refused
    assert "installed dependencies were changed outside an experiment and are still changed" \
        in refused.err
    assert "node_modules/lodash: installed dependency changed" in refused.err
    assert len(done_events(repo)) == 2  # baseline and the violation: the refusal logs nothing
    lodash.write_text(LODASH)  # reinstalled: the same contents (a new mtime)
    result = cli(repo, "run", "-d", "lower")
    assert result.code == 0, result
    details = done_events(repo)[-1]["details"]
    assert (details["status"], details["value"]) == ("keep", 5.0)


def test_a_run_that_rewrites_node_modules_itself_is_not_a_violation(make_repo, cli):
    install = ("import os, time\nos.makedirs('node_modules/lodash', exist_ok=True)\n"
               "open('node_modules/lodash/lodash.js', 'w').write('module.exports = 1\\n')\n"
               "os.makedirs('node_modules/left-pad', exist_ok=True)\n"
               "open('node_modules/left-pad/index.js', 'w').write(str(time.time()))\n")
    repo = make_repo(project("- run_command: python3 install.py && python3 exp.py\n", files={
        ".gitignore": "node_modules/\n", "exp.py": exp(5), "install.py": install}))
    os.makedirs(repo / "node_modules" / "lodash")
    (repo / "node_modules" / "lodash" / "lodash.js").write_text(LODASH)
    assert cli(repo, "setup", "--tag", "t1").code == 0
    for value in (4, 3):
        edit(repo, text=exp(value))
        result = cli(repo, "run", "-d", f"value {value}")
        assert result.code == 0, result
        assert done_events(repo)[-1]["details"]["status"] == "keep", result


def test_a_touch_without_a_change_is_not_a_violation(repo, cli):
    lodash = repo / "node_modules" / "lodash" / "lodash.js"
    os.utime(lodash, ns=(1, 1))
    edit(repo, text=exp(4))
    result = cli(repo, "run", "-d", "lower")
    assert done_events(repo)[-1]["details"]["status"] == "keep", result


def test_a_change_that_keeps_size_and_mtime_is_still_seen(repo, cli):
    """ctime cannot be set back: an edit that restores size and mtime still shows."""
    lodash = repo / "node_modules" / "lodash" / "lodash.js"
    before = lodash.stat()
    lodash.write_text(LODASH.replace("1", "0"))
    os.utime(lodash, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit(repo, text=exp(4))
    assert cli(repo, "run", "-d", "sneaky").code == 0
    assert done_events(repo)[-1]["details"]["error"] == "scope_violation"


def test_scoped_packages_removed_and_added_are_named(repo, cli):
    import shutil

    shutil.rmtree(repo / "node_modules" / "@babel" / "core")
    (repo / "node_modules" / "evil").mkdir()
    (repo / "node_modules" / "evil" / "index.js").write_text("x\n")
    edit(repo, text=exp(4))
    assert cli(repo, "run", "-d", "x").code == 0
    detail = done_events(repo)[-1]["details"]["error_detail"]
    assert "node_modules/@babel/core: installed dependency removed" in detail
    assert "node_modules/evil: installed dependency added" in detail


def test_a_virtualenvs_site_packages_and_an_ignored_lockfile(make_repo, cli):
    venv = f".venv/lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"
    repo = make_repo(project(files={".gitignore": ".venv/\nuv.lock\n", ".venv/pyvenv.cfg": "x\n",
                                    f"{venv}/fastmath/__init__.py": "SPEED = 1\n",
                                    "uv.lock": "version = 1\n"}))
    (repo / venv / "fastmath" / "__pycache__").mkdir()
    assert cli(repo, "setup", "--tag", "t1").code == 0
    (repo / venv / "fastmath" / "__pycache__" / "x.pyc").write_bytes(b"python writes these")
    edit(repo, text="VALUE = 4\nprint('score:', VALUE)\n")
    assert cli(repo, "run", "-d", "pyc only").code == 0
    assert done_events(repo)[-1]["details"]["status"] == "keep"
    (repo / venv / "fastmath" / "__init__.py").write_text("SPEED = 100\n")
    (repo / "uv.lock").write_text("version = 2\n")
    edit(repo, text="VALUE = 3\nprint('score:', VALUE)\n")
    assert cli(repo, "run", "-d", "faster").code == 0
    detail = done_events(repo)[-1]["details"]["error_detail"]
    assert f"{venv}/fastmath: installed dependency changed (__init__.py), not by a run; " \
           "reinstall it: uv sync --reinstall" in detail
    assert "uv.lock: installed dependency changed" in detail


def test_a_tracked_lockfile_is_left_to_git(make_repo, cli):
    repo = make_repo(project(files={"package-lock.json": "{}\n"}))
    assert cli(repo, "setup", "--tag", "t1").code == 0
    (repo / "package-lock.json").write_text('{"a": 1}\n')
    edit(repo, value=4)
    assert cli(repo, "run", "-d", "x").code == 0
    detail = done_events(repo)[-1]["details"]["error_detail"]
    assert detail == "package-lock.json: outside the editable set (modified)"


def test_a_change_made_while_the_session_was_stopped_is_the_users(repo, cli):
    assert cli(repo, "stop").code == 0
    (repo / "node_modules" / "lodash" / "lodash.js").write_text("module.exports = 2\n")
    assert cli(repo, "setup").code == 0  # resume
    edit(repo, text=exp(2))
    result = cli(repo, "run", "-d", "lower")
    assert done_events(repo)[-1]["details"]["status"] == "keep", result


def test_an_untracked_lockfile_git_sees_is_reported_once(make_repo, cli):
    repo = make_repo(project())
    (repo / "requirements.txt").write_text("numpy\n")  # untracked, not ignored: git sees it
    assert cli(repo, "setup", "--tag", "t1").code == 0
    (repo / "requirements.txt").write_text("numpy==2\n")
    edit(repo, value=4)
    assert cli(repo, "run", "-d", "x").code == 0
    detail = done_events(repo)[-1]["details"]["error_detail"]
    assert detail == "requirements.txt: outside the editable set (new file)"
