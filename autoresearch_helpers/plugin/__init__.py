"""The Claude Code plugin's scripts: the launcher and the edit hook (standard library only)."""
