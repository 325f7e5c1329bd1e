"""Checking a JSON document against a dataclass: the fields' annotations are the schema.

    problem(State, data, rules)   the first thing wrong, as a phrase naming the field, or None
    build(State, data)            the dataclass (nested ones too) from a checked document

An annotation is ``str``, ``int``, ``float``, ``bool``, ``dict``, ``list``, ``list[X]``,
``dict[str, X]``, another dataclass, or any of them ``| None``. ``rules`` adds what the
annotations cannot say, per field: a tuple is the values it may take; a dict is the keys
(with their types) each object in it must have. Keys the dataclass does not know are
ignored. Standard library only: the edit hook reads the state too.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing

NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string",
         list: "a list", dict: "an object", type(None): "null"}  # bool before int


@functools.cache
def fields(cls) -> tuple:
    """(name, annotation, required) of each field of the dataclass ``cls``."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name], f.default is dataclasses.MISSING
                  and f.default_factory is dataclasses.MISSING) for f in dataclasses.fields(cls))


def describe(value) -> str:
    """``value`` as a phrase: 'a string ("three")', 'an integer (5)', 'a list', 'null'."""
    kind = next((k for k in NAMES if isinstance(value, k)), None)
    if kind is None:
        return type(value).__name__
    if kind in (list, dict, type(None)):
        return NAMES[kind]
    shown = json.dumps(value)
    return f"{NAMES[kind]} ({shown if len(shown) <= 40 else shown[:37] + '...'})"


def _options(hint) -> tuple:
    """The types of ``X | None`` (or Optional[X]); of any other annotation, itself."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    return typing.get_args(hint) if union else (hint,)


def _is(value, kind) -> bool:
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))


def _value(value, hint, where: str, rule) -> str | None:
    options = _options(hint)
    if value is None and type(None) in options:
        return None
    hint = next(h for h in options if h is not type(None))
    kind, args = typing.get_origin(hint) or hint, typing.get_args(hint)
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            return f"{where} is {describe(value)}, not an object"
        return problem(kind, value, {}, where + ".")
    if kind not in NAMES:
        return None  # an annotation this checker does not know: not checked
    if not _is(value, kind):
        return f"{where} is {describe(value)}, not {NAMES[kind]}"
    if kind is list:
        for i, item in enumerate(value):
            wrong = _value(item, args[0] if args else object, f"{where}[{i}]", rule)
            if wrong:
                return wrong
    elif kind is dict:
        if isinstance(rule, dict):
            return _required(value, rule, where)
        for key, item in value.items() if len(args) == 2 else ():
            wrong = _value(item, args[1], f"{where}.{key}", None)
            if wrong:
                return wrong
    elif isinstance(rule, tuple) and value not in rule:
        return f"{where} is {json.dumps(value)}, not {' or '.join(map(str, rule))}"
    return None


def _required(value: dict, keys: dict, where: str) -> str | None:
    missing = [k for k in keys if k not in value]
    if missing:
        return f"{where} has no {', '.join(missing)}"
    for key, kind in keys.items():
        wrong = _value(value[key], kind, f"{where}.{key}", None)
        if wrong:
            return wrong
    return None


def problem(cls, data: dict, rules: dict, prefix: str = "") -> str | None:
    """The first thing wrong in ``data`` as the fields of ``cls`` (missing ones first)."""
    missing = [name for name, _, required in fields(cls) if required and name not in data]
    if missing:
        return f"{prefix.rstrip('.') or 'it'} has no {', '.join(missing)}"
    for name, hint, _ in fields(cls):
        if name in data:
            wrong = _value(data[name], hint, prefix + name, rules.get(name))
            if wrong:
                return wrong
    return None


def build(cls, data: dict):
    """``cls`` from a document :func:`problem` found nothing wrong in."""
    values = {}
    for name, hint, _ in fields(cls):
        if name not in data:
            continue
        value = data[name]
        inner = next((h for h in _options(hint) if dataclasses.is_dataclass(h)), None)
        values[name] = build(inner, value) if inner and isinstance(value, dict) else value
    return cls(**values)
