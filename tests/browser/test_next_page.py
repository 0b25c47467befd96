"""The next page: a full page load right after a calculator's first result finds Python running.

Chromium keeps a shared worker alive across page loads when asked to (SharedWorker's
``extendedLifetime``): qz-head.js starts the calculator's worker as one, so the next page of the
site connects to the Python the page before started instead of starting its own (issue 22: on a
phone link, before the memory snapshot is kept, that start took ~2.4 s). Each test has a context
of its own with shared workers on (the suite's other contexts have none: tests/browser/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from generator.serve.static_server import Server, serving

from .calcpage import Calc, figures_of, measure_url, policy
from .conftest import NO_SHARED_WORKER, Guard, guarded_context

pytestmark = pytest.mark.browser

ON = dt.date(2026, 6, 1)
FEE = {"fee": "60000"}


@pytest.fixture
def shared(browser: Browser) -> Iterator[tuple[Page, Guard]]:
    context, guard = guarded_context(browser, shared_workers=True)
    page = guard.open_page(context)
    try:
        yield page, guard
        guard.check()
    finally:
        context.close()


@contextmanager
def without_wasm(page: Page, served: Path) -> Iterator[None]:
    """The runtime's wasm missing from ``served`` (a site copy), put back after. Playwright
    does not route a shared worker's requests: the server itself must fail them."""
    files = sorted(served.glob("assets/pyodide/*/pyodide.asm.wasm*"))
    assert files
    for file in files:
        file.rename(file.with_name(file.name + ".away"))
    try:
        yield
    finally:
        for file in files:
            file.with_name(file.name + ".away").rename(file)
        # A hashed URL's answer is cached as immutable, its 404 too.
        page.context.new_cdp_session(page).send("Network.clearBrowserCache")


def patient(route: Route) -> None:
    """The page as built, with a stall limit no loaded machine reaches: the page shows the
    failure the worker reports (after which the worker is gone), not a stall before it."""
    response = route.fetch()
    body = re.sub(r'"watchdogMs":\d+', '"watchdogMs":600000', response.text())
    route.fulfill(response=response, body=body)


@pytest.fixture
def served(built_site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy, copy_function=os.link)
    return copy


def booted(page: Page) -> bool:
    """Did this page's worker start Python (its boot stage), or join one that had?"""
    return bool(page.evaluate("performance.getEntriesByName('qz-calc:boot').length > 0"))


def test_the_next_page_answers_from_the_python_the_page_before_started(
        shared: tuple[Page, Guard], server: Server) -> None:
    page, _ = shared
    m = policy().measure("3.1")
    first = Calc.open(page, server.url, m, "zh")
    first.enter(FEE, ON)
    assert booted(page)
    assert page.evaluate("window.qzCalcWorker.worker.shared") is True
    # A full page load (not Material's instant navigation): the other language, another measure.
    for lang, measure in (("en", m), ("en", policy().measure("5.2"))):
        page.goto(measure_url(server.url, measure, lang))
        calculator = Calc(page, page.locator(f'[data-qz-calc][data-measure="{measure.id}"]'),
                          measure, lang)
        calculator.wait_ready()
        expect(calculator.root).to_have_attribute("data-engine", "running")
        assert not booted(page)
    page.goto(f"{server.url}self-check/")  # the self-check asks the same worker
    expect(page.locator("[data-qz-selfcheck]")).to_have_attribute("data-engine", "running")
    assert not booted(page)
    calculator = Calc.open(page, server.url, m, "en")
    calculator.enter(FEE, ON)
    assert calculator.figures() == figures_of(m, FEE, ON)


def open_failed(page: Page, served: Path, url: str) -> Locator:
    """``url``'s calculator, whose start failed (no wasm on the server): its root."""
    page.route(url, patient)
    with without_wasm(page, served):
        page.goto(url)
        root = page.locator("[data-qz-calc]")
        expect(root).to_have_attribute("data-state", "failed", timeout=90_000)
    page.unroute(url)
    return root


def test_a_start_that_failed_is_not_joined_by_the_next_page(
        shared: tuple[Page, Guard], served: Path) -> None:
    page, guard = shared
    guard.allow("pyodide.asm.wasm")
    m = policy().measure("3.1")
    with serving(served) as server:
        open_failed(page, served, measure_url(server.url, m, "zh"))
        calculator = Calc.open(page, server.url, m, "en")  # a worker of its own, which starts
        assert booted(page)
        calculator.enter(FEE, ON)
        assert calculator.figures() == figures_of(m, FEE, ON)


def test_a_retry_starts_a_worker_of_the_page_own(shared: tuple[Page, Guard],
                                                 served: Path) -> None:
    page, guard = shared
    guard.allow("pyodide.asm.wasm")
    m = policy().measure("3.1")
    with serving(served) as server:
        root = open_failed(page, served, measure_url(server.url, m, "en"))
        root.locator('[data-action="retry"]').click()
        calculator = Calc(page, root, m, "en")
        calculator.wait_ready()
        # Not the shared worker: one that failed this page may be stuck for every page using it.
        assert page.evaluate("window.qzCalcWorker.worker instanceof Worker") is True
        calculator.enter(FEE, ON)
        assert calculator.figures() == figures_of(m, FEE, ON)


def test_a_shared_worker_started_offline_computes_from_what_the_service_worker_kept(
        browser: Browser, server: Server) -> None:
    context, guard = guarded_context(browser, service_workers=True, shared_workers=True)
    try:
        first = guard.open_page(context)
        first.add_init_script(NO_SHARED_WORKER)  # the first visit's worker ends with its page
        m = policy().measure("3.1")
        Calc.open(first, server.url, m, "zh")
        first.wait_for_function("() => navigator.serviceWorker.controller !== null")
        first.close()
        context.set_offline(True)
        page = guard.open_page(context)
        calculator = Calc.open(page, server.url, m, "en")
        assert booted(page) and page.evaluate("window.qzCalcWorker.worker.shared") is True
        calculator.enter(FEE, ON)
        assert calculator.figures() == figures_of(m, FEE, ON)
        guard.check()
    finally:
        context.set_offline(False)
        context.close()
