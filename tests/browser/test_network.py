"""The calculator on real networks: a slow download that goes on is never given up (progress
bar, no total-time limit), a stalled one says so and can be retried, a CSP that keeps Python
from starting is caught by the same stall detector, the service worker makes one visit enough
to compute offline and replaces the runtime when a new build has a new one, and instant
navigation carries the booted worker to the next measure.

Not timed: each test checks what happens, not how fast (scripts/bench.py measures)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, ClassVar

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect

import calc
from generator.runtime.pyodide_build import CORE
from generator.serve import service_worker
from generator.serve.static_server import Handler, Server, serving

from .calcpage import (
    READY_MS,
    Calc,
    calculator_on,
    cpython,
    example_on,
    measure_url,
    policy,
    search,
    ui,
    with_config,
)
from .conftest import Guard, guarded_context, throttle, unthrottle
from .test_selfcheck import SelfCheck, expected, profile, rows_of

pytestmark = pytest.mark.browser

STATE_31 = "#calc=3.1&fee=60000&on=2026-06-01"
# Every value the page shows of the download, as it changes (web/calculator.js sets it).
RECORD_PROGRESS = """
window.__loaded = [];
addEventListener("DOMContentLoaded", () => {
  for (const root of document.querySelectorAll("[data-qz-calc], [data-qz-selfcheck]")) {
    new MutationObserver(() => {
      const bar = root.querySelector('[data-slot="progress"]');
      window.__loaded.push([Number(root.dataset.loaded), bar.value, bar.max]);
    }).observe(root, {attributes: true, attributeFilter: ["data-loaded"]});
  }
});
"""


def measure(measure_id: str) -> Any:
    return policy().measure(measure_id)


def stall_limit_ms(page: Page) -> int:
    return int(json.loads(page.locator("#qz-calc-config").text_content() or "{}")["watchdogMs"])


def shorter_stall(route: Route, ms: int, csp: str | None = None) -> None:
    """The response as built, with a shorter stall limit (and a CSP header if given)."""
    response = route.fetch()
    body = re.sub(r'"watchdogMs":\d+', f'"watchdogMs":{ms}', response.text())
    headers = {**response.headers, **({"content-security-policy": csp} if csp else {})}
    route.fulfill(response=response, body=body, headers=headers)


def assert_matches_cpython(calculator: Calc, measure_id: str) -> int:
    """Every worked example of the measure, typed in, shows what CPython computes."""
    m = measure(measure_id)
    checked = 0
    for example in m.examples:
        want = cpython(m, example.inputs, example_on(example))
        calculator.reset()
        calculator.enter(example.inputs, example_on(example))
        if isinstance(want, calc.CalcError):
            assert calculator.figures() == {"award": None, "city": None, "county": None}
        else:
            assert calculator.figures() == {"award": str(want.award), "city": str(want.city),
                                            "county": str(want.county)}, example.name.en
        checked += 1
    return checked


@pytest.fixture
def sw_context(browser: Browser) -> Iterator[tuple[BrowserContext, Guard]]:
    """A fresh context (no cache, no service worker yet) where the site's worker may register."""
    context, guard = guarded_context(browser, RECORD_PROGRESS, service_workers=True)
    yield context, guard
    context.close()
    guard.check()


def wait_for_service_worker(page: Page) -> None:
    """Until the site's service worker is installed, active and controls the page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                           timeout=READY_MS)


SNAPSHOT_KEPT = """async () => (await (await caches.open("qz-calc-snapshot")).keys())
                    .some((r) => r.url.endsWith("/snapshot.bin"))"""


def wait_for_the_snapshot(page: Page) -> None:
    """Until the calculator's worker has kept the snapshot for later visits. (Polled here:
    Playwright's wait_for_function takes an async function's promise for a truthy answer.)"""
    deadline = time.monotonic() + READY_MS / 1000
    while not page.evaluate(SNAPSHOT_KEPT):
        assert time.monotonic() < deadline, "the snapshot was not kept"
        page.wait_for_timeout(250)


def wait_until_settled(page: Page) -> None:
    """Until the first visit's background work is done, as a returning visitor finds it: the
    service worker installed, then the snapshot kept by the calculator's worker."""
    wait_for_service_worker(page)
    wait_for_the_snapshot(page)


