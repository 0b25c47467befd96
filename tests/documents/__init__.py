"""Plainly fictional documents (示例 / example) for the tests of documents in time (issue 23):
an amendment raising 3.1's cap from 2027-01-01, a county supplement adding to 3.1 and 5.1 under
two stacking rules, and a successor replacing qz-2025-18 from 2030-01-01. Never deployed: only
tests copy them, beside the real data, into a scratch ``policy_data/``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from tests.builds import run_folder

HERE = Path(__file__).resolve().parent
REAL = HERE.parents[1] / "policy_data"
AMENDMENT = "example-amend-2026"
COUNTY = "example-county-2026"
SUCCESSOR = "example-successor-2030"
ALL = (AMENDMENT, COUNTY, SUCCESSOR)
# The day the fixture sites are built: their pages first show that day, the browser tests move
# the clock to read them on others.
BUILD_DAY = "2026-12-07"


def data_with(target: Path, *documents: str) -> Path:
    """``target/policy_data``: the real data and the named fixture documents (all by default)."""
    root = target / "policy_data"
    shutil.copytree(REAL, root)
    for name in documents or ALL:
        shutil.copytree(HERE / name, root / name)
    return root


def build_site(target: Path, today: str | None = None, documents: tuple[str, ...] = ALL) -> Path:
    """``mkdocs build --strict`` of the real data and the fixtures (``documents``) into
    ``target/site``; ``today``: the build day the statuses are first shown for (QZ_TODAY)."""
    import os
    import subprocess
    import sys

    root = data_with(target, *documents)
    site = target / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QZ_POLICY_DATA": str(root)}
    env.pop("QZ_TODAY", None)
    if today:
        env["QZ_TODAY"] = today
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f",
                           str(REAL.parent / "mkdocs.yml"), "-d", str(site)],
                          cwd=REAL.parent, env=env, capture_output=True, text=True, timeout=900,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def shared_site(factory: pytest.TempPathFactory, today: str,
                documents: tuple[str, ...] = ALL) -> Path:
    """The folder holding ``site/`` and ``policy_data/`` of ``build_site(…, today, documents)``,
    built once per test run for every module and xdist worker that asks (tests/builds.py does
    the same for the real site); read-only for the tests."""
    folder = run_folder(factory) / f"documents-{today}-{'+'.join(documents)}"
    folder.mkdir(exist_ok=True)
    with FileLock(folder.with_name(folder.name + ".lock")):
        if not (folder / "built").is_file():
            for stale in ("site", "policy_data"):  # a build that failed half-way
                shutil.rmtree(folder / stale, ignore_errors=True)
            build_site(folder, today, documents)
            (folder / "built").touch()
    return folder
