"""Documents: what the cheat-sheet and the HTML report say, as blocks of ``renderers.blocks``.

The cheat-sheet (``cheatsheet``) and its sections: the verdicts at a glance (``glance``), the advice
practitioners repeat checked against the run (``claims``), the IR effect on an IR ladder (``ladder``),
probability corrections (``corrections``), sound bites (``soundbites``) and the method notes (``methods``),
with the one sentence every strategy-vs-baseline test is stated in (``evidence``); the HTML report's own
sections (``html_sections``) and the numbers they show beside the verdicts (``grid``: coverage, the dataset ×
strategy grid per model, thresholds and costs, error messages).
"""
