"""The engine: one experiment, exactly (scope, git, process, measure, decide, recovery)."""
