"""Runs inside Pyodide under Node, started on the core stdlib zip (calc is inside it), before
the memory snapshot is taken: run the whole workload (calc_workload.py), so a page that restores
the snapshot answers its first request without importing or compiling anything. A restored
snapshot keeps the heap, not the files: the same core zip is passed to the restore.
BUNDLE is set by the Node script.
"""

RESULT = workload(BUNDLE)  # noqa: F821 - calc_workload.py and the Node script
