"""What a visitor sees while the calculator starts, on a phone (390×844) and a desktop (1440×900),
in both languages: a progress bar and no Retry button during a normal start, and the download
counted in the bytes the phone actually receives (the compressed files), not their unpacked size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from generator.runtime.pyodide_build import CORE, LOCK
from generator.serve.static_server import Server

from .calcpage import READY_MS, measure_url, policy, ui
from .conftest import guarded_context, throttle

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (390, 844), "desktop": (1440, 900)}
# Every text the status line showed, in order.
RECORD_STATUS = """
window.__status = [];
// From the first byte of the document, not from DOMContentLoaded: the worker starts in the head
// and its first progress messages may be shown before the page has finished parsing.
new MutationObserver(() => {
  const status = document.querySelector('[data-qz-calc] [data-slot="status"]');
  const text = status && status.textContent;
  if (text && text !== window.__status[window.__status.length - 1]) window.__status.push(text);
}).observe(document, {childList: true, characterData: true, subtree: true});
"""
# The files the worker downloads with its byte counter (web/calc-worker.js: `download`).
COUNTED = ("pyodide.asm.wasm", CORE, LOCK)
PROGRESS_LINK_BITS = 8e6  # per second: a 4G phone's link, ≈4 s for the start's download


@pytest.fixture(params=[(v, lang) for v in VIEWPORTS for lang in ("zh", "en")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def fresh(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, str]]:
    """A page in a context with nothing cached, at the viewport's size, and its language."""
    viewport, lang = request.param
    context, guard = guarded_context(browser, RECORD_STATUS)
    page = guard.open_page(context)
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    yield page, lang
    context.close()
    guard.check()


def test_no_retry_button_beside_the_progress_bar_during_a_normal_start(
        fresh: tuple[Page, str], server: Server) -> None:
    page, lang = fresh
    held: list[Route] = []
    page.route(f"**/{CORE}", lambda route: held.append(route))  # the start waits, downloading
    measure = policy().measure("3.1")
    page.goto(measure_url(server.url, measure, lang))
    root = page.locator("[data-qz-calc]")
    root.scroll_into_view_if_needed()
    bar = root.locator('[data-slot="progress"]')
    expect(bar).to_be_visible(timeout=READY_MS)  # the wasm is arriving: the bar shows
    expect(root).to_have_attribute("data-state", "loading")
    retry = root.locator('[data-action="retry"]')
    expect(retry).to_be_hidden()
    assert retry.bounding_box() is None
    for route in held:
        route.fallback()  # on to the server
    expect(root).to_have_attribute("data-state", "ready", timeout=READY_MS)
    expect(retry).to_be_hidden()
    expect(bar).to_be_hidden()


def _wire_bytes(site: Path) -> int:
    """What the server sends for the counted files: their brotli siblings (Chromium asks for
    br), the plain file where there is none."""
    runtime = next(site.glob("assets/pyodide/*/"))
    return sum((runtime / f"{name}.br" if (runtime / f"{name}.br").is_file()
                else runtime / name).stat().st_size for name in COUNTED)


def _unpacked_bytes(site: Path) -> int:
    runtime = next(site.glob("assets/pyodide/*/"))
    return sum((runtime / name).stat().st_size for name in COUNTED)


def test_the_progress_counts_the_bytes_the_phone_downloads(
        fresh: tuple[Page, str], server: Server, built_site: Path) -> None:
    page, lang = fresh
    # A link of the kind the issue measured: the start's download lasts seconds, so its progress
    # is shown however loaded the machine (on loopback it may be over before the status shows).
    throttle(page, PROGRESS_LINK_BITS, PROGRESS_LINK_BITS, 40)
    measure = policy().measure("3.1")
    page.goto(measure_url(server.url, measure, lang))
    root = page.locator("[data-qz-calc]")
    expect(root).to_have_attribute("data-state", "ready", timeout=READY_MS)
    wire = _wire_bytes(built_site)
    assert wire < _unpacked_bytes(built_site) / 2  # compressed: what the test is about
    mb = f"{wire / 1e6:.1f}"
    number = r"(\d+\.\d)"
    # "x / y MB" once every counted file has answered (y: the wire bytes), "x MB received"
    # before that: on a loaded machine the last file may answer after the others' bodies are in,
    # so either form may be all a start shows; both must count wire bytes.
    forms = [re.escape(ui(lang)[key]).replace(r"\{loaded\}", number).replace(r"\{total\}", number)
             for key in ("calc.status.downloading", "calc.status.downloading_unknown")]
    statuses = page.evaluate("window.__status")
    shown = [m for text in statuses for form in forms if (m := re.fullmatch(form, text))]
    assert shown, statuses
    assert {m[2] for m in shown if m.re.groups == 2} <= {mb}, statuses  # the total: wire bytes
    loaded = [float(m[1]) for m in shown]
    assert loaded == sorted(loaded) and loaded[-1] <= float(mb), statuses
    # The bar ends full, at the same total.
    assert int(root.get_attribute("data-loaded") or 0) == wire
