"""The autoresearch terminal dashboard.

It reads results.tsv and .claude/logs/autoresearch.jsonl only (through
autoresearch_helpers.reports and the store's readers), never a command or the engine. Run it as
``autoresearch dashboard`` or ``python -m autoresearch_dashboard``.
"""

from autoresearch_dashboard.app import main

__all__ = ["main"]
