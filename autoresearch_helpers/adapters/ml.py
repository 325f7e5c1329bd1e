"""The ML adapter: a training script (karpathy-style train.py + prepare.py, or a train.py
that imports an ML library) whose printed metric the loop improves. When the repository
has tests (a tests/ folder, or test_*.py files at its top) and pytest (on PATH, or named
by requirements*.txt, pyproject.toml, setup.cfg, tox.ini or pytest.ini), ``pytest -x -q``
is the proposed correctness gate (verify_command)."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

from autoresearch_helpers.adapters.base import HIGHER, LOWER, PRINTED, Detection
from autoresearch_helpers.adapters.files import is_file, read_text

ML_LIBRARIES = ("torch", "jax", "flax", "sklearn", "tensorflow", "keras", "xgboost",
                "lightgbm", "catboost", "transformers", "mlx")

# Words (tokens of a metric name split on "_", "-", ".") that say which way is better.
LOWER_WORDS = frozenset({"loss", "bpb", "bpc", "error", "err", "perplexity", "ppl", "rmse",
                         "mae", "mse", "mape", "nll", "wer", "cer", "logloss", "regret"})
HIGHER_WORDS = frozenset({"accuracy", "acc", "f1", "auc", "roc", "precision", "recall",
                          "score", "r2", "map", "bleu", "rouge", "iou", "dice", "top1", "top5",
                          "reward", "return", "ndcg", "mrr"})
METRIC_WORDS = LOWER_WORDS | HIGHER_WORDS
VALIDATION_WORDS = frozenset({"val", "valid", "validation", "eval", "test", "dev", "holdout"})
DEFAULT_METRIC = "val_bpb"
PYTEST_FILES = ("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini")  # may name pytest
_PYTEST = re.compile(r"(?<![\w-])pytest(?![\w-])", re.IGNORECASE)

# `name:` or `name=` at the end of a literal piece, or followed by a value or placeholder.
_LABEL = re.compile(r"([A-Za-z][A-Za-z0-9_]*(?:[-.][A-Za-z0-9_]+)*)\s*([:=])\s*(?=$|[{%\d\s-])")


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[_\-.\s]+", name.lower()) if t]


def metric_direction(name: str) -> str:
    """lower_is_better or higher_is_better, from the words of a metric name."""
    tokens = _tokens(name)
    if any(t in LOWER_WORDS for t in tokens):
        return LOWER
    if any(t in HIGHER_WORDS for t in tokens):
        return HIGHER
    lowered = name.lower()
    if any(w in lowered for w in ("loss", "bpb", "error", "perplexity")):
        return LOWER
    if any(w in lowered for w in ("accuracy", "score", "acc")):
        return HIGHER
    return LOWER


def is_metric_name(name: str) -> bool:
    tokens = _tokens(name)
    return bool(tokens) and any(t in METRIC_WORDS for t in tokens)


def _is_validation(name: str) -> bool:
    return any(t in VALIDATION_WORDS for t in _tokens(name))


def _docstring_ids(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _literal_pieces(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string literal and f-string piece, docstrings excepted."""
    skip = _docstring_ids(tree)
    pieces = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            pieces.append((node.lineno, node.col_offset, node.value))
    return [(line, text) for line, _col, text in sorted(pieces)]


def printed_metrics(source: str) -> list[tuple[str, int, str]]:
    """(name, line, ":" or "=") of each metric the script prints as ``name: value``/``name=value``."""
    try:
        tree = ast.parse(source)
        pieces = _literal_pieces(tree)
    except (SyntaxError, ValueError, RecursionError):
        pieces = [(n, line) for n, line in enumerate(source.splitlines(), 1)]
    found: list[tuple[str, int, str]] = []
    for line, text in pieces:
        for match in _LABEL.finditer(text):
            name = match.group(1)
            if is_metric_name(name) and name not in [n for n, _, _ in found]:
                found.append((name, line, match.group(2)))
    return found


