"""The autoresearch terminal dashboard.

It reads results.tsv and .claude/logs/autoresearch.jsonl only (through
autoresearch_helpers.summary and the log readers) and never imports the runner. Run it as
``autoresearch dashboard`` or ``python -m autoresearch_dashboard``.
"""

from autoresearch_dashboard.app import main

__all__ = ["main"]
