"""The store: session state, and the results.tsv + JSONL logs (writers and readers)."""