def _with_service_worker(site: Path) -> None:
    """A new sw.js for ``site``, whose pages were changed: its manifest names their digests."""
    for name in ("sw.js", "sw.js.br", "sw.js.gz"):
        (site / name).unlink(missing_ok=True)  # a hard link, or the server's stale sibling
    service_worker.write(site, ["", "en/"], service_worker=True)


# ------------------------------------------------------------------ slow, stalled, blocked


def test_a_throttled_start_completes_past_the_stall_limit(
        sw_context: tuple[BrowserContext, Guard], server: Server) -> None:
    context, guard = sw_context
    page = guard.open_page(context)
    # 1 Mbit/s: even the first visit's ≈3.7 MB (the core runtime) needs well over the old 20 s
    # total limit, so only a stall detector lets it finish.
    cdp = throttle(page, 1e6, 0.5e6, 150)
    snapshot: list[str] = []
    page.on("request",
            lambda r: snapshot.append(r.url) if r.url.endswith("/snapshot.bin") else None)
    started = time.monotonic()
    calculator = Calc(page, page.locator("[data-qz-calc]"), measure("3.1"), "en")
    page.goto(measure_url(server.url, measure("3.1"), "en", STATE_31))
    expect(calculator.root).to_have_attribute("data-state", "ready", timeout=180_000)
    took = time.monotonic() - started
    # A slow link: Python starts on its own; nothing but what the start needs is downloaded.
    expect(calculator.root).to_have_attribute("data-engine", "core")
    assert snapshot == []
    limit = stall_limit_ms(page) / 1000
    assert took > limit, f"not throttled: ready after {took:.1f} s"
    samples = page.evaluate("window.__loaded")
    loaded = [s[0] for s in samples]
    assert len(set(loaded)) >= 10, samples  # the bar moved, many times
    assert loaded == sorted(loaded)
    last, value, maximum = samples[-1]
    assert last == value == maximum > 0  # a real total, reached
    calculator.wait_idle()
    want = cpython(measure("3.1"), {"fee": "60000"}, dt.date(2026, 6, 1))
    assert isinstance(want, calc.Estimate)
    assert calculator.figures()["award"] == str(want.award)
    unthrottle(cdp)


def state_of(measure_id: str, inputs: dict[str, Any], on: dt.date) -> str:
    """The calculator's link fragment for these inputs (as its "copy link" writes it)."""
    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return ",".join(value) if isinstance(value, list) else str(value)
    parts = [f"calc={measure_id}", *(f"{k}={text(v)}" for k, v in inputs.items()),
             f"on={on.isoformat()}"]
    return "#" + "&".join(parts)


def test_a_stalled_download_says_so_keeps_share_and_print_and_retry_finishes_it(
        page: Page, server: Server) -> None:
    held: list[Route] = []
    # the core stdlib zip, which every first start needs: never answered
    page.route(f"**/{CORE}", lambda route: held.append(route))
    page.route("**/measures/3.1/", lambda route: shorter_stall(route, 2000))
    page.add_init_script("window.print = () => { window.__printed = true; }")
    m = measure("3.1")
    calculator = Calc(page, page.locator("[data-qz-calc]"), m, "zh")
    page.goto(measure_url(server.url, m, "zh", STATE_31))
    root = calculator.root
    expect(root).to_have_attribute("data-state", "stalled", timeout=15_000)
    status = root.locator('[data-slot="status"]')
    expect(status).to_have_text(ui("zh")["calc.status.stalled"].format(seconds=2))
    assert "浏览器无法" not in (status.text_content() or "")  # the network, not the browser
    expect(page.locator(".qz-example").first).to_be_visible()
    retry = root.locator('[data-action="retry"]')
    expect(retry).to_be_visible()
    expect(retry).to_have_text(ui("zh")["calc.retry"])
    # Share and print need no Python.
    root.locator('[data-action="print"]').click()
    assert page.evaluate("window.__printed") is True
    calculator.control("fee").fill("70000")
    root.locator('[data-action="copy"]').click()
    page.wait_for_function("() => location.hash.includes('fee=70000')")

    page.unroute(f"**/{CORE}")
    for route in held:
        route.abort()
    # The short limit only provoked the stall: the retry gets the build's, so a busy machine's
    # slow Python start (no bytes then) is not taken for a stall.
    page.evaluate("""() => {
        const element = document.getElementById("qz-calc-config");
        element.textContent = JSON.stringify({...JSON.parse(element.textContent),
                                              watchdogMs: 20000});
    }""")
    retry.click()
    calculator.wait_ready()
    expect(retry).to_be_hidden()
    calculator.wait_idle()
    want = cpython(m, {"fee": "70000"}, calculator_on(page))
    assert isinstance(want, calc.Estimate)
    assert calculator.figures() == {"award": str(want.award), "city": str(want.city),
                                    "county": str(want.county)}


