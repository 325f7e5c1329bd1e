"""Reports over the logs: the summary, the HTML report, status and finalize texts."""
