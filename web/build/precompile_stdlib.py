"""Runs inside Pyodide under Node: turn the stdlib zip into sourceless .pyc of the runtime's own
CPython (a .pyc from the host's Python is useless to Pyodide's 3.14).

Reads SRC, writes OUT; OPTIMIZE is 0 or 2. Legacy layout (``x.pyc`` where ``x.py`` was), because
zipimport only finds a sourceless module there; unchecked-hash, because a zip has no mtimes worth
checking. Fixed timestamps and sorted entries make the zip reproducible.
"""

import compileall
import os
import py_compile
import shutil
import zipfile

TREE = "/build/stdlib"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def precompile(src: str, out: str, optimize: int) -> int:
    shutil.rmtree(TREE, ignore_errors=True)
    with zipfile.ZipFile(src) as archive:
        archive.extractall(TREE)
    ok = compileall.compile_dir(
        TREE, quiet=2, legacy=True, optimize=optimize, workers=1,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        ddir="/lib/python314.zip")  # where tracebacks say the code lives
    if not ok:
        raise RuntimeError("compileall reported errors")
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for root, dirs, files in os.walk(TREE):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if name.endswith(".py") and os.path.exists(path + "c"):
                    continue  # the .pyc replaces it
                with open(path, "rb") as handle:
                    archive.writestr(zipfile.ZipInfo(os.path.relpath(path, TREE), ZIP_DATE),
                                     handle.read())
                count += 1
    shutil.rmtree(TREE)
    return count


RESULT = precompile(SRC, OUT, OPTIMIZE)  # noqa: F821 - set by the Node script
