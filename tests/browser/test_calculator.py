"""The calculator as a visitor uses it: figures kept in a shareable link, errors next to the
field in the page's language, a usable form while Python loads, a plain message when it cannot
start, keyboard use and announcements, and a one-page print view."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, Route, expect

import calc
from generator.serve.static_server import Server, serving

from .calcpage import (
    LANGS,
    Calc,
    calculator_on,
    cpython,
    example_on,
    figures_of,
    measure_url,
    policy,
    ui,
    with_config,
)
from .conftest import NO_SHARED_WORKER

pytestmark = pytest.mark.browser

ON = dt.date(2026, 6, 1)


def measure(measure_id: str) -> Any:
    return policy().measure(measure_id)


def expect_failed(root: Locator, lang: str, reason: str, timeout: int) -> None:
    """The calculator gave up and says why, in the page's language."""
    expect(root).to_have_attribute("data-state", "failed", timeout=timeout)
    strings = ui(lang)
    expect(root.locator('[data-slot="status"]')).to_have_text(
        strings["calc.status.failed"].format(reason=strings[f"calc.reason.{reason}"]))


def test_link_restores_the_figures_and_the_result(page: Page, server: Server) -> None:
    m = measure("3.1")
    first = Calc.open(page, server.url, m, "zh")
    first.enter({"fee": "1,000,000", "received": "28万"}, ON)
    expected = cpython(m, {"fee": "1000000", "received": "280000"}, ON)
    assert isinstance(expected, calc.Estimate)
    assert first.figures()["award"] == str(expected.award)
    page.wait_for_function("() => location.hash.includes('received=')")  # once typing pauses
    link = page.url
    assert "#calc=3.1&" in link
    stored = page.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}, "
                           "document.cookie])")
    assert "280000" not in stored and "28万" not in stored

    second = page.context.new_page()
    try:
        again = Calc(second, second.locator('[data-qz-calc][data-measure="3.1"]'), m, "zh")
        second.goto(link)
        again.wait_ready()
        again.wait_idle()
        expect(again.control("fee")).to_have_value("1,000,000")
        expect(again.control("received")).to_have_value("28万")
        expect(again.control("on")).to_have_value(ON.isoformat())
        assert again.figures() == first.figures()
    finally:
        second.close()


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_input_is_explained_next_to_its_field(page: Page, server: Server,
                                                      lang: str) -> None:
    m = measure("3.1")
    calculator = Calc.open(page, server.url, m, lang)
    calculator.enter({"fee": "12abc"}, ON)
    expected = cpython(m, {"fee": "12abc"}, ON)
    assert isinstance(expected, calc.CalcError) and expected.field == "fee"
    box = calculator.error_for("fee")
    expect(box).to_have_text(getattr(expected, lang))
    expect(box).to_be_visible()
    assert box.evaluate("el => el.closest('[data-field]').dataset.field") == "fee"
    expect(calculator.control("fee")).to_have_attribute("aria-invalid", "true")
    assert calculator.figures() == {"award": None, "city": None, "county": None}
    assert "Traceback" not in calculator.root.inner_text()

    calculator.control("fee").fill("60000")
    calculator.wait_idle()
    expect(box).to_be_hidden()
    assert calculator.figures() == figures_of(m, {"fee": "60000"}, calculator_on(page))

    before = policy().document.window.start - dt.timedelta(days=1)
    calculator.enter({"fee": "60000"}, before)
    expected_on = cpython(m, {"fee": "60000"}, before)
    assert isinstance(expected_on, calc.CalcError) and expected_on.field == "on"
    expect(calculator.error_for("on")).to_have_text(getattr(expected_on, lang))