def choose_metric(names: list[str]) -> str:
    """val_bpb when printed, else the last validation metric, else the last metric, else val_bpb."""
    if not names or DEFAULT_METRIC in names:
        return DEFAULT_METRIC
    validation = [n for n in names if _is_validation(n)]
    return (validation or names)[-1]


def imported_ml_libraries(source: str) -> list[str] | None:
    """The ML libraries that ``source`` imports (top-level package names); None if unparsable."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in ML_LIBRARIES and top not in found:
                found.append(top)
    return found


def _has_tests(root: Path) -> str | None:
    """Where the repository's tests are (``tests/``, or a top-level test_*.py), or None."""
    try:
        if (root / "tests").is_dir():
            return "tests/"
        return next((p.name for p in sorted(root.glob("test_*.py")) if is_file(p)), None)
    except OSError:
        return None


def _names_pytest(root: Path) -> str | None:
    """The file that names pytest (a requirements file, the project's configuration), or
    "PATH" when it is installed there, or None."""
    try:
        requirements = sorted(p.name for p in root.glob("requirements*.txt"))
    except OSError:
        requirements = []
    for name in (*requirements, *PYTEST_FILES):
        if _PYTEST.search(read_text(root / name) or ""):
            return name
    return "PATH" if shutil.which("pytest") else None


def pytest_gate(root: Path, uv: bool) -> tuple[str | None, str]:
    """(the verify_command proposed, or None; a note saying why)."""
    tests, named = _has_tests(root), _names_pytest(root)
    if not tests:
        return None, "no tests/ folder nor test_*.py: no verify_command proposed"
    if not named:
        return None, (f"{tests} found, but pytest is neither on PATH nor a requirement: "
                      "no verify_command proposed")
    command = "uv run pytest -x -q" if uv else "pytest -x -q"
    return command, f"verify_command {command}: tests in {tests}, pytest in {named}"


class MLAdapter:
    name = "ml"

    def detect(self, root: Path) -> Detection | None:
        train = root / "train.py"
        source = read_text(train)
        if source is None:
            return None
        has_prepare = is_file(root / "prepare.py")
        libraries = imported_ml_libraries(source)
        if not has_prepare and not libraries:
            return None
        evidence, notes = ["train.py"], []
        if has_prepare:
            evidence.append("prepare.py")
            notes.append("train.py + prepare.py: a karpathy-style training setup")
        if libraries:
            notes.append(f"train.py imports {', '.join(libraries)}")
        elif libraries is None:
            notes.append("train.py does not parse as Python; its imports were not read")
        printed = printed_metrics(source)
        metric = choose_metric([n for n, _, _ in printed])
        if printed:
            line, sep = next((ln, sp) for n, ln, sp in printed if n == metric)
            others = ", ".join(n for n, _, _ in printed if n != metric)
            notes.append(f"metric {metric} printed by train.py (line {line})"
                         + (f"; also printed: {others}" if others else ""))
        else:
            notes.append(f"train.py prints no known metric as 'name: value'; default {metric}")
        # `python` where it exists (virtualenvs, conda, pyenv); else the python3 every
        # Python >= 3 install provides
        run = "python train.py" if shutil.which("python") else "python3 train.py"
        if is_file(root / "uv.lock"):
            run = "uv run train.py"
            evidence.append("uv.lock")
            notes.append("uv.lock present: run through uv")
        notes.append("time budget 600 s: a training run takes minutes")
        verify, why = pytest_gate(root, uv="uv.lock" in evidence)
        notes.append(why)
        return Detection(
            type="ml", evidence=evidence, target_file="train.py", run_command=run,
            metric_name=metric, metric_direction=metric_direction(metric), measure=PRINTED,
            artifact=None, unit=None, time_budget=600, verify_command=verify,
            score=60 if has_prepare else 55, notes=notes)


ADAPTER = MLAdapter()