def test_a_csp_without_wasm_unsafe_eval_is_reported_and_never_left_loading(
        page: Page, server: Server, guard: Guard) -> None:
    # The worker compiles the wasm itself, so the CSP's refusal is an error it reports at once;
    # were anything to hang instead (loadPyodide never settles), the stall detector would
    # report it (test_calculator.py: a runtime that never arrives).
    # A stall limit a busy machine cannot reach before the refusal (a worker starved of CPU
    # gets no bytes either: at 1.5 s, parallel runs under load saw "stalled" first).
    csp, stall_ms = "script-src 'self'; worker-src 'self'", 5000
    page.route("**/measures/3.1/", lambda route: shorter_stall(route, stall_ms, csp))
    page.route("**/calc-worker.*.js", lambda route: shorter_stall(route, stall_ms, csp))
    guard.allow(r"WebAssembly|wasm|unsafe-eval|Content Security Policy")
    page.goto(measure_url(server.url, measure("3.1"), "en"))
    root = page.locator("[data-qz-calc]")
    expect(root).to_have_attribute("data-state", "failed", timeout=15_000)
    strings = ui("en")
    expect(root.locator('[data-slot="status"]')).to_have_text(
        strings["calc.status.failed"].format(reason=strings["calc.reason.blocked"]))
    page.wait_for_timeout(stall_ms + 500)  # longer than the stall limit: the verdict stands
    expect(root).to_have_attribute("data-state", "failed")


# ------------------------------------------------------------------ the service worker


def test_after_one_visit_the_calculators_and_the_self_check_work_offline(
        sw_context: tuple[BrowserContext, Guard], server: Server) -> None:
    context, guard = sw_context
    page = guard.open_page(context)
    Calc.open(page, server.url, measure("3.1"), "zh")
    wait_for_service_worker(page)
    kept = page.evaluate("""async () => (await (await caches.open("qz-immutable")).keys())
                             .map((r) => r.url)""")
    assert any(url.endswith("/pyodide.asm.wasm") for url in kept), kept
    # …but not what no page starts with (the fallback stdlib, the wheel): 2.6 MB on a phone.
    assert not [u for u in kept if u.endswith(("/python_stdlib.zip", ".whl"))], kept
    context.set_offline(True)
    try:
        for measure_id, lang in (("3.1", "en"), ("5.2", "zh"), ("7.1", "en")):
            calculator = Calc.open(page, server.url, measure(measure_id), lang)
            assert assert_matches_cpython(calculator, measure_id) > 0
        check = SelfCheck(page, server.url, "zh")
        check.enter(profile("ic_design_house"), "2026-06-01")
        shown = check.read()
        report = expected(profile("ic_design_house"), "2026-06-01")
        assert shown["totals"] == report["totals"]
        assert {k: {"status": v["status"], "award": v["award"]}
                for k, v in shown["rows"].items()} == rows_of(report)
    finally:
        context.set_offline(False)


