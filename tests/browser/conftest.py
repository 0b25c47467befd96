"""Fixtures of the browser suite: pages of Debian's Chromium driven by Playwright (never a
downloaded browser) on the site built once per run and served on 127.0.0.1 (``built_site``,
``server`` and the browser's launch flags are in tests/conftest.py, shared by every suite).

Every request is routed: one that is not for 127.0.0.1 is aborted and fails the test, and so
does any console error or uncaught page error (a test that provokes errors on purpose lists the
ones it expects).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, Route

LOCAL_HOSTS = {"127.0.0.1"}
BOOT_TIMEOUT_MS = 30_000
# A browser without shared workers: each page starts a calculator worker of its own. Chromium
# keeps a shared worker alive across page loads (qz-head.js), so a context's pages would share
# one Python, and a test's start (its routes, its failures) would meet the one a test before
# left running; tests/browser/test_next_page.py tests the shared worker, in contexts of its own.
NO_SHARED_WORKER = "delete window.SharedWorker;"
# For tests of a page's layout, not its answers: the calculator's worker is created but never
# starts Python (it stays "loading", as every page is when its load event fires), so a sweep
# over every page does not start Pyodide on each measure page only to stop it at the next
# (a third of a sweep's processor time). Other workers (Material's search) are real.
SILENT_CALCULATOR = """(() => {
  const Real = window.Worker;
  window.Worker = class extends Real {
    constructor(url, options) {
      const silent = /calc-worker/.test(String(url));
      super(silent ? URL.createObjectURL(new Blob([""])) : url, silent ? {} : options);
    }
  };
})();"""


@dataclass
class Guard:
    """What the routed context saw during one test."""

    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """An error message this test provokes on purpose."""
        self.allowed.append(re.compile(pattern))

    def open_page(self, context: BrowserContext) -> Page:
        """A fresh page in ``context``, this guard's record emptied for it."""
        self.offsite.clear()
        self.errors.clear()
        self.allowed.clear()
        page = context.new_page()
        page.set_default_timeout(BOOT_TIMEOUT_MS)
        return page

    def check(self) -> None:
        unexpected = [e for e in self.errors if not any(p.search(e) for p in self.allowed)]
        assert not self.offsite, f"requests left 127.0.0.1: {self.offsite}"
        assert not unexpected, f"console errors: {unexpected}"


def _local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"blob", "data"}:
        return parts.scheme == "data" or _local(parts.path)
    return parts.hostname in LOCAL_HOSTS


def throttle(page: Page, down_bits: float, up_bits: float, latency_ms: int) -> CDPSession:
    """Chromium's link emulation for ``page`` and its dedicated workers (bits per second; not
    for a service worker, ENGINEERING.md); ``unthrottle`` with the session it returns."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency_ms, "downloadThroughput": down_bits / 8,
        "uploadThroughput": up_bits / 8})
    return cdp


def unthrottle(cdp: CDPSession) -> None:
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def guarded_context(browser: Browser, init_script: str | None = None,
                    service_workers: bool = False,
                    locale: str = "zh-CN",
                    shared_workers: bool = False) -> tuple[BrowserContext, Guard]:
    """A context whose off-site requests are aborted and whose console errors are collected.
    The site's service worker is blocked unless asked for: a test that routes the runtime's
    requests must see them, not the worker's cache (tests/browser/test_network.py tests it).
    Pages have no SharedWorker unless asked for (``NO_SHARED_WORKER``).
    The browser speaks Chinese, as the site's readers do, unless ``locale`` says otherwise: an
    English one is offered the English pages (tests/deploy/test_english_visitors.py)."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale=locale,
                                  service_workers="allow" if service_workers else "block")
    guard = Guard()

    def route(r: Route) -> None:
        if _local(r.request.url):
            r.fallback()
        else:
            guard.offsite.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    if not shared_workers:
        context.add_init_script(NO_SHARED_WORKER)
    if init_script:
        context.add_init_script(init_script)
    context.on("console", lambda m: guard.errors.append(m.text) if m.type == "error" else None)
    context.on("weberror", lambda e: guard.errors.append(f"uncaught: {e.error}"))
    return context, guard


@pytest.fixture(scope="module")
def routed(browser: Browser) -> Iterator[tuple[BrowserContext, Guard]]:
    """One context per test module (its cache keeps repeated page loads fast)."""
    context, guard = guarded_context(browser)
    yield context, guard
    context.close()


@pytest.fixture
def guard(routed: tuple[BrowserContext, Guard]) -> Guard:
    return routed[1]


@pytest.fixture
def page(routed: tuple[BrowserContext, Guard]) -> Iterator[Page]:
    """A fresh page in the module's routed context; the test fails on errors or off-site
    requests."""
    context, guard = routed
    page = guard.open_page(context)
    yield page
    page.close()
    guard.check()
