"""``python -m imbench.cli``: the same command as ``imbench``."""

from imbench.cli.main import main

main()
