"""Figures: what a report plots, in two steps, and the one look every figure shares.

``data`` computes one tidy DataFrame per figure (pure pandas, so tests read the numbers a figure draws),
``draw`` turns them into matplotlib figures (matplotlib imported only there) and ``palette`` keys each
strategy's colour, line style and order by its name, the same in every figure and table.
"""