def _new_build(site: Path, target: Path) -> tuple[str, str]:
    """A copy of ``site`` as the next build would be if only the runtime changed: its folder
    under another hash, every page pointing at it, sw.js made anew. Unchanged files are hard
    links; the old runtime is gone from the server, as after an atomic publish."""
    shutil.copytree(site, target, copy_function=os.link)
    runtime = target / "assets" / "pyodide"
    (old,) = [p.name for p in runtime.iterdir()]
    new = old[:-10] + "".join("0123456789abcdef"[(int(c, 16) + 1) % 16] for c in old[-10:])
    (runtime / old).rename(runtime / new)
    for page in target.rglob("*.html"):
        text = page.read_text("utf-8")
        if old in text:
            page.unlink()  # a hard link: write a new file, never the original
            page.write_text(text.replace(old, new), "utf-8")
            for sibling in (".br", ".gz"):
                page.with_name(page.name + sibling).unlink(missing_ok=True)
    for name in ("sw.js", "sw.js.br", "sw.js.gz", service_worker.PAGES_JSON):
        (target / name).unlink(missing_ok=True)  # stale siblings; links never written through
    service_worker.write(target, ["", "en/"], service_worker=True)
    return old, new


def _runtime_of(page: Page) -> str:
    return str(json.loads(page.locator("#qz-calc-config").text_content() or "{}")["runtime"])


