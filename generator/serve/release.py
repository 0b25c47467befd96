"""Make a release of a complete build and switch the live site to it, keeping what pages of the
previous releases still ask for (``make release``, deploy/README.md).

A page loaded a moment before a switch goes on asking for the files its build names: the
calculator's runtime under ``assets/pyodide/<version>-<hash>/``, the hashed scripts. A release
holding only its own build answers those with 404 and that page's calculator never starts. So
each release also carries the content-hashed files of the ``keep`` releases before it (their
own, not what they carried: a release holds at most ``keep`` + 1 builds' runtimes). Their names
hold a hash of their bytes, so a carried file can never be taken for one of this build's.
Unhashed files (pages, sw.js, the search index) are this build's only.

    python -m generator.serve.release [SITE] [RELEASES] [--keep N] [--live LINK]

makes ``RELEASES/<UTC time>-<tree>/`` from SITE (hard links where the file system allows) and
points LINK (default ``RELEASES/current``) at it in one rename. Each release records what it
holds in ``.release.json`` (a dot-file: nginx never serves it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

from generator.serve import atomic_build
from generator.serve.service_worker import HASHED

RECORD = ".release.json"
KEEP = 2  # previous releases whose hashed files a new release carries


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a copy
        shutil.copy2(source, target)


def own_hashed(site: Path) -> list[str]:
    """The content-hashed files of a build, their compressed siblings included (``x.br`` has
    ``x``'s hash in its name too)."""
    return sorted(relative for p in site.rglob("*")
                  if p.is_file() and HASHED.search(relative := p.relative_to(site).as_posix()))


def releases(folder: Path) -> list[Path]:
    """The releases in ``folder``, oldest first (their names start with their UTC time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / RECORD).is_file())


def assemble(site: Path, folder: Path, keep: int = KEEP) -> Path:
    """A new release of the complete build ``site`` in ``folder``, carrying the own hashed files
    of the ``keep`` latest releases there; returns its path."""
    stamp = atomic_build.check(site)  # never a partial or altered build
    previous = releases(folder)[-keep:] if keep > 0 else []
    name = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-{str(stamp['tree'])[:8]}"
    target = folder / name
    scratch = folder / f".{name}.tmp"
    shutil.copytree(site, scratch, copy_function=_link_or_copy)
    carried: dict[str, list[str]] = {}
    for release in previous:
        record = json.loads((release / RECORD).read_text(encoding="utf-8"))
        for relative in record["own"]:
            if not (scratch / relative).exists() and (release / relative).is_file():
                _link_or_copy(release / relative, scratch / relative)
                carried.setdefault(release.name, []).append(relative)
    record = {"build": stamp["tree"], "own": own_hashed(site), "carried": carried}
    (scratch / RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    scratch.rename(target)
    return target


def switch(live: Path, release: Path) -> None:
    """Point the symbolic link ``live`` at ``release`` in one rename: a request sees the old
    release or the new one, never neither."""
    tmp = live.with_name(f".{live.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(os.path.relpath(release, live.parent))
    tmp.replace(live)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.serve.release")
    parser.add_argument("site", nargs="?", default="site")
    parser.add_argument("releases", nargs="?", default="releases")
    parser.add_argument("--keep", type=int, default=KEEP,
                        help=f"previous releases whose hashed files are kept (default {KEEP})")
    parser.add_argument("--live", default=None, help="the link to switch (RELEASES/current)")
    args = parser.parse_args(argv)
    folder = Path(args.releases)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        release = assemble(Path(args.site), folder, args.keep)
    except atomic_build.Incomplete as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    live = Path(args.live) if args.live else folder / "current"
    switch(live, release)
    record = json.loads((release / RECORD).read_text(encoding="utf-8"))
    kept = sum(len(files) for files in record["carried"].values())
    print(f"{live} → {release.name}: {kept} hashed files kept from "
          f"{len(record['carried'])} earlier release(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
