"""Journey 1: plan a suite's cells, run the missing ones, commit each, export (``run``); ``evaluate`` runs one
dataset's strategies × models without a run directory (``experiment``)."""
