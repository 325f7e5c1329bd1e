"""The texts `autoresearch finalize` writes: commit messages and the pull-request summary.

Pure functions over plain data, so each is tested by a table:

    Kept(number, commit, description, value, delta)   one kept experiment (numbers may be None)
    headline(info) -> str                             "t1: score 5 -> 3 (-40.00%, lower is better)"
    squash_message(info, kept) -> str                 the one commit of the default mode
    experiment_message(original, kept, info) -> str   one commit of --per-experiment
    markdown(info, kept, result) -> str               the summary printed and saved

``info``: tag, branch (the session's), metric, direction, baseline, best, experiments,
discard, crash. ``result``: branch (the new one), base_commit, commits, mode, shortstat, files.

The summary and the squashed message are inert (vocab.inert): descriptions, names, file
names and commit subjects show their control characters as escapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from autoresearch_helpers.vocab import (
    change_pct, direction_words, fmt_count, fmt_delta, fmt_pct, fmt_value, inert)


@dataclass
class Kept:
    number: int | None
    commit: str
    description: str
    value: float | None = None
    delta: float | None = None


def num(value: float | None) -> str:
    return fmt_value(value, missing="—")


def headline(info: dict) -> str:
    words = direction_words(info["direction"])
    pct = fmt_pct(change_pct(info["baseline"], info["best"]))
    how = f"{pct}, {words}" if pct else words
    return (f"{info['tag']}: {info['metric']} {num(info['baseline'])} -> {num(info['best'])} "
            f"({how})")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def squash_message(info: dict, kept: list[Kept]) -> str:
    lines = [f"autoresearch {headline(info)}", "",
             f"{fmt_count(len(kept), 'kept experiment')} of {info['experiments']} run on "
             f"{info['branch']}:"]
    for k in kept:
        label = f"#{k.number} " if k.number is not None else ""
        value = f" ({info['metric']} {num(k.value)}, {fmt_delta(k.delta)})" if k.value is not None \
            and k.delta is not None else ""
        lines.append(f"- {label}{one_line(k.description)}{value}")
    return inert("\n".join(lines), lines=True) + "\n"


def experiment_message(original: str, kept: Kept | None, info: dict) -> str:
    """The original message, plus the measured result when the commit is a kept experiment."""
    text = original.rstrip("\n")
    if kept is None or kept.value is None:
        return text + "\n"
    where = f"experiment #{kept.number} of " if kept.number is not None else ""
    delta = f" ({fmt_delta(kept.delta)})" if kept.delta is not None else ""
    return (f"{text}\n\n{info['metric']}: {num(kept.value)}{delta}, "
            f"{where}autoresearch session {info['tag']}\n")


def cell(text: str) -> str:
    """Text safe inside a markdown table cell: one line, pipes and backticks escaped, inert."""
    text = one_line(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return inert(text) or " "


def markdown(info: dict, kept: list[Kept], result: dict) -> str:
    metric = cell(info["metric"])
    base = result["base_commit"][:7]
    count = len(result["commits"])
    how = ("one commit" if result["mode"] == "squash"
           else f"{fmt_count(count, 'commit')}, one per kept experiment")
    lines = [
        f"## autoresearch {cell(headline(info))}",
        "",
        f"Branch `{result['branch']}` starts at `{base}` (the session's base) and holds the kept "
        f"changes of `{info['branch']}` as {how}.",
        f"{len(kept)} of {fmt_count(info['experiments'], 'experiment')} kept "
        f"({info['discard']} discarded, {info['crash']} crashed).",
        "",
        f"| # | change | {metric} | delta |",
        "|--:|---|--:|--:|",
        f"| 0 | baseline | {num(info['baseline'])} | |",
    ]
    for k in kept:
        label = "" if k.number is None else str(k.number)
        lines.append(f"| {label} | {cell(k.description)} | {num(k.value)} | {fmt_delta(k.delta)} |")
    lines.append("")
    if result.get("files"):
        shown = ", ".join(f"`{cell(f)}`" for f in result["files"][:20])
        more = f" and {len(result['files']) - 20} more" if len(result["files"]) > 20 else ""
        lines.append(f"Files: {shown}{more} ({result.get('shortstat', '').strip()})")
        lines.append("")
    lines.append(f"Review: `git diff {base} {result['branch']}`")
    return inert("\n".join(lines), lines=True) + "\n"
