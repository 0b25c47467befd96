"""Documents in time in the browser (issue 23), on pages built earlier and read later: the
browser's clock is moved (Playwright's page.clock) and the status badges follow the visitor's
day with no rebuild, never contradicting the calculator on the same day; 3.1 amended gives the
old cap the day before the change and the new one, citing the amending clause, from that day
(parity with CPython, zh and en); a share link made before the amendment, opened after it,
shows both figures and names the change; the self-check across documents groups the hits by
level, each naming its document, as calc does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

import calc
from calc.selfcheck import assess_with
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.serve.static_server import Server, serving
from tests.documents import ALL, AMENDMENT, BUILD_DAY, COUNTY, SUCCESSOR, shared_site

from .calcpage import READY_MS, ui
from .conftest import Guard, guarded_context

REAL = "qz-2025-18"
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    folder = shared_site(tmp_path_factory, BUILD_DAY)
    with serving(folder / "site") as running:
        yield running, folder / "policy_data"


@pytest.fixture(scope="module")
def fixture_catalog(fixture_site: tuple[Server, Path]) -> calc.Catalog:
    return calc.Catalog(bundle(load_all(fixture_site[1])))


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[tuple[BrowserContext, Guard]]:
    context, guard = guarded_context(browser)
    yield context, guard
    context.close()


def open_on(context: tuple[BrowserContext, Guard], url: str, day: dt.date | None) -> Page:
    """A fresh page whose clock reads ``day`` (noon, local time; None: today), opened at
    ``url``. The clock is the context's (page.clock is context.clock), so every page sets it."""
    page = context[1].open_page(context[0])
    day = day or dt.date.today()
    page.clock.set_fixed_time(dt.datetime(day.year, day.month, day.day, 12))
    page.goto(url)
    return page


def badge(page: Page, within: str) -> str:
    """The status badge shown (not hidden) in the element ``within``."""
    shown = page.locator(f"{within} .qz-status [data-qz-state]:not([hidden])")
    expect(shown).to_have_count(1)
    return shown.inner_text().strip()


def wording(state: str, lang: str, successor: calc.Label | None = None) -> str:
    if state == "replaced" and successor is not None:
        return ui(lang)["badge.replaced"].format(title=successor.local(lang))
    return ui(lang)[f"badge.{state}"]


def place(document: str) -> str:
    return "" if document == REAL else f"documents/{document}/"


# ---------------------------------------------------------------- statuses on the visitor's day


@pytest.mark.parametrize("key", ["8.2", "3.1", f"{COUNTY}/1.1", f"{SUCCESSOR}/1.1"])
def test_measure_badges_follow_the_visitors_day_with_no_rebuild(
        context: tuple[BrowserContext, Guard], fixture_site: tuple[Server, Path],
        fixture_catalog: calc.Catalog, key: str) -> None:
    measure = fixture_catalog.get(key)
    window = measure.window
    successor = fixture_catalog.replaced_by.get(measure.document)
    title = fixture_catalog.docs[successor].title if successor else None
    days = sorted({window.start - DAY, window.start, window.end_on(window.end),
                   window.end + DAY, *((window.replaced_on,) if window.replaced_on else ())})
    for lang, prefix in (("zh", ""), ("en", "en/")):
        url = f"{fixture_site[0].url}{prefix}{place(measure.document)}measures/{measure.id}/"
        for day in days:
            page = open_on(context, url, day)
            state = measure.status(day)
            assert badge(page, ".qz-validity") == wording(state, lang, title), (key, day)
            deadline = page.locator(".qz-deadline")
            if deadline.count():
                expect(deadline).to_be_visible(visible=state in ("ends_early", "ends_soon",
                                                                 "expired"))
            page.close()
    context[1].check()


@pytest.mark.parametrize("document", [REAL, *ALL])
def test_document_badges_before_inside_and_after_each_window(
        context: tuple[BrowserContext, Guard], fixture_site: tuple[Server, Path],
        fixture_catalog: calc.Catalog, document: str) -> None:
    window = fixture_catalog.docs[document].window
    successor = fixture_catalog.replaced_by.get(document)
    title = fixture_catalog.docs[successor].title if successor else None
    for day in (window.start - DAY, window.start, window.end, window.end + DAY):
        page = open_on(context, f"{fixture_site[0].url}{place(document)}", day)
        state = window.state(day)
        assert badge(page, ".qz-document-status") == wording(state, "zh", title)
        replaced = page.locator(".qz-replaced")
        if replaced.count():  # a replaced document keeps its pages, marked, with its successor
            expect(replaced).to_be_visible(visible=state == "replaced")
        page.close()
    context[1].check()


