"""Optional persistent Optuna studies (``--optuna-storage URL``): every inner study kept, named by its cell,
so ``optuna-dashboard URL`` shows each tuning history.

Off by default: studies are in memory, as they always were. With a URL, each worker process opens the
RDB storage itself. SQLite is safe with several worker processes: the driver creates the tables once
before the workers start (``prepare``), each connection waits up to ``SQLITE_BUSY_SECONDS`` for a lock
instead of failing, and creating a study is retried on a locked database. A storage never changes the
numbers: tuning reads its best parameters from the process, not back from the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from imbench.core.errors import ConfigError

SQLITE_BUSY_SECONDS = 120
CREATE_RETRIES = 5


@dataclass(frozen=True)
class StudyStorage:
    """Where to keep the inner studies of a run, and the prefix that makes their names unique to it."""

    url: str
    prefix: str
    """``suite@confighash``: two runs with different settings never share a study."""

    def study_name(self, cell_id: str) -> str:
        """``quick@1a2b3c4d/keel:ecoli4|smote|lightgbm|0``."""
        return f"{self.prefix}/{cell_id}"


@lru_cache(maxsize=4)
def open_storage(url: str) -> Any:
    """One (per process)  ``optuna.storages.RDBStorage`` for ``url`` (SQLite connections wait for locks instead of failing)."""
    import optuna

    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS}
    return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)


def prepare(url: str) -> None:
    """Create the storage's tables once, in the driver, before worker processes open it; a bad URL is a
    one-line ConfigError here instead of a failed cell later."""

    try:
        open_storage(url)
    except Exception as e:
        why = (str(e).strip().splitlines() or [type(e).__name__])[0][:300]
        raise ConfigError(f"cannot open the Optuna storage {url!r}: {why}") from None


def create_fresh_study(storage: StudyStorage, cell_id: str, **create_kw: Any) -> Any:
    """A new study named after the cell. A study of the same name (a cell computed again, e.g. after its
    worker died) is replaced, so the stored history is the one behind the stored result."""
    import optuna
    from sqlalchemy.exc import OperationalError

    name = storage.study_name(cell_id)
    for attempt in range(CREATE_RETRIES):
        try:
            rdb = open_storage(storage.url)
            try:
                optuna.delete_study(study_name=name, storage=rdb)
            except KeyError:
                pass
            return optuna.create_study(study_name=name, storage=rdb, **create_kw)
        except OperationalError:  # a locked SQLite file beyond the busy timeout: try again
            if attempt == CREATE_RETRIES - 1:
                raise
            time.sleep(1.0 + attempt)
    raise AssertionError("unreachable")


def with_storage(tasks: list[Any], url: str, suite: str, config_hash: str) -> list[Any]:
    """The tasks with their studies kept at ``url`` (the tables created first, here in the driver)."""
    from dataclasses import replace

    prepare(url)
    storage = StudyStorage(url, f"{suite}@{config_hash[:8]}")
    return [replace(t, storage=storage) for t in tasks]
