"""session.json's types: State.from_json checks every field against its annotation."""

from __future__ import annotations

import dataclasses
import types
import typing

import pytest

from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import check, session
from autoresearch_helpers.store.session import Pending, Point, State
from conftest import session_document


def document(**fields) -> dict:
    return session_document("/repo", **fields)


def test_every_annotation_is_one_the_check_understands():
    """A field added to State, Point or Pending with a type check.py does not know would
    go unchecked: this keeps the annotations and the checker together."""
    def known(hint) -> bool:
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            return all(known(h) for h in typing.get_args(hint))
        kind, args = typing.get_origin(hint) or hint, typing.get_args(hint)
        if dataclasses.is_dataclass(kind):
            return True
        return kind in check.NAMES and all(known(a) for a in args)

    for cls in (State, Point, Pending):
        for name, hint, _ in check.fields(cls):
            assert known(hint), f"{cls.__name__}.{name}: {hint}"
    assert set(session.RULES) <= {f.name for f in dataclasses.fields(State)}


def test_a_saved_state_reads_back_the_same(tmp_path):
    state = State.from_json(document(champion={"commit": "a" * 40, "value": 5, "samples": [5.0]},
                                     pending={"number": 1, "commit": None, "pgid": 12}))
    assert state.champion == Point("a" * 40, 5, [5.0], 0)
    assert state.pending == Pending(1, None, "", 12)
    session.save(tmp_path, state)
    assert session.load(tmp_path) == state


def test_unknown_keys_are_ignored_and_defaults_filled():
    doc = document(extra=1, champion={"commit": "c", "value": 1.5, "later": True})
    for key in ("schema", "active", "recent", "pending", "counts"):
        del doc[key]
    state = State.from_json(doc)
    assert state.champion == Point("c", 1.5) and state.active and state.schema == 1


@pytest.mark.parametrize("fields, say", [
    ({"experiments": True}, "experiments is true or false (true), not an integer"),
    ({"experiments": 1.5}, "experiments is a number (1.5), not an integer"),
    ({"crash_streak": None}, "crash_streak is null, not an integer"),
    ({"tag": 7}, "tag is an integer (7), not a string"),
    ({"readonly": None}, "readonly is null, not a list"),
    ({"champion": {"commit": "c", "value": "high"}},
     'champion.value is a string ("high"), not a number'),
    ({"champion": {"commit": "c", "value": 1, "samples": [1, "x"]}},
     'champion.samples[1] is a string ("x"), not a number'),
    ({"baseline": {"value": 1}}, "baseline has no commit"),
    ({"pending": {"number": 1, "pgid": "12"}}, 'pending.pgid is a string ("12"), not an integer'),
    ({"pending": {}}, "pending has no number"),
    ({"readonly_prints": {"a.txt": "abc"}}, 'readonly_prints.a.txt is a string ("abc"), not a list'),
    ({"recent": [{"n": "1", "status": "keep", "description": ""}]},
     'recent[0].n is a string ("1"), not an integer'),
    ({"config": {"values": []}}, "config.values is a list, not an object"),
    ({"experiments": "y" * 100}, f'experiments is a string ("{"y" * 36}...), not an integer'),
])
def test_a_wrong_field_is_named_with_what_it_holds(fields, say):
    with pytest.raises(AutoresearchError) as err:
        State.from_json(document(**fields), "/repo/.autoresearch/session.json")
    message = str(err.value)
    assert message.startswith("/repo/.autoresearch/session.json: the session state is damaged: ")
    assert say in message
    assert message.endswith("; move it away and run 'autoresearch setup' to start again")
