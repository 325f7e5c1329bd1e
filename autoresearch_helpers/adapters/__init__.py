"""Project adapters: one module per detected project type (ml, node, flutter, jvm), the
registry and protocol in base.py, and the resolution between them in detection.py."""
