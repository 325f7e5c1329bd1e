"""A tiny custom project for engine tests: exp.py prints `score: VALUE`, lower is better."""

from __future__ import annotations

from pathlib import Path

EXP = "# ok\nVALUE = {v}\nprint('score:', VALUE)\n"

CONFIG = """# Project notes

## autoresearch
- target_file: exp.py
- run_command: python3 exp.py
- metric_name: score
- metric_direction: lower_is_better
- time_budget: 30
{extra}
## Other section
- not_a_key: ignored
"""


def config_text(extra: str = "") -> str:
    """The CLAUDE.md text; a key given in ``extra`` replaces the default line of that key."""
    lines = CONFIG.format(extra=extra).splitlines(keepends=True)
    given = {line.split(":")[0] for line in extra.splitlines() if line.startswith("- ")}
    head = CONFIG.split("{extra}")[0].count("\n")
    kept = [line for i, line in enumerate(lines)
            if not (i < head and line.startswith("- ") and line.split(":")[0] in given)]
    return "".join(kept)


def project(extra: str = "", value: float = 5.0, files: dict | None = None) -> dict:
    out = {"exp.py": EXP.format(v=value), "CLAUDE.md": config_text(extra),
           "data.txt": "fixed data\n"}
    out.update(files or {})
    return out


def edit(repo: Path, value=None, text: str | None = None) -> None:
    (repo / "exp.py").write_text(text if text is not None else EXP.format(v=value))


def tsv_rows(repo: Path) -> list[list[str]]:
    lines = (repo / "results.tsv").read_text().splitlines()
    assert lines[0] == "commit\tmetric\tvalue\tstatus\tdescription"
    return [line.split("\t") for line in lines[1:]]


def jsonl(repo: Path) -> list[dict]:
    import json

    path = repo / ".claude" / "logs" / "autoresearch.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def done_events(repo: Path) -> list[dict]:
    return [r for r in jsonl(repo) if r["action"] == "experiment_done"]
