"""Runs inside Pyodide under Node, before the memory snapshot is taken: install the calc wheel,
import every module of the package and build its catalog, so a page that restores the snapshot
answers its first request without importing or compiling anything.

The wheel's bytes were checked against the sha256 in the site's pyodide-lock.json by the Node
script. A restored snapshot keeps the heap, not the files: everything calc reads from its package
(modules, rules.json) must be loaded here.
"""

import importlib
import json
import pkgutil
import site
import zipfile

with zipfile.ZipFile(WHEEL) as wheel:  # noqa: F821 - set by the Node script
    wheel.extractall(site.getsitepackages()[0])

import calc
import calc.api

for info in pkgutil.walk_packages(calc.__path__, "calc."):
    if info.name != "calc.__main__":  # the command line; it would parse sys.argv
        importlib.import_module(info.name)

_answer = json.loads(calc.api.handle(json.dumps({"type": "list"})))
if not _answer["ok"] or not _answer["result"]:
    raise RuntimeError(f"calc cannot list its measures: {_answer}")
RESULT = len(_answer["result"])
del _answer, info, wheel
