"""Tables: a run's rows turned into the comparisons a report states, as DataFrames and dataclasses (no rendering).

Which datasets a row compares (``groups``), rank comparisons of strategies within a group and the status,
summary, rank and Wilcoxon tables written as CSV (``comparisons``), what each comparison supports (``verdicts``)
and ``Analysis``, every comparison and table of one run computed once (``analysis``). Built on ``statistics``.
"""