def test_form_is_usable_while_python_loads(page: Page, server: Server) -> None:
    held: list[Route] = []
    page.route("**/calc_stdlib.zip", lambda route: held.append(route))  # held until released
    m = measure("3.1")
    calculator = Calc(page, page.locator('[data-qz-calc][data-measure="3.1"]'), m, "en")
    page.goto(measure_url(server.url, m, "en"))
    # What has arrived of the runtime, counted as it travels: the held zip's compressed size is
    # unknown until it answers, so no total yet (tests/browser/test_start_ui.py: the total).
    downloading = re.escape(ui("en")["calc.status.downloading_unknown"])
    downloading = downloading.replace(r"\{loaded\}", r"[\d.]+")
    expect(calculator.root.locator('[data-slot="status"]')).to_have_text(
        re.compile(f"^{downloading}$"))
    calculator.control("fee").fill("200万")
    expect(calculator.control("fee")).to_have_value("200万")
    assert calculator.figures()["award"] is None
    for _ in range(200):  # the worker asks for the core zip soon after the page is parsed
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the worker never asked for the core stdlib zip"
    assert calculator.figures()["award"] is None
    for route in held:
        route.fallback()
    calculator.wait_ready()
    calculator.wait_idle()
    assert calculator.figures() == figures_of(m, {"fee": "200万"}, calculator_on(page))
    expect(calculator.root.locator('[data-slot="status"]')).to_have_text(
        ui("en")["calc.status.ready"])


@pytest.mark.parametrize("lang", LANGS)
def test_blocked_wasm_shows_the_fallback_and_keeps_the_examples(page: Page, server: Server,
                                                                lang: str) -> None:
    page.route("**/*.wasm", lambda route: route.abort())
    m = measure("3.1")
    page.goto(measure_url(server.url, m, lang))
    root = page.locator("[data-qz-calc]")
    expect_failed(root, lang, "blocked", timeout=10_000)
    expect(page.locator(".qz-example").first).to_be_visible()
    assert page.locator(".qz-example").count() == len(m.examples)
    expect(root.locator("[data-result]")).to_be_hidden()


def test_no_webassembly_shows_the_fallback(page: Page, server: Server) -> None:
    page.add_init_script("delete globalThis.WebAssembly")
    page.goto(measure_url(server.url, measure("3.1"), "zh"))
    expect_failed(page.locator("[data-qz-calc]"), "zh", "no_wasm", timeout=5_000)


def test_a_runtime_that_never_arrives_is_reported_as_a_stalled_download(page: Page,
                                                                         server: Server) -> None:
    stalled: list[Route] = []
    page.route("**/pyodide.asm.mjs", lambda route: stalled.append(route))  # never answered
    page.route("**/measures/3.1/", lambda route: shorter_stall(route, 1500))
    page.goto(measure_url(server.url, measure("3.1"), "en"))
    root = page.locator("[data-qz-calc]")
    expect(root).to_have_attribute("data-state", "stalled", timeout=10_000)
    expect(root.locator('[data-slot="status"]')).to_have_text(
        ui("en")["calc.status.stalled"].format(seconds=2))
    expect(root.locator('[data-action="retry"]')).to_be_visible()
    page.unroute("**/pyodide.asm.mjs")
    for route in stalled:
        route.abort()


def shorter_stall(route: Route, ms: int) -> None:
    """The page as built, with a shorter stall limit (the build's is seconds of silence)."""
    response = route.fetch()
    body = re.sub(r'"watchdogMs":\d+', f'"watchdogMs":{ms}', response.text())
    route.fulfill(response=response, body=body)


def test_the_worker_started_in_the_head_is_the_one_that_answers(page: Page,
                                                                 server: Server) -> None:
    m = measure("3.1")
    calculator = Calc.open(page, server.url, m, "zh")
    calculator.enter({"fee": "60000"}, ON)
    assert calculator.figures() == figures_of(measure("3.1"), {"fee": "60000"}, ON)
    early = page.evaluate("""() => ({worker: window.qzCalcWorker.worker instanceof Worker,
                                     waiting: window.qzCalcWorker.messages.length,
                                     error: window.qzCalcWorker.error})""")
    assert early == {"worker": True, "waiting": 0, "error": None}  # adopted, messages taken


def test_without_the_head_start_the_page_starts_the_worker_itself(page: Page,
                                                                   server: Server) -> None:
    # As if the head script had not run: its worker record is never stored.
    page.add_init_script("""Object.defineProperty(window, "qzCalcWorker",
                            {get: () => undefined, set: () => {}, configurable: true});""")
    m = measure("3.1")
    calculator = Calc.open(page, server.url, m, "en")
    calculator.enter({"fee": "60000"}, ON)
    assert calculator.figures() == figures_of(measure("3.1"), {"fee": "60000"}, ON)


