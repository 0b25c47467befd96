"""Fixtures every suite shares, defined once here so that each xdist worker starts at most one of
each (a fixture imported into another conftest would be a second copy, started again):

- ``site``: the real data's site, built once per run for all workers (tests/builds.py), as a
  ``Build`` (its pages, output and return code); ``built_site``: the same folder as a path.
  Both are read-only: a test that changes a site copies it first (hard links are cheap).
- ``server``: that site on 127.0.0.1, a port the OS chose, once per worker.
- ``browser_type_launch_args``: pytest-playwright's ``browser`` (once per worker) is Debian's
  Chromium with the flags this machine needs.

And how a run is shared out (`make test`: ``-n auto --dist loadscope --no-loadscope-reorder``):
each test module goes whole to one worker, so its module-scoped fixtures (a browser context, a
build of other data) start once per run; the engine suite goes whole to one worker, so Firefox
and WebKitGTK start once. pytest-randomly shuffles the order; then the tests that build a site
or drive a browser go first, so the quick ones fill the end and the workers finish together.

How a new test gets these is in tests/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from generator.serve.static_server import Server, serving

from .browser.chromium import CHROMIUM, CHROMIUM_ARGS
from .builds import Build, shared_build

ONE_UNIT = ("tests/engines/",)  # folders whose tests all go to one worker


class ModulesTogether(LoadScopeScheduling):
    """xdist's loadscope (one unit per module, or per class), with each ``ONE_UNIT`` folder as one
    unit. (``--dist loadgroup`` would do it with marks, but it does not group on pytest 9.2:
    pytest-xdist issue 1386.)"""

    def _split_scope(self, nodeid: str) -> str:
        folder = next((f for f in ONE_UNIT if nodeid.startswith(f)), None)
        return folder or super()._split_scope(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    return ModulesTogether(config, log) if config.getvalue("dist") == "loadscope" else None


# What goes first: modules with builds of their own (the longest single tests, a build with
# no cache among them), then the browsers; the tests that take milliseconds fill the end.
LONG_RUNNING = (("slow",), ("browser", "engines"))


def _start_rank(item: pytest.Item) -> int:
    ranks = (n for n, marks in enumerate(LONG_RUNNING)
             if any(item.get_closest_marker(mark) for mark in marks))
    return next(ranks, len(LONG_RUNNING))


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle and pytest's fixture grouping
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_start_rank)  # stable: the shuffled order stays within each rank


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium with the flags this machine needs."""
    if not Path(CHROMIUM).is_file():
        pytest.fail("Debian's chromium is not installed: run `make browser-deps`")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    built = shared_build(tmp_path_factory)
    assert built.returncode == 0, built.output
    return built


@pytest.fixture(scope="session")
def built_site(site: Build) -> Path:
    """The folder of the session's ``mkdocs build --strict`` (read-only)."""
    return site.site


@pytest.fixture(scope="session")
def server(built_site: Path) -> Iterator[Server]:
    with serving(built_site) as running:
        yield running
