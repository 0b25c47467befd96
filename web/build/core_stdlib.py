"""Runs inside Pyodide under Node, in a fresh instance started on the full precompiled stdlib:
find which stdlib modules ``calc`` needs by running it (calc_workload.py), then write the core
zip the browser starts with — those modules (without line tables), ``calc`` and qz_fallback
from APP, and qz_fallback.txt, the names of every module of the full zip (the fallback loads
those the core lacks).

Nothing is imported before the workload ran except what Pyodide itself imported to start: the
record is sys.modules afterwards, each module kept by the zip entry it was loaded from.
APP, BUNDLE, STDLIB (the full zip's path on sys.path) and OUT are set by the Node script.
"""

import sys

sys.path.insert(0, APP)  # noqa: F821 - set by the Node script

import qz_fallback


def _refuse() -> str:
    raise RuntimeError("the build's workload must not need the full zip")


qz_fallback.install(_refuse, frozenset())
ASKED = workload(BUNDLE)  # noqa: F821 - calc_workload.py and the Node script
USED = sorted({
    origin[len(STDLIB) + 1:]  # noqa: F821
    for module in list(sys.modules.values())
    if isinstance(origin := getattr(getattr(module, "__spec__", None), "origin", None), str)
    and origin.startswith(STDLIB + "/")  # noqa: F821
})


def _module(entry: str) -> str | None:
    if not entry.endswith(".pyc"):
        return None
    name = entry[:-4].replace("/", ".")
    return name[:-len(".__init__")] if name.endswith(".__init__") else name


def _without_lines(pyc: bytes) -> bytes:
    """The .pyc with no line table in any code object: a third smaller once compressed; a
    traceback from the stdlib then names the file and function but no line (calc keeps its)."""
    import marshal
    import types

    def strip(code: types.CodeType) -> types.CodeType:
        consts = tuple(strip(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
        return code.replace(co_linetable=b"", co_consts=consts)

    return pyc[:16] + marshal.dumps(strip(marshal.loads(pyc[16:])))


def write_core(stdlib: str, app: str, used: list[str], out: str) -> dict[str, int]:
    import zipfile

    date = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(stdlib) as full, zipfile.ZipFile(app) as extra, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as core:
        names = set(full.namelist())
        missing = [entry for entry in used if entry not in names]
        if missing:
            raise RuntimeError(f"loaded from the zip but not in it: {missing}")
        # Every module of the full zip, those in the core too: if the core ever lacks one
        # (a damaged or hand-made zip), the fallback still knows where it is.
        every = sorted({m for e in names if (m := _module(e))})
        entries = [(e, _without_lines(full.read(e)) if e.endswith(".pyc") else full.read(e))
                   for e in used]
        entries += [(e, extra.read(e)) for e in extra.namelist()]
        entries.append(("qz_fallback.txt", "\n".join(every).encode() + b"\n"))
        for entry, data in sorted(entries):
            core.writestr(zipfile.ZipInfo(entry, date), data)
    return {"modules": len(used), "examples": ASKED, "full": len(every)}


RESULT = write_core(STDLIB, APP, USED, OUT)  # noqa: F821
