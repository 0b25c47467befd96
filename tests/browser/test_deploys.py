"""Deploys meeting visitors: a new build published while the service worker installs the old one
leaves one build in its cache, never a mix; a release switched while a page starts on a slow link
still serves that page's runtime, so its calculator answers; the memory snapshot is stored once
(by the calculator's worker, never by the service worker) and never downloaded with Save-Data.

Each test serves a symbolic link to a release folder and switches it in one rename
(generator/serve/release.py), at a moment the server chooses: after some of the install's pages,
at the page's first runtime request."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from generator.serve import atomic_build, release, service_worker
from generator.serve.static_server import Handler, serving
from tests.deploy.test_netlink import _netlink

from .calcpage import READY_MS, Calc, policy
from .conftest import Guard, guarded_context
from .test_network import (
    _new_build,
    _RecordingHandler,
    assert_matches_cpython,
    wait_for_service_worker,
    wait_for_the_snapshot,
)

pytestmark = pytest.mark.browser

NEXT = "<!-- qz-test: the next build -->"
DATA = Path(__file__).resolve().parents[2] / "policy_data"


def _copy(site: Path, target: Path) -> Path:
    """A copy of a build made of hard links (never written through: files are replaced)."""
    shutil.copytree(site, target, copy_function=os.link)
    return target


def _replace(path: Path, text: str) -> None:
    """Write a new file in place of a hard link, and drop its stale compressed siblings."""
    path.unlink()
    path.write_text(text, encoding="utf-8")
    for sibling in (".br", ".gz"):
        path.with_name(path.name + sibling).unlink(missing_ok=True)


def _new_service_worker(site: Path) -> None:
    for name in ("sw.js", "sw.js.br", "sw.js.gz", service_worker.PAGES_JSON):
        (site / name).unlink(missing_ok=True)
    service_worker.write(site, ["", "en/"], service_worker=True)


def _next_pages(site: Path, target: Path) -> Path:
    """The next build as a data edit makes it: every page changed, the runtime the same."""
    _copy(site, target)
    for page in target.rglob("*.html"):
        _replace(page, page.read_text("utf-8").replace("</body>", f"{NEXT}</body>", 1))
    _new_service_worker(target)
    return target


@dataclass
class Deploy:
    """When the server points the link ``live`` at ``to``: at the ``after``-th request whose
    path matches ``counted`` (with ``fetched_only``, only those a script asked for with fetch(),
    such as the service worker's install, not navigations)."""

    live: Path
    to: Path
    counted: re.Pattern[str]
    after: int
    fetched_only: bool
    switched: threading.Event = field(default_factory=threading.Event)
    paths: list[str] = field(default_factory=list)  # every request, in order
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Deploying(Handler):
    """The site as static_server serves it, from the link its ``deploy`` switches."""

    deploy: ClassVar[Deploy]

    def send_head(self):  # type: ignore[no-untyped-def]
        deploy = self.deploy
        path = self.path.split("?", 1)[0]
        fetched = self.headers.get("Sec-Fetch-Dest") == "empty"
        with deploy.lock:
            deploy.paths.append(path)
            if deploy.counted.search(path) and (fetched or not deploy.fetched_only):
                deploy.after -= 1
                if deploy.after == 0:
                    release.switch(deploy.live, deploy.to)
                    deploy.switched.set()
        return super().send_head()  # type: ignore[no-untyped-call]


def _wait(page: Page, event: threading.Event, why: str) -> None:
    """Until ``event`` is set; in Playwright's time, whose loop routes every request."""
    deadline = time.monotonic() + READY_MS / 1000
    while not event.is_set():
        assert time.monotonic() < deadline, why
        page.wait_for_timeout(50)


@pytest.fixture
def sw_context(browser: Browser) -> Iterator[tuple[BrowserContext, Guard]]:
    context, guard = guarded_context(browser, service_workers=True)
    yield context, guard
    context.close()
    guard.check()


# The build each cached page belongs to ("next" if it has the marker): other files are the same
# in both builds and say nothing.
CACHED_BUILDS = """async (marker) => {
  const found = {};
  for (const name of await caches.keys()) {
    if (!name.startsWith("qz-pages-")) continue;
    const cache = await caches.open(name);
    const builds = new Set();
    let pages = 0;
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (!(response.headers.get("content-type") ?? "").startsWith("text/html")) continue;
      pages += 1;
      builds.add((await response.text()).includes(marker) ? "next" : "first");
    }
    found[name] = { builds: [...builds].sort(), pages };
  }
  return found;
}"""

# What became of the service worker the page registered: its states, in order.
WATCH_INSTALL = """window.__install = [];
if (navigator.serviceWorker) {
  const register = navigator.serviceWorker.register.bind(navigator.serviceWorker);
  navigator.serviceWorker.register = (...args) => register(...args).then((registration) => {
    const worker = registration.installing;
    if (worker) {
      window.__install.push(worker.state);
      worker.addEventListener("statechange", () => window.__install.push(worker.state));
    }
    return registration;
  });
}"""


def _install_outcome(page: Page) -> str:
    """How the install this page started ended: "activated" or "redundant" (failed)."""
    page.wait_for_function("() => window.__install.some((s) => s === 'activated' || "
                           "s === 'redundant')", timeout=READY_MS, polling=100)
    return str(page.evaluate("() => window.__install.at(-1)"))


def test_a_deploy_during_the_install_leaves_one_build_in_the_cache(
        browser: Browser, built_site: Path, tmp_path: Path) -> None:
    context, guard = guarded_context(browser, WATCH_INSTALL, service_workers=True)
    first = _copy(built_site, tmp_path / "first")
    second = _next_pages(built_site, tmp_path / "second")
    pages = sum(1 for _ in second.rglob("index.html"))
    live = tmp_path / "live"
    release.switch(live, first)
    # The install fetches every page of the build; after ten of them the next build is live.
    deploy = Deploy(live, second, re.compile(r"/$"), 10, fetched_only=True)
    try:
        with serving(live, handler=_Deploying, deploy=deploy) as server:
            page = guard.open_page(context)
            page.goto(f"{server.url}glossary/")
            _wait(page, deploy.switched, "the install never fetched ten pages")
            outcome = _install_outcome(page)
            for name, kept in page.evaluate(CACHED_BUILDS, NEXT).items():
                assert len(kept["builds"]) <= 1, f"{name} holds two builds' pages: {kept}"
            assert outcome == "redundant"  # it met the next build's pages: failed, whole

            # The next visit gets the new build, and its worker keeps all of it.
            page.goto(f"{server.url}glossary/")
            assert _install_outcome(page) == "activated"
            kept = page.evaluate(CACHED_BUILDS, NEXT)
            assert list(kept.values()) == [{"builds": ["next"], "pages": pages}], kept
            page.close()
    finally:
        context.close()
    guard.check()


def _stamped(site: Path) -> Path:
    atomic_build.stamp(site, DATA)
    return site


def test_a_release_switched_while_a_page_starts_on_a_slow_link_still_serves_its_runtime(
        browser: Browser, built_site: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    first = release.assemble(_stamped(_copy(built_site, tmp_path / "first")), releases)
    old, new = _new_build(built_site, tmp_path / "second")
    second = release.assemble(_stamped(tmp_path / "second"), releases)
    live = tmp_path / "live"
    release.switch(live, first)
    # The page has its HTML from the first release; its first runtime request meets the second.
    deploy = Deploy(live, second, re.compile(r"^/assets/pyodide/"), 1, fetched_only=False)
    context, guard = guarded_context(browser)
    try:
        with serving(live, handler=_Deploying, deploy=deploy) as server, _netlink().Link(
                server.server_address[1], 8e6, 2e6, 80).running() as link:
            page = guard.open_page(context)
            m = policy().measure("3.1")
            calculator = Calc.open(page, f"http://127.0.0.1:{link.port}/", m, "zh")
            assert deploy.switched.is_set()
            assert page.evaluate("() => window.qzCalcWorker.runtime").endswith(f"/{old}/")
            assert assert_matches_cpython(calculator, "3.1") > 0
            runtime = [p for p in deploy.paths if p.startswith("/assets/pyodide/")]
            assert runtime and all(f"/{old}/" in p for p in runtime), runtime
            # The next page loaded is the new release's, with its own runtime.
            Calc.open(page, f"http://127.0.0.1:{link.port}/", policy().measure("3.2"), "zh")
            assert page.evaluate("() => window.qzCalcWorker.runtime").endswith(f"/{new}/")
            page.close()
    finally:
        context.close()
    guard.check()


# ------------------------------------------------------------------ the snapshot, once

# Save-Data as a browser with data saving on reports it to the page (the request header
# `Save-Data: on` goes with it); the page tells the calculator's worker (qz-head.js).
SAVE_DATA = """Object.defineProperty(navigator, "connection", {configurable: true,
  value: Object.assign(new EventTarget(), {saveData: true, effectiveType: "4g"})});"""
KEPT = """async (name) => (await (await caches.open(name)).keys()).map((r) => r.url)
                    .filter((u) => u.endsWith("/snapshot.bin"))"""
IDLE_MS = 1000  # web/calc-worker.js: after the first answer, before the snapshot download


def _visit(page: Page, base: str) -> Calc:
    """Measure 3.1 opened, its examples computed, the service worker in control."""
    calculator = Calc.open(page, base, policy().measure("3.1"), "zh")
    assert assert_matches_cpython(calculator, "3.1") > 0
    wait_for_service_worker(page)
    return calculator


def test_the_snapshot_is_kept_once_by_the_calculators_worker_not_the_service_worker(
        sw_context: tuple[BrowserContext, Guard], built_site: Path) -> None:
    context, guard = sw_context
    with serving(built_site, handler=_RecordingHandler, paths=[]) as server:
        handler = server.RequestHandlerClass.func  # type: ignore[attr-defined]
        page = guard.open_page(context)
        _visit(page, server.url)
        wait_for_the_snapshot(page)
        assert page.evaluate(KEPT, "qz-immutable") == []
        assert len(page.evaluate(KEPT, "qz-calc-snapshot")) == 1
        asked = [p for p in handler.paths if p.endswith("/snapshot.bin")]
        assert len(asked) == 1, asked


def test_with_save_data_the_snapshot_is_never_downloaded(
        browser: Browser, built_site: Path) -> None:
    context, guard = guarded_context(browser, SAVE_DATA, service_workers=True)
    context.set_extra_http_headers({"Save-Data": "on"})
    try:
        with serving(built_site, handler=_RecordingHandler, paths=[]) as server:
            handler = server.RequestHandlerClass.func  # type: ignore[attr-defined]
            page = guard.open_page(context)
            assert page.evaluate("() => navigator.connection.saveData") is True
            for visit in ("first", "second"):
                calculator = _visit(page, server.url)
                assert calculator.root.get_attribute("data-engine") == "core", visit
                page.wait_for_timeout(IDLE_MS * 3)  # past the moment it would have started
            assert [p for p in handler.paths if p.endswith("/snapshot.bin")] == []
            for cache in ("qz-immutable", "qz-calc-snapshot"):
                assert page.evaluate(KEPT, cache) == [], cache
            page.close()
    finally:
        context.close()
    guard.check()
