"""Runs inside Pyodide under Node: ``calc`` (from its wheel) and qz_fallback.py as sourceless
.pyc of the runtime's own CPython, with calc's data files, in one zip to merge into the core
stdlib zip (same layout and options as precompile_stdlib.py).

WHEEL, FALLBACK, OUT and OPTIMIZE are set by the Node script.
"""

import os
import py_compile
import shutil
import zipfile

TREE = "/build/app"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def compile_app(wheel: str, fallback: str, out: str, optimize: int) -> int:
    shutil.rmtree(TREE, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith("calc/"):
                archive.extract(name, TREE)
    shutil.copyfile(fallback, f"{TREE}/qz_fallback.py")
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for root, dirs, files in os.walk(TREE):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, TREE)
                if name.endswith(".py"):
                    py_compile.compile(
                        path, path + "c", dfile=f"/lib/python314.zip/{rel}", doraise=True,
                        optimize=optimize,
                        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                    path, rel = path + "c", rel + "c"
                with open(path, "rb") as handle:
                    archive.writestr(zipfile.ZipInfo(rel, ZIP_DATE), handle.read())
                count += 1
    shutil.rmtree(TREE)
    return count


RESULT = compile_app(WHEEL, FALLBACK, OUT, OPTIMIZE)  # noqa: F821 - set by the Node script
