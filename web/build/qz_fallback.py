"""Shipped in the core stdlib zip and installed by the worker: a module the core zip lacks is
loaded from the full stdlib zip, fetched on the first such import.

The core zip holds only what the build saw ``calc`` import (web/build/core_stdlib.py). If a
visitor reaches a path the build did not, the import must still succeed, only slower: this
finder, last on ``sys.meta_path``, is asked only after the core zip had nothing; if the name is
one of the full zip's modules (all listed at build time in ``qz_fallback.txt``), it calls
``fetch()`` — JavaScript in the worker that downloads the full zip synchronously and writes it
into Pyodide's file system — puts that zip on ``sys.path`` (and, for a submodule, on its
package's ``__path__``)
and finds the module there. Names in neither zip fail as they always did, with no download.
"""

import sys
from importlib.machinery import PathFinder

CORE = __file__.rpartition("/")[0]  # the core zip, as it is on sys.path


class FullStdlib:
    def __init__(self, names: frozenset[str], fetch: object) -> None:
        self.names = names
        self.fetch = fetch
        self.path: str | None = None  # where the full zip is, once fetched

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> object:
        if fullname not in self.names:
            return None
        if self.path is None:
            try:
                self.path = str(self.fetch())  # type: ignore[operator]
            except Exception:  # offline, say: the import fails as an import, tried again later
                return None
            sys.path.append(self.path)
            sys.path_importer_cache.clear()
        parent, _, _ = fullname.rpartition(".")
        if not parent:
            return PathFinder.find_spec(fullname, [self.path], target)
        search = getattr(sys.modules.get(parent), "__path__", None)
        if isinstance(search, list):  # a package from the core zip: look in its full folder too
            for entry in list(search):
                if entry.startswith(CORE + "/") and self.path + entry[len(CORE):] not in search:
                    search.append(self.path + entry[len(CORE):])
        return PathFinder.find_spec(fullname, search, target)


def install(fetch: object, names: frozenset[str] | None = None) -> FullStdlib:
    """Put the finder last on ``sys.meta_path`` (idempotent: a restored snapshot may have it).
    ``names``: the full zip's modules; by default the list shipped beside this module."""
    for finder in sys.meta_path:
        if isinstance(finder, FullStdlib):
            finder.fetch = fetch
            return finder
    if names is None:
        raw = __loader__.get_data(CORE + "/qz_fallback.txt")  # type: ignore[name-defined]
        names = frozenset(raw.decode().split())
    finder = FullStdlib(names, fetch)
    sys.meta_path.append(finder)
    return finder
