"""`autoresearch config`: every key, its effective value and where it came from."""

from __future__ import annotations

import json
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.config.load import add_override_arguments, load_config, overrides_from_args
from autoresearch_helpers.reports.briefing import metric_source
from autoresearch_helpers.vocab import inert


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print the configuration as JSON")
    add_override_arguments(parser)
    parser.epilog = ("Sources, lowest precedence first: the detected project type, "
                     "[tool.autoresearch] in pyproject.toml, the '## autoresearch' section of "
                     "CLAUDE.md, --set. time_budget takes seconds or a duration (600, 10m, 1.5h).")


def show(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(value) if value else "-"
    return str(value)


def to_json(cfg) -> dict:
    return {"type": cfg.type, "root": str(cfg.root),
            "keys": {k: {"value": v, "source": cfg.sources[k]} for k, v in cfg.values.items()},
            "measure": cfg.measure, "artifact": cfg.artifact, "size": cfg.values["size"],
            "unit": cfg.unit,
            "editable": cfg.editable, "readonly": cfg.readonly, "hidden": cfg.hidden}


def table(cfg) -> list[str]:
    det = cfg.detection
    evidence = f" ({', '.join(det.evidence)})" if det is not None and det.evidence else ""
    rows = [(k, inert(show(v)), inert(cfg.sources[k])) for k, v in cfg.values.items()]
    width_key = max(len(r[0]) for r in rows)
    width_value = min(max(len(r[1]) for r in rows), 60)
    lines = [inert(f"type: {cfg.type}{evidence}"), ""]
    lines.append(f"{'key':<{width_key}}  {'value':<{width_value}}  source")
    for key, value, source in rows:
        lines.append(f"{key:<{width_key}}  {value:<{width_value}}  {source}".rstrip())
    lines += ["", inert(f"measure: {metric_source(cfg.to_dict())}")]
    return lines


def run(args) -> int:
    cfg = load_config(Path(paths.find_root()), overrides_from_args(args))
    if args.json:
        print(json.dumps(to_json(cfg), indent=2, ensure_ascii=False))
    else:
        print("\n".join(table(cfg)))
    return 0