def test_the_real_site_built_today_is_right_on_later_days(
        context: tuple[BrowserContext, Guard], server: Server) -> None:
    """The real site (built today by the session fixture): 8.2's badge is calc's for today
    (即将到期 while it ends soon), 已失效 once its last day has passed — the clock moved, the
    page not rebuilt — and the document shows its own status (现行有效 while in force)."""
    catalog = calc.Catalog(bundle(load_all(Path(__file__).resolve().parents[2] / "policy_data")))
    measure = catalog.get("8.2")
    today = dt.date.today()
    for day in (today, measure.window.end + DAY):
        page = open_on(context, f"{server.url}measures/8.2/", day)
        assert badge(page, ".qz-validity") == wording(measure.status(day), "zh")
        page.close()
        home = open_on(context, server.url, day)
        assert badge(home, ".qz-document-status") == wording(
            catalog.docs[REAL].state(day), "zh")
        row = home.locator('tr[data-measure="8.2"] .qz-deadline')
        assert row.locator("[data-qz-state]:not([hidden])").inner_text().strip() == wording(
            measure.status(day), "zh")
        home.close()
    assert measure.status(measure.window.end + DAY) == "expired"
    context[1].check()


# ---------------------------------------------------------------- the amended calculator


def calculator(page: Page) -> Any:
    root = page.locator("[data-qz-calc]")
    expect(root).to_have_attribute("data-state", "ready", timeout=READY_MS)
    return root


def estimate_in_browser(page: Page, fee: str, on: dt.date) -> dict[str, Any]:
    root = calculator(page)
    root.locator('form [name="fee"]').fill(fee, force=True)
    root.locator('form [name="on"]').fill(on.isoformat(), force=True)
    page.wait_for_function("el => !el.hasAttribute('data-busy') && el.querySelector("
                           "'[data-result]').dataset.award !== undefined",
                           arg=root.element_handle(), timeout=READY_MS)
    return dict(root.evaluate("""root => ({
        award: root.querySelector('[data-result]').dataset.award,
        steps: [...root.querySelectorAll('[data-slot=steps] > li')].map(li => li.textContent)})"""))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_amended_cap_applies_from_its_date_citing_the_amendment(
        context: tuple[BrowserContext, Guard], fixture_site: tuple[Server, Path],
        fixture_catalog: calc.Catalog, lang: str) -> None:
    amends = fixture_catalog.docs[AMENDMENT].data["amends"]
    (change,) = amends["changes"]
    day = dt.date.fromisoformat(change["from"])
    number = fixture_catalog.docs[AMENDMENT].number
    fee = "1000000000"
    page = open_on(context, f"{fixture_site[0].url}{'en/' if lang == 'en' else ''}measures/3.1/",
                   None)
    for on in (day - DAY, day):
        shown = estimate_in_browser(page, fee, on)
        expected = calc.estimate("3.1", {"fee": fee}, on, using=fixture_catalog)
        assert shown["award"] == str(expected.award)  # parity with CPython
        cited = [s for s in shown["steps"] if number in s]
        if on < day:
            assert cited == []
        else:
            (step,) = cited
            ref = change["ref"] if lang == "zh" else change["ref_en"]
            assert ref in step and fixture_catalog.docs[AMENDMENT].title.local(lang) in step
    page.close()
    context[1].check()


# ---------------------------------------------------------------- the self-check across documents


def test_the_self_check_groups_hits_by_level_naming_each_document(
        context: tuple[BrowserContext, Guard], fixture_site: tuple[Server, Path],
        fixture_catalog: calc.Catalog) -> None:
    on = fixture_catalog.docs[COUNTY].window.start
    profile = {"has_compute_rental": "yes", "compute_fee": "600000"}
    expected = assess_with(fixture_catalog, profile, on)
    state = "&".join(f"{k}={v}" for k, v in profile.items())
    page = open_on(context, f"{fixture_site[0].url}self-check/#sc=1&{state}&on={on}", None)
    root = page.locator("[data-qz-selfcheck]")
    expect(root).to_have_attribute("data-state", "ready", timeout=READY_MS)
    expect(root.locator("[data-result]")).to_have_attribute("data-on", on.isoformat(),
                                                            timeout=READY_MS)
    groups = root.locator("tr.qz-sc__group")
    levels = list(dict.fromkeys(r["level"] for r in expected["rows"]))
    expect(groups).to_have_count(len(levels))
    for level, group in zip(levels, groups.all(), strict=True):
        numbers = {r["document"]["number"] for r in expected["rows"] if r["level"] == level}
        assert all(n in group.inner_text() for n in numbers)
    for row in expected["rows"]:
        if row["status"] != "may_qualify":
            continue
        tr = root.locator(f'tr[data-key="{row["key"]}"]')
        expect(tr).to_have_attribute("data-award", row["award"])
        assert row["document"]["number"] in tr.locator("th").inner_text()
    levels_box = root.locator('[data-slot="levels"]')
    for level, totals in expected["shown"]["by_level"].items():
        expect(levels_box.locator(f'dd[data-level="{level}"]')).to_contain_text(
            totals["entitlements"]["zh"])
    page.close()
    context[1].check()

