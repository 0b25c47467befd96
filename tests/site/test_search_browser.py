"""Search as a person uses it: type into Material's search box on the built site (served on
127.0.0.1, Debian's Chromium) and see the right measure among the first results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from generator.serve.static_server import Server, serving
from tests.browser.calcpage import search
from tests.browser.conftest import guarded_context

from .conftest import Build

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def served(site: Build) -> Iterator[Server]:
    with serving(site.site) as server:
        yield server


@pytest.fixture
def search_page(browser: Browser) -> Iterator[Page]:
    """A page whose off-site requests fail the test, as do console errors."""
    context, guard = guarded_context(browser)
    yield guard.open_page(context)
    context.close()
    guard.check()


@pytest.mark.parametrize(("start", "query", "measure"), [
    ("", "流片", "measures/5.1/"),
    ("", "算力", "measures/3.1/"),
    ("", "DCMM", "measures/1.3/"),
    ("en/", "tape-out", "en/measures/5.1/"),
    ("en/", "computing power", "en/measures/3.1/"),
])
def test_typing_a_term_lists_its_measure_among_the_first_results(
        served: Server, search_page: Page, start: str, query: str,
        measure: str) -> None:
    page = search_page
    page.goto(served.url + "/" + start)
    hrefs = search(page, query)
    top = [h for h in hrefs[:5]]
    assert any(h.rstrip("/").endswith(measure.rstrip("/")) for h in top), (query, hrefs)


# Notes each search index sent to a worker (Material's setup message: type 0 with the docs).
RECORD_INDEX_POSTS = """
(() => {
  const post = Worker.prototype.postMessage;
  window.__qzIndexPosts = 0;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === 0 && message.data && message.data.docs) {
      window.__qzIndexPosts += 1;
    }
    return post.call(this, message, ...rest);
  };
})();
"""


def _search_workers(page: Page) -> list[str]:
    return [w.url for w in page.workers if "/workers/search." in w.url]


def test_the_search_index_is_fetched_and_built_only_once_the_search_is_used(
        served: Server, search_page: Page) -> None:
    page = search_page
    page.add_init_script(RECORD_INDEX_POSTS)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "search_index" in r.url else None)
    page.goto(served.url + "/measures/3.1/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__qzIndexPosts") == 0  # loaded, searched nothing: no index
    assert asked == []  # not even downloaded: a phone link carries the runtime first
    # Nor is its worker started (a thread and 100 kB of script on a phone's busy processor).
    assert _search_workers(page) == []
    hrefs = search(page, "流片")
    assert page.evaluate("window.__qzIndexPosts") == 1
    assert len(asked) == 1
    assert len(_search_workers(page)) == 1
    assert any(h.endswith("/measures/5.1/") for h in hrefs[:5]), hrefs


def test_a_shared_search_link_builds_the_index_at_once(
        served: Server, search_page: Page) -> None:
    page = search_page
    page.add_init_script(RECORD_INDEX_POSTS)
    page.goto(served.url + "/?q=" + "算力")
    page.wait_for_function("window.__qzIndexPosts === 1", timeout=10_000)