def test_the_worker_gets_its_boot_settings_as_its_name(page: Page, server: Server) -> None:
    """So it starts as its module runs, not when the page's main thread forwards a message."""
    page.add_init_script("""(() => {
        const post = Worker.prototype.postMessage;
        window.__bootMessages = 0;
        Worker.prototype.postMessage = function (message, ...rest) {
          if (message && message.type === "boot") window.__bootMessages += 1;
          return post.call(this, message, ...rest);
        };
    })();""")
    Calc.open(page, server.url, measure("3.1"), "en")
    config = json.loads(page.locator("#qz-calc-config").text_content() or "{}")
    (worker,) = [w for w in page.workers if "/calc-worker." in w.url]
    settings = json.loads(worker.evaluate("self.name"))
    assert settings["type"] == "boot" and settings["stdlib"] == config["stdlib"]
    assert settings["runtime"] == page.evaluate("(r) => new URL(r, document.baseURI).href",
                                                config["runtime"])
    assert page.evaluate("window.__bootMessages") == 0


def test_a_first_visit_starts_on_the_core_zip_without_the_snapshot(page: Page,
                                                                   server: Server) -> None:
    page.route("**/snapshot.bin", lambda route: route.abort())
    page.goto(server.url)  # a first visit: forget the snapshot earlier tests of this context kept
    page.evaluate("caches.delete('qz-calc-snapshot')")
    m = measure("3.1")
    calculator = Calc.open(page, server.url, m, "en")
    expect(calculator.root).to_have_attribute("data-engine", "core")
    calculator.enter({"fee": "60000"}, ON)
    assert calculator.figures() == figures_of(measure("3.1"), {"fee": "60000"}, ON)


def _link_counts_as_fast(route: Route) -> None:
    """The page as built, with a limit no start misses: its first visit counts as on a fast link
    however busy the machine is (the built limit is for real links, not a loaded test run)."""
    response = route.fetch()
    body, count = re.subn(r'"earlySnapshotMs":\d+', '"earlySnapshotMs":600000', response.text())
    assert count == 1
    route.fulfill(response=response, body=body)


def test_a_first_visit_on_a_fast_link_starts_from_the_snapshot_it_downloads_once(
        page: Page, server: Server) -> None:
    page.goto(server.url)
    page.evaluate("caches.delete('qz-calc-snapshot')")
    # A first visit: the runtime comes over the network (from the browser's cache it says
    # nothing about the link, and the worker does not count it as fast).
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    m = measure("3.1")
    page.route(re.compile(r".*/measures/3\.1/(#.*)?$"), _link_counts_as_fast)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/snapshot.bin") else None)
    calculator = Calc.open(page, server.url, m, "en")
    expect(calculator.root).to_have_attribute("data-engine", "early-snapshot")
    calculator.enter({"fee": "60000"}, ON)
    assert calculator.figures() == figures_of(m, {"fee": "60000"}, ON)
    # Kept for the next visit from the download the start used: no second one.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not page.evaluate(
            """async () => (await (await caches.open("qz-calc-snapshot")).keys()).length"""):
        page.wait_for_timeout(200)
    assert len(asked) == 1, asked
    page.unroute(re.compile(r".*/measures/3\.1/(#.*)?$"))
    page.goto(server.url)  # a new visit: a new worker
    calculator = Calc.open(page, server.url, m, "en")
    expect(calculator.root).to_have_attribute("data-engine", "snapshot")


