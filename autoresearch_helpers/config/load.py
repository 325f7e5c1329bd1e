"""The effective configuration: sources, precedence, validation.

Sources, lowest precedence first: the defaults of the detected project adapter ->
``[tool.autoresearch]`` in pyproject.toml -> the ``## autoresearch`` section of CLAUDE.md ->
``--set KEY=VALUE`` on the command line. Any bad input is one ConfigError (exit 2) that
names the file and line, the key, the value received and a valid example.

An empty value (``- metric_parse:`` or ``--set metric_parse=``) unsets a key: it falls back
to the built-in default, not to a lower source.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from autoresearch_helpers.adapters.base import Detection
from autoresearch_helpers.adapters.detection import LOOKED_FOR
from autoresearch_helpers.config import custom, size_metric
from autoresearch_helpers.config.claude_md import read_claude_md
from autoresearch_helpers.config.keys import KEYS, guess_direction, suggest
from autoresearch_helpers.config.lookalike import odd_characters, skeleton, visible
from autoresearch_helpers.config.repo_paths import INSTRUCTIONS, found_instructions, repo_path
from autoresearch_helpers.config.sources import (
    Entry, command_line_entries, example_line, read_pyproject)
from autoresearch_helpers.errors import SHOWN_CHARS, ConfigError, UsageError, shown
from autoresearch_helpers.vocab import PRINTED

DEFAULT = "default"
SCHEMA = 1


@dataclass
class Config:
    root: Path
    values: dict  # key -> typed value (None when unset); every key of KEYS
    sources: dict  # key -> where the value came from
    detection: object = None  # the Detection that gave the defaults, or None
    measure: str = PRINTED  # config/size_metric.py
    unit: str | None = None
    editable: list = field(default_factory=list)  # target_file + editable_files
    readonly: list = field(default_factory=list)
    hidden: list = field(default_factory=list)  # hidden_files: the agent may not read them

    def __getitem__(self, key: str):
        return self.values[key]

    @property
    def artifact(self) -> str | None:
        return self.values.get("artifact")

    @property
    def type(self) -> str:
        return self.detection.type if self.detection is not None else "custom"

    def to_dict(self) -> dict:
        """JSON-able (for session.json); :meth:`from_dict` rebuilds the same Config."""
        det = self.detection
        return {"schema": SCHEMA, "type": self.type, "values": dict(self.values),
                "sources": dict(self.sources), "measure": self.measure,
                "artifact": self.artifact, "unit": self.unit, "editable": list(self.editable),
                "readonly": list(self.readonly), "hidden": list(self.hidden),
                "detection": det.to_dict() if det is not None else None}

    @classmethod
    def from_dict(cls, root: Path, data: dict) -> "Config":
        det = data.get("detection")
        if isinstance(det, dict):
            known = {f.name for f in fields(Detection)}
            det = Detection(**{k: v for k, v in det.items() if k in known})
        values = {key: spec.default for key, spec in KEYS.items()}
        values.update(data.get("values") or {})
        values["artifact"] = values["artifact"] or data.get("artifact")  # before it was a key
        return cls(root=Path(root), values=values, sources=dict(data.get("sources") or {}),
                   detection=det, measure=data.get("measure") or PRINTED,
                   unit=data.get("unit"),
                   editable=list(data.get("editable") or []),
                   readonly=list(data.get("readonly") or []),
                   hidden=list(data.get("hidden") or []))


# --- the command line ---------------------------------------------------------------------

def add_override_arguments(parser) -> None:
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override one configuration key (repeatable), e.g. "
                             "--set time_budget=600")


def overrides_from_args(args) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in getattr(args, "overrides", None) or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set expects KEY=VALUE, got {item!r} "
                             "(example: --set time_budget=600)")
        key = key.strip()
        if key in out:
            raise UsageError(f"--set {key} is given twice ({out[key]!r} and {value!r}); keep one")
        out[key] = value
    return out


# --- loading ------------------------------------------------------------------------------

def load_config(root: Path, overrides: dict[str, str] | None = None) -> Config:
    """The effective configuration of the repository at ``root``; ConfigError when bad."""
    given_root = Path(root)
    root = given_root.resolve()
    layers = [read_pyproject(root), read_claude_md(root), command_line_entries(overrides)]
    for layer in layers:
        for entry in layer:
            _check_known(entry)
    detection, no_match = _detect(root)

    values = {key: spec.default for key, spec in KEYS.items()}
    sources = {key: DEFAULT for key in KEYS}
    winners: dict[str, Entry | None] = {key: None for key in KEYS}
    if detection is not None and detection.type != "custom":  # custom: the sources say it all
        where = f"adapter {detection.type} ({', '.join(detection.evidence)})"
        for key in ("target_file", "run_command", "metric_name", "metric_direction",
                    "time_budget", "editable_files", "verify_command", "artifact", "size"):
            value = getattr(detection, key, None)
            if value is not None:
                values[key], sources[key] = value, where
    for layer in layers:
        for entry in layer:
            values[entry.key] = _coerce(entry)
            sources[entry.key], winners[entry.key] = entry.where, entry

    found = None if values["instructions"] else found_instructions(root)
    if found:  # the default: program.md or .autoresearch/program.md
        values["instructions"], sources["instructions"] = found, f"found {found}"
    _guess_direction(values, sources, winners, detection)
    _require(values, sources, detection, no_match)
    _check_repeats(values, sources, winners)
    editable, readonly, hidden = _check_paths(root, given_root, values, sources, winners)
    measure, unit = size_metric.settle(values, sources, winners, detection)
    return Config(root=root, values=values, sources=sources, detection=detection,
                  measure=measure, unit=unit, editable=editable, readonly=readonly,
                  hidden=hidden)


def _detect(root: Path):
    """(winning Detection or None, a line saying why nothing matched or None)."""
    best = custom.resolve(root, required=False).best
    return best, (None if best else f"looked for {LOOKED_FOR}")


def _check_known(entry: Entry) -> None:
    if entry.key in KEYS:
        return
    raw = entry.raw_key or entry.key
    ascii_key = entry.key.isascii()
    guess = suggest(entry.key if ascii_key else skeleton(entry.key).lower())
    hint = f"did you mean {guess!r}?" if guess else "the keys are: " + ", ".join(KEYS)
    if not ascii_key:
        hint = f"it has non-ASCII characters: {odd_characters(raw)}; {hint}"
    name = guess or "time_budget"
    raise ConfigError(f"unknown key {shown(raw, ascii_only=True)} ({hint})",
                      source=entry.where, key=visible(raw)[:SHOWN_CHARS], value=entry.value,
                      example=entry.example(name, KEYS[name].example))


def _coerce(entry: Entry):
    spec = KEYS[entry.key]
    if entry.value is None or entry.value == "" or entry.value == []:
        return spec.default
    try:
        return spec.coerce(entry.value)
    except ValueError as exc:
        raise ConfigError(f"bad value for {entry.key}: {exc}", source=entry.where,
                          key=entry.key, value=entry.value,
                          example=entry.example(entry.key, spec.example)) from None


def _guess_direction(values, sources, winners, detection) -> None:
    """A metric renamed by the user, with no direction given, gets one from its name."""
    if winners["metric_direction"] is not None or values["metric_name"] is None:
        return
    if detection is not None and values["metric_name"] == detection.metric_name \
            and values["metric_direction"] is not None and detection.type != "custom":
        return
    values["metric_direction"] = guess_direction(values["metric_name"])
    sources["metric_direction"] = f"guessed from metric_name {shown(values['metric_name'])}"


def _require(values, sources, detection, no_match) -> None:
    missing = [k for k in ("target_file", "run_command", "metric_name") if values[k] is None]
    if not missing:
        return
    keys = ("target_file", "run_command", "metric_name", "metric_direction")
    section = "\n".join(f"    - {k}: {KEYS[k].example}" for k in keys)
    if detection is None:
        why = (no_match or "no project type was detected").splitlines()[0]
        raise ConfigError(
            f"no project type detected ({why}) and no {', '.join(missing)} configured; "
            f"add an autoresearch section to CLAUDE.md:\n\n    ## autoresearch\n{section}\n",
            source="CLAUDE.md", key=missing[0],
            example=f"--set {missing[0]}={KEYS[missing[0]].example} for one run")
    why = "".join(f"; {n}" for n in detection.notes if any(k in n for k in missing))
    if missing == ["target_file"]:
        tell = "; set it in the autoresearch section of CLAUDE.md"
    else:  # no experiment to run: what the adapter found, and what to fill in
        tell = ". Describe the experiment in the autoresearch section of CLAUDE.md:\n\n" \
               "    ## autoresearch\n" + "\n".join(
                   f"    - {k}: {f'<{KEYS[k].meaning}>' if values[k] is None else values[k]}"
                   for k in keys) + "\n"
    raise ConfigError(
        f"the {detection.type} adapter found no {' and no '.join(missing)}{why}{tell}",
        source="CLAUDE.md", key=missing[0],  # the section above is the example, if shown
        example=(example_line("claude_md", missing[0], KEYS[missing[0]].example)
                 if missing == ["target_file"] else None))


def _check_repeats(values, sources, winners) -> None:
    """repeats pairs come before the first test, so more than max_repeats could never
    keep anything; the example is a value that works."""
    repeats, most = values["repeats"], values["max_repeats"]
    if repeats <= most:
        return
    key = "max_repeats" if winners["max_repeats"] is not None else "repeats"
    entry = winners[key]
    fix = repeats if key == "max_repeats" else most
    raise ConfigError(
        f"repeats ({repeats}) is more than max_repeats ({most}): the first test would come "
        f"after the last pair, so nothing could ever be kept",
        source=entry.where if entry else sources[key], key=key,
        value=entry.value if entry else values[key],
        example=(entry.example(key, str(fix)) if entry
                 else example_line("claude_md", key, str(fix))))


def _check_paths(root, given_root, values, sources, winners) -> tuple[list, list, list]:
    def check(raw: str, key: str, must_be_file: bool) -> str:
        entry = winners[key]
        where = entry.where if entry else sources[key]
        example = (entry.example(key, KEYS[key].example) if entry
                   else example_line("claude_md", key, KEYS[key].example))
        try:
            return repo_path(root, given_root, raw, must_be_file,
                             INSTRUCTIONS if key == "instructions" else ())
        except ValueError as exc:
            raise ConfigError(f"{key}: {shown(raw)} {exc}", source=where, key=key,
                              value=entry.value if entry else raw, example=example) from None

    target = check(values["target_file"], "target_file", True)
    values["target_file"] = target
    for key in ("editable_files", "readonly_files", "hidden_files"):
        if values[key] is not None:
            values[key] = list(dict.fromkeys(check(p, key, False) for p in values[key]))
    if values["instructions"] is not None:
        values["instructions"] = check(values["instructions"], "instructions", True)
    editable = list(dict.fromkeys([target, *(values["editable_files"] or [])]))
    readonly, hidden = values["readonly_files"] or [], values["hidden_files"] or []
    for key, other, what in (("readonly_files", readonly, "read-only"),
                             ("hidden_files", hidden, "hidden")):
        clash = [p for p in editable if any(p == o or o.endswith("/") and p.startswith(o)
                                            for o in other)]
        if clash:
            entry = winners[key]
            raise ConfigError(f"{clash[0]} is both editable and {what}; remove it from one list",
                              source=entry.where if entry else sources[key], key=key,
                              value=entry.value if entry else other,
                              example=example_line("claude_md", key, KEYS[key].example))
    return editable, list(readonly), list(hidden)
