"""Search in an owner's words: colloquial, abbreviated, in either language, the phrasing lands on
the measure. Sixty phrasings (ours: how owners say it) each name the measures that must be among
the first three pages listed in the page's language, above the glossary entry that merely
explains the word; results follow text that arrives without a key press (paste, a phone's IME
or voice input, autofill); and an alias weighs without being shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from generator.serve.static_server import Server
from tests.browser.calcpage import LANGS, search
from tests.browser.test_phone_layout import sized  # noqa: F401  (fixture: each screen size)

from .test_search_browser import search_page, served  # noqa: F401  (fixtures)
from .test_search_language import pages_in_order

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# (query, measures that must be in the top three), typed on a page of that language.
QUERIES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "zh": [
        ("上云", ("3.1", "4.1")), ("云计算", ("3.1",)), ("云服务器", ("3.1",)),
        ("租GPU", ("3.1",)), ("算力补贴", ("3.1",)), ("芯片", ("5.1", "5.2")),
        ("流片", ("5.1",)), ("半导体", ("5.1", "5.2")), ("IC设计", ("5.1", "5.2")),
        ("EDA", ("5.2",)), ("数据集", ("1.1",)), ("数据标注", ("1.1",)),
        ("数据空间", ("1.2",)), ("DCMM", ("1.3",)), ("数据管理", ("1.3",)),
        ("大数据", ("1.4",)), ("营收", ("1.5",)), ("5G", ("2.1",)), ("万兆", ("2.2",)),
        ("光网", ("2.2",)), ("大模型", ("3.2",)), ("揭榜挂帅", ("3.2",)),
        ("AI应用", ("3.3",)), ("数字化转型", ("4.1",)), ("工业互联网", ("4.2",)),
        ("工业软件", ("4.3",)), ("软件认证", ("6.1",)), ("CMMI", ("6.1",)),
        ("ISO27001", ("6.1",)), ("软件园", ("6.2",)), ("动画片", ("7.1",)),
        ("漫展", ("7.2",)), ("形象授权", ("7.3",)), ("公共服务平台", ("8.1",)),
        ("智慧园区", ("8.2",)),
    ],
    "en": [
        ("cloud", ("3.1",)), ("GPU rental", ("3.1",)), ("semiconductor", ("5.1", "5.2")),
        ("chip", ("5.1",)), ("tape-out", ("5.1",)), ("dataset", ("1.1",)),
        ("data space", ("1.2",)), ("DCMM certification", ("1.3",)), ("big data", ("1.4",)),
        ("revenue", ("1.5",)), ("5G", ("2.1",)), ("fibre", ("2.2",)),
        ("large model", ("3.2",)), ("AI use case", ("3.3",)),
        ("digital transformation", ("4.1",)), ("industrial internet", ("4.2",)),
        ("industrial app", ("4.3",)), ("ISO certification", ("6.1",)),
        ("software park", ("6.2",)), ("cartoon", ("7.1",)), ("anime expo", ("7.2",)),
        ("character licensing", ("7.3",)), ("IoT platform", ("8.1",)), ("smart park", ("8.2",)),
    ],
}


def prefix(lang: str) -> str:
    return "" if lang == "zh" else f"{lang}/"


def fresh_search(page: Page, query: str) -> list[str]:
    """The result pages for ``query`` once the previous query's results are gone."""
    box = page.locator("input.md-search__input")
    if box.is_visible():
        box.fill("")
        box.dispatch_event("keyup")
        expect(page.locator(".md-search-result__item")).to_have_count(0)
    return pages_in_order(search(page, query))


def misranked(found: list[str], lang: str, measures: tuple[str, ...]) -> bool:
    """A measure missing from the first three, or listed below the glossary."""
    wanted = [f"/{prefix(lang)}measures/{m}/" for m in measures]
    glossary = f"/{prefix(lang)}glossary/"
    below = found.index(glossary) if glossary in found else len(found)
    return any(w not in found[:3] or found.index(w) > below for w in wanted)


def test_the_query_set_covers_both_languages_and_every_chapter() -> None:
    assert sum(len(q) for q in QUERIES.values()) >= 40
    assert all(len(q) >= 20 for q in QUERIES.values())
    chapters = {m.split(".")[0] for queries in QUERIES.values() for _, ms in queries for m in ms}
    assert chapters == {str(n) for n in range(1, 9)}


@pytest.mark.parametrize("lang", LANGS)
def test_an_owners_words_put_the_measure_in_the_top_three(
        served: Server, search_page: Page, lang: str) -> None:  # noqa: F811
    search_page.goto(served.url + prefix(lang))
    wrong = {}
    for query, measures in QUERIES[lang]:
        found = fresh_search(search_page, query)
        if misranked(found, lang, measures):
            wrong[query] = (measures, found[:5])
    assert not wrong, wrong


def open_search(page: Page) -> None:
    """The search field, as each screen offers it (a phone: the header's magnifier)."""
    toggle = page.locator("label.md-header__button[for='__search']")
    if toggle.is_visible():
        toggle.click()
    page.locator("input.md-search__input").click()


def result_pages(page: Page) -> list[str]:
    links = page.locator(".md-search-result__item > a")
    return pages_in_order(links.evaluate_all(
        "els => els.map(e => new URL(e.href).pathname)"))


# Two owner's phrasings per language, each only an alias of its measure, and the page it finds.
BY_INPUT = {"zh": [("上云用云", "3.1"), ("流片", "5.1")],
            "en": [("semiconductor", "5.1"), ("GPU rental", "3.1")]}


@pytest.mark.parametrize("lang", LANGS)
def test_results_follow_text_that_arrives_without_a_key(
        served: Server, sized: Page, lang: str) -> None:  # noqa: F811
    page = sized
    page.goto(served.url + prefix(lang))
    open_search(page)
    (first, first_measure), (second, second_measure) = BY_INPUT[lang]
    page.keyboard.insert_text(first)  # as a paste or an IME commits it: input, no key event
    top = f"/{prefix(lang)}measures/{first_measure}/"
    page.wait_for_function("top => [...document.querySelectorAll('.md-search-result__item > a')]"
                           ".some(a => new URL(a.href).pathname === top)", arg=top)
    assert result_pages(page)[0] == top
    # the alias found it, and the result does not show it (only what the page says)
    shown = page.locator(".md-search-result__item").first.inner_text()
    assert first.lower() not in shown.lower(), shown
    page.locator("input.md-search__input").fill(second)  # an autofill: input only
    top = f"/{prefix(lang)}measures/{second_measure}/"
    page.wait_for_function("top => { const a = document.querySelector("
                           "'.md-search-result__item > a'); "
                           "return a && new URL(a.href).pathname === top; }", arg=top)