def test_a_new_build_replaces_the_runtime_and_its_pages_use_it(
        browser: Browser, built_site: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    shutil.copytree(built_site, first, copy_function=os.link)
    served = tmp_path / "served"
    first.rename(served)
    context, guard = guarded_context(browser, RECORD_PROGRESS, service_workers=True)
    try:
        with serving(served) as server:
            page = guard.open_page(context)
            Calc.open(page, server.url, measure("3.1"), "zh")
            wait_for_service_worker(page)
            version = page.evaluate("async () => (await caches.keys()).sort()")
            page.close()

            # Deploy the next build in place of the first.
            shutil.rmtree(served)
            old, new = _new_build(built_site, served)

            # The next visit starts from the cache: the first build's page with its own
            # runtime (gone from the server), never the one with the other's.
            page = guard.open_page(context)
            notice = page.locator("[data-qz-update]")
            calculator = Calc.open(page, server.url, measure("3.1"), "zh")
            assert old in _runtime_of(page)
            assert page.evaluate("() => window.qzCalcWorker.runtime").endswith(f"/{old}/")
            assert assert_matches_cpython(calculator, "3.1") > 0
            # Meanwhile the browser found the new sw.js; once its worker takes over, the page
            # says it is the earlier version.
            expect(notice).to_be_visible(timeout=READY_MS)

            # A page of the new build reached by instant navigation loads in full: the
            # worker this visit started runs the first build's calc.
            m = measure("5.2")
            _follow(page, f"../{m.id}/")
            page.wait_for_function(
                "(old) => window.qzCalcWorker && !window.qzCalcWorker.runtime.includes(old)",
                arg=old, timeout=READY_MS)
            assert new in _runtime_of(page) and page.url.endswith(f"/measures/{m.id}/")
            calculator = Calc(page, page.locator(f'[data-qz-calc][data-measure="{m.id}"]'), m,
                              "zh")
            calculator.wait_ready()
            assert assert_matches_cpython(calculator, m.id) > 0
            expect(notice).to_be_hidden()

            # The new worker drops what the old build kept.
            kept_runtime = """async () => (await (await caches.open("qz-immutable")).keys())
                               .map((r) => r.url).filter((u) => u.includes("/assets/pyodide/"))"""
            deadline = time.monotonic() + 90  # it re-keeps every page: slow on a busy machine
            while time.monotonic() < deadline:
                kept = page.evaluate(kept_runtime)
                if not [u for u in kept if old in u]:
                    break
                page.wait_for_timeout(250)
            assert kept and all(new in u for u in kept), kept
            caches_now = page.evaluate("async () => (await caches.keys()).sort()")
            assert caches_now != version and len(caches_now) == len(version), (version, caches_now)

            # Its reload button: the page as the new build has it.
            page.goto(measure_url(server.url, measure("3.1"), "zh"))
            page.evaluate("() => { document.querySelector('[data-qz-update]').hidden = false; }")
            fetched: list[str] = []
            context.on("request", lambda r: fetched.append(r.url))
            notice.get_by_role("button").click()
            calculator = Calc(page, page.locator('[data-qz-calc][data-measure="3.1"]'),
                              measure("3.1"), "zh")
            calculator.wait_ready()
            expect(notice).to_be_hidden()
            assert new in _runtime_of(page)
            runtime = [u for u in fetched if "/assets/pyodide/" in u]
            assert all(new in u for u in runtime), runtime

            # Offline, the page that loads is the new build's, with the new runtime.
            context.set_offline(True)
            calculator = Calc.open(page, server.url, measure("3.1"), "en")
            assert assert_matches_cpython(calculator, "3.1") > 0
            assert new in _runtime_of(page)
            context.set_offline(False)
            page.close()
    finally:
        context.close()
    guard.check()


class _RecordingHandler(Handler):
    """static_server's handler, noting the path of every request that reaches it."""

    paths: ClassVar[list[str]]

    def send_head(self):  # type: ignore[no-untyped-def]
        self.paths.append(self.path.split("?", 1)[0])
        return super().send_head()  # type: ignore[no-untyped-call]


def test_a_repeat_visit_starts_from_the_cache_with_no_round_trip(
        sw_context: tuple[BrowserContext, Guard], built_site: Path) -> None:
    context, guard = sw_context
    with serving(built_site, handler=_RecordingHandler, paths=[]) as server:
        handler = server.RequestHandlerClass.func  # type: ignore[attr-defined]
        page = guard.open_page(context)
        Calc.open(page, server.url, measure("3.1"), "zh")
        wait_until_settled(page)
        page.goto("about:blank")
        # Not the HTTP cache: only what the service worker kept.
        context.new_cdp_session(page).send("Network.clearBrowserCache")
        handler.paths.clear()
        # Another measure, in the other language: pages the first visit never opened.
        calculator = Calc.open(page, server.url, measure("5.2"), "en")
        assert assert_matches_cpython(calculator, "5.2") > 0
        page.goto(f"{server.url}glossary/")
        expect(page.locator("article h1")).to_be_visible()
        # The browser's own update check asks for sw.js; nothing else reaches the server.
        assert [p for p in handler.paths if p != "/sw.js"] == [], handler.paths


class _TimingHandler(Handler):
    """static_server's handler, noting when each request ended (epoch s); pages are served a
    little slowly, as over a phone link, so the service worker's install takes a while."""

    ends: ClassVar[list[tuple[str, float]]]

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.endswith("/") or path.endswith(".html"):
            time.sleep(0.05)
        super().do_GET()
        self.ends.append((path, time.time()))


def test_the_snapshot_is_kept_after_the_service_worker_installed_not_beside_it(
        sw_context: tuple[BrowserContext, Guard], built_site: Path, tmp_path: Path) -> None:
    # Both download in the background after the first answer (the install: every page, 0.7 MB;
    # the snapshot: 3.7 MB). At once, they shared a phone's link and a page opened meanwhile
    # waited 7 s for its head script; one after the other, it waits behind one of them.
    context, guard = sw_context
    asked: list[Request] = []
    context.on("request", lambda r: asked.append(r) if r.url.endswith("/snapshot.bin") else None)
    served = tmp_path / "site"
    shutil.copytree(built_site, served, copy_function=os.link)
    # As on a phone link: the first visit starts without the snapshot (a fast link fetches it
    # before its first answer, then nothing is left for later).
    with_config(served, "measures/3.1", r'"earlySnapshotMs":\d+', '"earlySnapshotMs":0')
    _with_service_worker(served)
    with serving(served, handler=_TimingHandler, ends=[]) as server:
        handler = server.RequestHandlerClass.func  # type: ignore[attr-defined]
        page = guard.open_page(context)
        Calc.open(page, server.url, measure("3.1"), "zh")
        answered = time.time()
        wait_until_settled(page)
        # The install: the pages asked for after the first answer (the runtime it keeps comes
        # from the browser's cache).
        install = [(end, path) for path, end in handler.ends if end >= answered
                   and not path.endswith(("/snapshot.bin", "/sw.js"))]
        assert len(install) > 50, install  # every page of the site
        (kept,) = [r for r in asked if r.service_worker is None]  # the calculator's worker's
        assert kept.timing["startTime"] / 1000 >= max(install)[0], sorted(install)[-5:]


# ------------------------------------------------------------------ instant navigation


def _follow(page: Page, href: str) -> None:
    """Click a link in the article, as a reader does (Material decides how it loads)."""
    page.evaluate("""(href) => {
        const a = Object.assign(document.createElement("a"), {href, textContent: "next"});
        document.querySelector("article").append(a);
        a.click();
    }""", href)


def test_instant_navigation_computes_the_next_measure_without_a_second_boot(
        page: Page, server: Server) -> None:
    first = Calc.open(page, server.url, measure("3.1"), "zh")
    first.enter({"fee": "60000"}, calculator_on(page))
    page.evaluate("""() => {
        window.__firstVisit = true;
        window.__worker = window.qzWorkerClient.worker;
    }""")
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))

    m = measure("5.2")
    example = m.examples[0]
    state = state_of(m.id, example.inputs, example_on(example))
    _follow(page, f"../{m.id}/{state}")
    second = Calc(page, page.locator(f'[data-qz-calc][data-measure="{m.id}"]'), m, "zh")
    second.wait_ready()
    second.wait_idle()
    want = cpython(m, example.inputs, example_on(example))
    assert isinstance(want, calc.Estimate)
    assert second.figures() == {"award": str(want.award), "city": str(want.city),
                                "county": str(want.county)}
    same = page.evaluate("() => window.__firstVisit === true && "
                         "window.qzWorkerClient.worker === window.__worker")
    assert same, "the page was reloaded or the worker replaced"
    assert page.evaluate("performance.getEntriesByName('qz-calc:boot').length") == 1
    # no second boot: no runtime file asked for again (the snapshot the worker keeps for the next
    # visit, fetched once in idle time after the first result, may still be on its way)
    assert not [u for u in fetched if ("/assets/pyodide/" in u or "calc-worker" in u)
                and not u.endswith("/snapshot.bin")], fetched
    assert page.url.endswith(f"/measures/{m.id}/{state}")

    # The self-check, reached the same way, answers from the same worker.
    _follow(page, "../../self-check/")
    check = page.locator("[data-qz-selfcheck]")
    expect(check).to_have_attribute("data-state", "ready", timeout=READY_MS)
    assert page.evaluate("() => window.qzWorkerClient.worker === window.__worker")
    assert page.evaluate("performance.getEntriesByName('qz-calc:boot').length") == 1


