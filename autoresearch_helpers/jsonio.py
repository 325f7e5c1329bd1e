"""Strict JSON for the per-experiment path, without importing ``json``.

Why: ``import json`` imports ``re`` (json.decoder and json.encoder compile regexes at
import): measured on CPython 3.11 at ~8M instructions and several ms of wall time, paid by
every ``autoresearch run``. The C accelerator ``_json`` that json itself uses imports
nothing, so this module drives it directly, exactly as ``json`` does:

- ``dumps(obj)`` is ``json.dumps(obj, allow_nan=False)`` (separators ", " and ": "):
  NaN/Infinity raise ValueError, a circular reference raises ValueError, an object json
  cannot serialise raises TypeError, all with json's messages (the same C code runs).
- ``loads(text)`` is ``json.loads(text)``: JSON whitespace around the value is skipped,
  NaN/Infinity/-Infinity are accepted, control characters in strings are not.

On ANY decode error, for a non-str argument, when ``_json`` is missing, or when its API does
not fit this Python (AttributeError/TypeError at construction, e.g. PyPy or a future
version), the real ``json`` is imported and does the work, so errors (json.JSONDecodeError,
a ValueError) and results are exactly json's. The encoder and the scanner are built once
per process, on first use.
"""

from __future__ import annotations

import _thread

_WS = " \t\n\r"  # JSON whitespace (json.decoder.WHITESPACE)
_UNSET = object()
_fast = _UNSET  # (ascii encoder, unicode encoder, scanner), or None when unavailable
_markers: dict = {}  # circular-reference markers shared by the two encoders
_busy = _thread.allocate_lock()  # one encode at a time uses the shared markers


def _default(obj):
    # json.JSONEncoder.default
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


class _Context:
    """What json.scanner.make_scanner reads from a JSONDecoder built with no arguments."""
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"),
                      "NaN": float("nan")}.__getitem__


def _build():
    """The C encoders and scanner, or None when ``_json`` is missing or does not fit."""
    try:
        import _json

        def encoder(quote):  # json.encoder.JSONEncoder.iterencode, _one_shot, no indent
            return _json.make_encoder(_markers, _default, quote, None, ": ", ", ",
                                      False, False, False)

        return (encoder(_json.encode_basestring_ascii), encoder(_json.encode_basestring),
                _json.make_scanner(_Context))
    except (ImportError, AttributeError, TypeError):
        return None


def _accelerator():
    global _fast
    if _fast is _UNSET:
        _fast = _build()
    return _fast


def _json_dumps(obj, ensure_ascii: bool) -> str:
    import json

    return json.dumps(obj, ensure_ascii=ensure_ascii, allow_nan=False)


def _json_loads(text):
    import json

    return json.loads(text)


def dumps(obj, *, ensure_ascii: bool = True) -> str:
    """``json.dumps(obj, ensure_ascii=ensure_ascii, allow_nan=False)``."""
    fast = _accelerator()
    # the markers are shared: a re-entrant or concurrent call (another thread) uses json
    if fast is None or not _busy.acquire(False):
        return _json_dumps(obj, ensure_ascii)
    try:
        return "".join(fast[0 if ensure_ascii else 1](obj, 0))
    except BaseException:
        _markers.clear()  # the C encoder leaves its markers behind when it fails
        raise
    finally:
        _busy.release()


def loads(text: str):
    """``json.loads(text)``; errors are json's own (json.JSONDecodeError is a ValueError)."""
    fast = _accelerator()
    if fast is None or text.__class__ is not str:
        return _json_loads(text)
    try:
        obj, end = fast[2](text, len(text) - len(text.lstrip(_WS)))
    except Exception:  # StopIteration, JSONDecodeError, RecursionError: json says which
        return _json_loads(text)
    # a JSON value never ends with whitespace: the rest must be whitespace only
    if end != len(text.rstrip(_WS)):
        return _json_loads(text)  # "Extra data"
    return obj
