"""Statistics: the numbers beneath every table, computed from values alone and knowing nothing of a report.

Tests and intervals over datasets (``stats``: Friedman + Nemenyi, Wilcoxon vs a baseline, the Bayesian
signed-rank test, Benjamini–Hochberg / Holm, Nadeau–Bengio and bootstrap intervals), the selection-aware gain
of "take imbench's pick" (``selection``), re-scoring stored predictions under a cost matrix (``costs``) and the
flags on cells whose numbers should not be read at face value (``quality``). Imports nothing else of ``reporting``.
"""
