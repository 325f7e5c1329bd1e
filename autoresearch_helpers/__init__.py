"""autoresearch: the exact half of an autonomous experiment loop.

The host agent (Claude Code, or any CLI given to ``autoresearch loop``) thinks and edits;
this package detects the project, reads the configuration, runs experiments under a time
budget, parses the metric, decides keep or discard, drives git and writes the logs.
"""

__version__ = "0.1.0"
