"""Search as an owner words it, in the page's language: "云服务" and "云计算" find the computing
power measure (3.1) among the first three pages, and results in the page's language come
before the other language's (one index serves both)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page

from generator.serve.static_server import Server
from generator.site import search_keywords
from tests.browser.calcpage import search

from .conftest import Build
from .test_search_browser import search_page, served  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def pages_in_order(hrefs: list[str]) -> list[str]:
    """Each result page once, in the order listed (a page's sections follow it)."""
    seen: list[str] = []
    for href in hrefs:
        page = "/" + href.strip("/").split("#")[0] + "/"
        if page not in seen:
            seen.append(page)
    return seen


@pytest.mark.parametrize("query", ["云服务", "云计算"])
def test_an_owners_words_find_the_compute_measure_in_the_top_three(
        served: Server, search_page: Page, query: str) -> None:  # noqa: F811
    search_page.goto(served.url + "/")
    found = pages_in_order(search(search_page, query))
    assert "/measures/3.1/" in found[:3], (query, found)


@pytest.mark.parametrize(("start", "query"), [("en/", "DCMM"), ("", "tape-out"),
                                              ("", "DCMM"), ("en/", "computing power")])
def test_results_in_the_pages_language_come_first(
        served: Server, search_page: Page, start: str, query: str) -> None:  # noqa: F811
    search_page.goto(served.url + "/" + start)
    found = pages_in_order(search(search_page, query))
    english = [p.startswith("/en/") for p in found]
    assert english[0] == (start == "en/"), found
    # one run of the page's language, then the other's
    assert english == sorted(english, reverse=start == "en/"), found


@pytest.mark.parametrize("start", ["", "en/"])
def test_a_hyphenated_word_finds_the_compound_not_its_parts(
        served: Server, search_page: Page, site: Build, start: str) -> None:  # noqa: F811
    # "tape-out" used to match "Outstanding" (3.3) through its part "out"
    search_page.goto(served.url + "/" + start)
    found = pages_in_order(search(search_page, "tape-out"))
    assert found and "/en/measures/5.1/" in found, found
    assert "/en/measures/3.3/" not in found and "/measures/3.3/" not in found, found
    # each page found says the compound, in its text or in the aliases it is searched by
    keywords = {doc["location"]: doc.get(search_keywords.FIELD, "") for doc in json.loads(
        (site.site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]}
    for page in found:
        path = page.strip("/") + "/" if page != "/" else ""
        text = (site.page(path) + keywords.get(path, "")).lower()
        assert re.search(r"tape[-\s]?out", text), page
    # the page's language first, as for any other word
    assert found[0].startswith("/en/") == (start == "en/"), found
