"""The options of the ``qz-pyodide`` plugin (mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class PyodideConfig(base.Config):  # type: ignore[no-untyped-call]
    # Build a memory snapshot with calc imported (Pyodide's private _loadSnapshot API): the
    # worker fetches it once a start's other downloads are in and restores it on later visits
    # (falling back to a normal start if restoring fails).
    snapshot = c.Type(bool, default=True)
    # A first visit whose start downloads took less than this many ms (a fast link: the
    # snapshot, about as big, comes as fast) waits for the snapshot instead of starting Python
    # itself, which takes longer; 0: never. 500 ms: Python's own start on a fast desktop.
    early_snapshot_ms = c.Type(int, default=500)
    optimize = c.Choice((0, 2), default=2)  # stdlib .pyc: 2 drops docstrings and asserts
    watchdog_seconds = c.Type(int, default=20)
    cache_dir = c.Type(str, default=".cache/qz-pyodide")
