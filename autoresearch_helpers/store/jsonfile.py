"""A small JSON state file written whole or not at all (a temporary file, then a rename)."""

from __future__ import annotations

import json
import os


def write(path: str, data) -> None:
    """Write ``data`` as JSON to ``path`` atomically, creating its folder."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(path + ".tmp", path)
