"""Agents that propose the loop's experiments: any agent CLI (agents/command.py), and the
built-in Optuna agent (agents/optuna_agent.py); agents/loop.py drives them (`autoresearch loop`)."""