def test_after_instant_navigation_print_search_and_the_language_switch_work(
        page: Page, server: Server) -> None:
    Calc.open(page, server.url, measure("3.1"), "zh")
    page.evaluate("() => { window.__firstVisit = true; }")
    _follow(page, "../7.1/#calc=7.1&tv_national_minutes=120&on=2026-06-01")
    m = measure("7.1")
    calculator = Calc(page, page.locator('[data-qz-calc][data-measure="7.1"]'), m, "zh")
    calculator.wait_ready()
    calculator.wait_idle()
    assert page.evaluate("window.__firstVisit") is True
    # Print: this calculator's sheet, nothing of the page it replaced.
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    calculator.root.locator('[data-action="print"]').click()
    assert page.evaluate("window.__printed") is True
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    # Search still opens and finds the page's own title.
    found = search(page, "流片")  # a term of measure 5.2 only
    assert "/measures/5.2/" in found
    page.keyboard.press("Escape")
    # The language link names this page, not the first, and loads it in full.
    english = page.locator('.md-header a[hreflang="en"]')
    assert (english.get_attribute("href") or "").endswith(f"/en/measures/{m.id}/")
    english.evaluate("a => a.click()")
    # the switch carries the calculator's state along (qz-lang.js, issue 15)
    page.wait_for_url(re.compile(rf"/en/measures/{re.escape(m.id)}/#calc={re.escape(m.id)}&"))
    en = Calc(page, page.locator("[data-qz-calc]"), m, "en")
    en.wait_ready()
    assert page.evaluate("window.__firstVisit") is None  # a full load: English header, search
    assert page.locator("html").get_attribute("lang") == "en"


