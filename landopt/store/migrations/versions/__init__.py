"""One file per revision of the run store's tables, oldest first (``0001_runs.py``, …)."""
