"""A verifiable estimate: the printout of a measure and of the self-check carries the figures
entered, one date line, the SHA-256 of the rules the worker computed with (the one the site's
open data lists) and a link that, opened afresh, gives the same figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import icalendar
import pytest
from playwright.sync_api import Page, expect

from generator.serve.static_server import Server
from tests.calc.test_calendar import last_day

from .calcpage import LANGS, Calc, figures_of, policy
from .test_selfcheck import SelfCheck
from .test_selfcheck_journey import ON, OWNER, report

pytestmark = pytest.mark.browser

MEASURE = "3.1"
INPUTS = {"fee": "80000", "received": "0"}


def published_sha256(built_site: Path) -> str:
    """What the site's open data says the rules' hash is (data/index.json)."""
    index = json.loads((built_site / "data" / "index.json").read_text("utf-8"))
    (entry,) = [d for d in index["documents"] if d["id"] == policy().document.id]
    return str(entry["sha256"])


def print_view(page: Page) -> None:
    page.emulate_media(media="print")


def measure_model() -> Any:
    return next(m for m in policy().measures if m.id == MEASURE)


@pytest.mark.parametrize("lang", LANGS)
def test_the_measure_printout_is_verifiable(page: Page, server: Server, built_site: Path,
                                            lang: str) -> None:
    page.add_init_script("window.print = () => { window.__printed = true; }")
    measure = measure_model()
    calculator = Calc.open(page, server.url, measure, lang)
    on = dt.date.fromisoformat(ON)
    calculator.enter(INPUTS, on)
    expected = figures_of(measure, INPUTS, on)
    assert calculator.figures() == expected
    calculator.root.locator('[data-action="print"]').click()
    assert page.evaluate("window.__printed") is True
    print_view(page)
    sheet = calculator.root.locator(".qz-calc__print").first
    expect(sheet).to_be_visible()
    inputs = calculator.root.locator('[data-slot="print-inputs"]')
    for value in INPUTS.values():
        expect(inputs).to_contain_text(value)
    rules = calculator.root.locator('[data-slot="print-rules"]')
    expect(rules).to_be_visible()
    expect(rules).to_have_text(published_sha256(built_site))
    # the estimate is for another day than today's: both dates; each once
    expect(calculator.root.locator('[data-slot="print-made-row"]')).to_be_visible()
    link = calculator.root.locator('[data-slot="print-link"]')
    expect(link).to_be_visible()
    href = link.inner_text().strip()
    assert f"#calc={MEASURE}&" in href, href

    again = page.context.new_page()
    try:
        fresh = Calc(again, again.locator(f'[data-qz-calc][data-measure="{MEASURE}"]'), measure,
                     lang)
        again.goto(href)
        fresh.wait_ready()
        fresh.wait_idle()
        expect(fresh.root.locator("[data-result]")).to_have_attribute("data-award",
                                                                      expected["award"])
        assert fresh.figures() == expected
    finally:
        again.close()


def test_the_measure_printout_has_one_date_line_for_today(page: Page, server: Server) -> None:
    page.add_init_script("window.print = () => {}")
    calculator = Calc.open(page, server.url, measure_model(), "zh")
    today = page.evaluate("() => { const d = new Date(); return [d.getFullYear(), "
                          "d.getMonth() + 1, d.getDate()].map((n) => String(n)"
                          ".padStart(2, '0')).join('-'); }")
    calculator.enter(INPUTS, dt.date.fromisoformat(today))
    calculator.root.locator('[data-action="print"]').click()
    print_view(page)
    expect(calculator.root.locator('[data-slot="print-made-row"]')).to_be_hidden()
    expect(calculator.root.locator('[data-slot="print-on"]')).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_the_self_check_printout_is_verifiable(page: Page, server: Server, built_site: Path,
                                               lang: str) -> None:
    check = SelfCheck(page, server.url, lang)
    check.enter(OWNER, ON)
    before = check.read()
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    print_view(page)
    rules = check.root.locator('[data-slot="print-rules"]')
    expect(rules).to_be_visible()
    expect(rules).to_have_text(published_sha256(built_site))
    answers = check.root.locator('[data-slot="print-inputs"]')
    expect(answers).to_be_visible()
    expect(answers).to_contain_text("CS3")
    # the hits are printed in full, the rest as one compact list
    hits = [r["measure"] for r in report()["rows"] if r["status"] == "may_qualify"]
    for measure in hits:
        expect(check.root.locator(f'tbody[data-slot=rows] > tr[data-measure="{measure}"]')
               ).to_be_visible()
    expect(check.root.locator('tr[data-status="not_qualified"]').first).to_be_hidden()
    expect(check.root.locator('[data-slot="rest-print"]')).to_be_visible()
    # paper does not scroll: nothing of the hits' table is cut off at an A4 page's width
    page.set_viewport_size({"width": 718, "height": 1000})
    table = check.root.locator(".qz-sc__table table")
    edges = table.evaluate("""t => [t.scrollWidth - t.clientWidth,
        Math.max(...[...t.querySelectorAll("th, td")].map((c) => c.getBoundingClientRect().right)),
        document.documentElement.clientWidth]""")
    assert edges[0] <= 1 and edges[1] <= edges[2], edges
    href = check.root.locator('[data-slot="print-link"]').inner_text().strip()
    assert "#sc=2&" in href, href

    again = page.context.new_page()
    try:
        again.goto(href)
        fresh = SelfCheck.__new__(SelfCheck)
        fresh.page, fresh.lang = again, lang
        fresh.root = again.locator("[data-qz-selfcheck]")
        expect(fresh.root).to_have_attribute("data-state", "ready", timeout=30_000)
        expect(fresh.root.locator("[data-result]")).to_have_attribute(
            "data-entitlements", before["totals"]["entitlements"])
        fresh.wait_idle()
        assert fresh.read() == before
    finally:
        again.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_self_check_offers_its_matches_deadlines_as_a_calendar(page: Page, server: Server,
                                                                   lang: str) -> None:
    check = SelfCheck(page, server.url, lang)
    button = check.root.locator('[data-action="calendar"]')
    expect(button).to_be_hidden()  # nothing answered, nothing found
    check.enter(OWNER, ON)
    expect(button).to_be_visible()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(f"-{ON}.ics")
    text = Path(download.path()).read_bytes().decode("utf-8")
    found = icalendar.Calendar.from_ical(text).walk("VEVENT")
    hits = [r for r in report()["rows"] if r["status"] == "may_qualify"]
    assert [(str(e["SUMMARY"]).split()[1 if lang == "en" else 0].removeprefix("截止："),
             e.decoded("DTSTART")) for e in found] == [
        (r["measure"], last_day(r["measure"])) for r in hits]
