"""Project adapters: one module per project type (ml, node, flutter, jvm, custom), the
registry and protocol in base.py, and the resolution between them in detection.py."""
