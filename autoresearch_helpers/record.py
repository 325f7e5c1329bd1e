"""A small value class for the modules on the per-experiment path.

`dataclasses` pulls in `inspect` and costs ~10 ms of start-up, a noticeable share of one
`autoresearch run`; these classes only need fields, defaults, equality and a dict.

    class Point(Record):
        FIELDS = ("x", "y")
        DEFAULTS = {"y": 0}
"""

from __future__ import annotations


class Record:
    FIELDS: tuple[str, ...] = ()
    DEFAULTS: dict = {}

    def __init__(self, *args, **kwargs):
        if len(args) > len(self.FIELDS):
            raise TypeError(f"{type(self).__name__} takes at most {len(self.FIELDS)} values")
        values = dict(zip(self.FIELDS, args))
        for key, value in kwargs.items():
            if key not in self.FIELDS:
                raise TypeError(f"{type(self).__name__} has no field {key!r}")
            if key in values:
                raise TypeError(f"{type(self).__name__} got {key!r} twice")
            values[key] = value
        for name in self.FIELDS:
            if name in values:
                value = values[name]
            elif name in self.DEFAULTS:
                default = self.DEFAULTS[name]
                value = default() if callable(default) else default
            else:
                raise TypeError(f"{type(self).__name__} is missing {name!r}")
            setattr(self, name, value)

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items())
        return f"{type(self).__name__}({inner})"
