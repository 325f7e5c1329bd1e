"""The configuration: its sources (pyproject.toml, CLAUDE.md, --set), keys and validation."""
