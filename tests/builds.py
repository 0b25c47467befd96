"""Real ``mkdocs build --strict`` runs in a subprocess, and the one build of the real data that
every suite reads: made once per test run, whichever xdist worker asks first, behind a file
lock; the other workers wait for it and read the same result (tests/README.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Build:
    site: Path
    returncode: int
    output: str  # stdout and stderr together, as an editor sees them
    seconds: float

    def page(self, path: str) -> str:
        """The HTML of the page at a directory URL such as ``measures/3.1/`` or ``en/``."""
        return (self.site / path / "index.html").read_text(encoding="utf-8")

    def pages(self) -> set[str]:
        return {p.parent.relative_to(self.site).as_posix() + "/"
                for p in self.site.rglob("index.html")}


def build(site: Path, data: Path | None = None, **env: str) -> Build:
    """Build into ``site`` from ``data`` (a copy of policy_data/; None: the real one), with
    ``env`` added to the environment (``QZ_CACHE_DIR`` for a private cache)."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}
    environment.pop("QZ_POLICY_DATA", None)
    if data is not None:
        environment["QZ_POLICY_DATA"] = str(data)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(site)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False)
    return Build(site, done.returncode, done.stdout + done.stderr, time.monotonic() - start)


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder of this test run that all its xdist workers share (each worker's own basetemp
    is a subfolder of the run's)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_build(factory: pytest.TempPathFactory) -> Build:
    """The real site, built once per run; the tests only read it. A failed build is reported
    by every worker that asks, never built again."""
    folder = run_folder(factory) / "shared-site"
    folder.mkdir(exist_ok=True)
    record = folder / "build.json"
    with FileLock(folder / "lock"):
        if not record.is_file():
            built = build(folder / "site")
            record.write_text(json.dumps({**asdict(built), "site": str(built.site)}),
                              encoding="utf-8")
    fields = json.loads(record.read_text(encoding="utf-8"))
    return Build(**{**fields, "site": Path(fields["site"])})
