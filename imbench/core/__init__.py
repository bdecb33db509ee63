"""The bottom layer: typed records (``schema``), errors, metrics, the plugin registry, system facts, result frames
and atomic file writes. It imports nothing else of imbench, so every other layer may use it."""