# ------------------------------------------------------------------ a download that breaks off


class _BreakingHandler(Handler):
    """The site as static_server serves it, but the first download of the wasm stops halfway
    (the connection drops) and a Range request gets the rest, as nginx does for a plain file."""

    cuts: ClassVar[list[int]] = []  # one entry per download still to break off
    seen: ClassVar[list[tuple[str | None, int]]] = []  # (Range header, bytes sent) per request

    def do_GET(self) -> None:
        if not self.path.split("?", 1)[0].endswith("/pyodide.asm.wasm"):
            super().do_GET()
            return
        data = Path(self.translate_path(self.path)).read_bytes()
        wanted = self.headers.get("Range")
        start = int(wanted.removeprefix("bytes=").rstrip("-")) if wanted else 0
        if wanted:
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/wasm")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if self.cuts and not wanted:
            self.cuts.pop()
            body = body[: len(body) // 2]
            self.wfile.write(body)
            self.wfile.flush()
            self.seen.append((wanted, len(body)))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)
        self.seen.append((wanted, len(body)))


def _breaking_server(root: Path) -> AbstractContextManager[Server]:
    """The site as static_server serves it, with this test's breaking handler."""
    return serving(root, handler=_BreakingHandler, cuts=[], seen=[])


def test_a_download_that_breaks_off_resumes_where_it_stopped(
        sw_context: tuple[BrowserContext, Guard], built_site: Path) -> None:
    context, guard = sw_context
    with _breaking_server(built_site) as server:
        handler = server.RequestHandlerClass.func  # type: ignore[attr-defined]
        page = guard.open_page(context)
        page.goto(f"{server.url}glossary/")  # no calculator: the service worker installs
        wait_for_service_worker(page)
        # As if this visit had not kept the runtime yet: neither the worker nor the HTTP cache.
        page.evaluate("""async () => {
            const cache = await caches.open("qz-immutable");
            for (const r of await cache.keys()) {
              if (r.url.includes("/assets/pyodide/")) await cache.delete(r);
            }
        }""")
        context.new_cdp_session(page).send("Network.clearBrowserCache")
        guard.allow(r"ERR_CONTENT_LENGTH_MISMATCH|Failed to fetch|network error|wasm")
        handler.cuts[:] = [1]
        handler.seen.clear()
        root = page.locator("[data-qz-calc]")
        page.goto(measure_url(server.url, measure("3.1"), "en", STATE_31))
        expect(root).to_have_attribute("data-state", "failed", timeout=READY_MS)
        retry = root.locator('[data-action="retry"]')
        expect(retry).to_be_visible()
        retry.click()
        calculator = Calc(page, root, measure("3.1"), "en")
        calculator.wait_ready()
        calculator.wait_idle()
        want = cpython(measure("3.1"), {"fee": "60000"}, dt.date(2026, 6, 1))
        assert isinstance(want, calc.Estimate)
        assert calculator.figures()["award"] == str(want.award)
        size = next(built_site.glob("assets/pyodide/*/pyodide.asm.wasm")).stat().st_size
        first, rest = handler.seen[0], handler.seen[1]
        assert first == (None, size // 2)  # broke off halfway
        # The second request asks only for what the page had not received, once.
        kept = int((rest[0] or "").removeprefix("bytes=").rstrip("-"))
        assert 0 < kept <= size // 2 and rest == (f"bytes={kept}-", size - kept), handler.seen
        assert len(handler.seen) == 2, handler.seen
