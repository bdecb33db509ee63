"""Seeds derived from the run seed and a key, so results do not depend on worker order or count."""

from __future__ import annotations

import hashlib


def derive_seed(run_seed: int, *key: object) -> int:
    """A 31-bit seed from ``run_seed`` and ``key`` (stable across processes and Python versions)."""
    text = "|".join([str(run_seed), *map(str, key)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & 0x7FFFFFFF