def test_a_page_opened_before_the_snapshot_is_kept_does_not_download_it_first(
        browser: Browser, built_site: Path, tmp_path: Path) -> None:
    served = tmp_path / "site"
    shutil.copytree(built_site, served, copy_function=os.link)
    # The first page keeps no snapshot (its visitor went on before it was kept) …
    with_config(served, "measures/3.1", r'"snapshot":"[^"]*"', '"snapshot":null')
    # … and however generous the next page's fast-link limit …
    with_config(served, "en/measures/5.2", r'"earlySnapshotMs":\d+', '"earlySnapshotMs":600000')
    # The browser's own cache on (a routed context has none): the second page's runtime comes
    # from it, fast on any link. Requests leaving 127.0.0.1 are still caught, without routing.
    context = browser.new_context(service_workers="block")
    context.add_init_script(NO_SHARED_WORKER)  # each page starts its own worker, as tested here
    requests: list[Request] = []
    context.on("request", lambda r: requests.append(r))
    try:
        with serving(served) as server:
            page = context.new_page()
            Calc.open(page, server.url, measure("3.1"), "zh")
            # … files from a cache say nothing about the link: on a phone the snapshot (3.7 MB)
            # would hold up this page's first answer.
            m = measure("5.2")
            calculator = Calc.open(page, server.url, m, "en")
            expect(calculator.root).to_have_attribute("data-engine", "core")
            ready = page.evaluate("performance.timeOrigin + "
                                  "performance.getEntriesByName('qz-calc:ready')[0].startTime")
            early = [r.url for r in requests if r.url.endswith("/snapshot.bin")
                     and 0 < r.timing["startTime"] < ready]  # kept for later visits: after
            assert early == []
            example = m.examples[0]
            calculator.enter(example.inputs, example_on(example))
            assert calculator.figures() == figures_of(m, example.inputs, example_on(example))
            offsite = [r.url for r in requests if urlsplit(r.url).scheme in {"http", "https"}
                       and urlsplit(r.url).hostname != "127.0.0.1"]
            assert offsite == []
    finally:
        context.close()


def test_a_tampered_core_zip_is_refused(page: Page, server: Server, guard: Any) -> None:

    def tamper(route: Route) -> None:
        response = route.fetch()
        body = bytearray(response.body())
        body[len(body) // 2] ^= 0xFF
        route.fulfill(response=response, body=bytes(body))

    page.route("**/calc_stdlib.zip", tamper)
    guard.allow(r"integrity|Failed to fetch")  # the worker's fetch refuses it (SRI)
    page.goto(measure_url(server.url, measure("3.1"), "en"))
    root = page.locator("[data-qz-calc]")
    expect(root).to_have_attribute("data-state", "failed", timeout=20_000)


def test_keyboard_only_use_and_announcement(page: Page, server: Server) -> None:
    m = measure("3.1")
    calculator = Calc.open(page, server.url, m, "en")
    for control in calculator.root.locator("form input, form select").all():
        labelled = control.evaluate(
            "el => el.labels.length > 0 || !!el.closest('fieldset')?.querySelector('legend')")
        assert labelled, control.get_attribute("name")
    calculator.control("fee").focus()
    page.keyboard.type("60000")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "received"
    page.keyboard.type("0")
    calculator.wait_idle()
    assert calculator.figures() == figures_of(m, {"fee": "60000"}, calculator_on(page))
    live = calculator.root.locator('[aria-live="polite"][data-slot="announce"]')
    expect(live).to_contain_text("18,000.00")
    expect(calculator.root.locator('[data-slot="status"]')).to_have_attribute("role", "status")


@pytest.mark.parametrize("lang", LANGS)
def test_print_view_is_one_clean_page(page: Page, server: Server, lang: str) -> None:
    m = measure("7.1")  # the longest explanation
    page.add_init_script("window.print = () => { window.__printed = true; }")
    state = "#calc=7.1&tv_national_minutes=120&on=2026-06-01"
    calculator = Calc.open(page, server.url, m, lang, state)
    calculator.wait_idle()
    assert calculator.figures()["award"] is not None
    calculator.root.locator('[data-action="print"]').click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    sheet = calculator.root.locator(".qz-calc__print").first
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text(policy().document.number)
    made = page.evaluate("() => new Intl.DateTimeFormat(document.documentElement.lang === 'en' "
                         "? 'en-GB' : 'zh-CN', {dateStyle: 'long'}).format(new Date())")
    expect(sheet).to_contain_text(made)
    disclaimer = ui(lang)["calc.print.disclaimer"].format(number=policy().document.number)
    expect(calculator.root.locator(".qz-calc__disclaimer")).to_have_text(disclaimer)
    expect(page.locator("header.md-header")).to_be_hidden()
    expect(page.locator(".qz-example").first).to_be_hidden()
    expect(calculator.root.locator("form")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    expect(page.locator(".qz-example").first).to_be_visible()


def test_config_names_only_local_files(page: Page, server: Server) -> None:
    page.goto(measure_url(server.url, measure("3.1"), "zh"))
    settings = json.loads(page.locator("#qz-calc-config").text_content() or "{}")
    for key in ("worker", "runtime"):
        assert "://" not in settings[key] and not settings[key].startswith("//"), settings
