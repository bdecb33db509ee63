"""The evaluation protocol: outer/inner splits, Optuna tuning, cells and metrics."""
