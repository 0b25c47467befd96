"""An English browser is offered English. Behind deploy/nginx.conf, its first visit to "/" is sent
to "/en/" (one redirect; never again once the language switch chose Chinese, nor for a visitor
who followed a link on the site), and every page names both languages to crawlers (hreflang).
On any other host (the test server here) a Chinese page shows a one-line offer in English, from
the string table. A Chinese browser sees neither."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.serve.preview import Nginx
from generator.serve.static_server import Server
from tests.browser.calcpage import ui
from tests.browser.test_phone_layout import SCREENS, page_at, sized  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

ENGLISH = "en-GB,en;q=0.9"
OFFER = "[data-qz-lang-offer]"


def head(url: str, path: str, **headers: str) -> http.client.HTTPResponse:
    """The answer to a GET of ``path``, redirects not followed."""
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize(("headers", "to"), [
    ({"Accept-Language": ENGLISH}, "/en/"),
    ({"Accept-Language": "en"}, "/en/"),
    ({"Accept-Language": "fr-FR, en;q=0.8, zh;q=0.5"}, "/en/"),  # English before Chinese
    ({"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, None),
    ({"Accept-Language": "fr-FR, de;q=0.8"}, None),  # neither: the default, Chinese
    ({}, None),  # a crawler sends none
    ({"Accept-Language": ENGLISH, "Cookie": "qz_lang=zh"}, None),  # chose Chinese
    ({"Accept-Language": "zh-CN", "Cookie": "qz_lang=en"}, "/en/"),  # chose English
    ({"Accept-Language": ENGLISH, "Referer": "https://search.example/?q=x"}, "/en/"),
])
def test_the_home_page_sends_an_english_browser_to_english_once(
        nginx: Nginx, headers: dict[str, str], to: str | None) -> None:
    answer = head(nginx.url, "/", **headers)
    assert (answer.status, answer.getheader("Location")) == ((302, to) if to else (200, None))
    assert {"Accept-Language", "Cookie"} <= {
        v.strip() for v in (answer.getheader("Vary") or "").split(",")}
    if to:  # and there it stays: no loop
        assert head(nginx.url, to, **headers).status == 200


def test_a_visitor_on_the_site_is_never_sent_back(nginx: Nginx) -> None:
    """The 中文 link on an English page leads to "/" with this host as Referer: even without the
    cookie (no script), the Chinese home page is what was asked for."""
    host = urlsplit(nginx.url).netloc
    for page in ("/en/", "/en/measures/3.1/"):
        answer = head(nginx.url, "/", **{"Accept-Language": ENGLISH,
                                         "Referer": f"http://{host}{page}"})
        assert answer.status == 200
    for path in ("/measures/3.1/", "/en/measures/3.1/", "/glossary/"):  # only "/" redirects
        assert head(nginx.url, path, **{"Accept-Language": ENGLISH}).status == 200


@pytest.mark.parametrize("path", ["/", "/en/", "/measures/3.1/", "/en/measures/3.1/"])
def test_crawlers_see_both_languages_of_each_page(nginx: Nginx, path: str) -> None:
    answer = head(nginx.url, path)
    assert answer.status == 200
    link = answer.getheader("Link") or ""
    page = path.removeprefix("/en")
    host = urlsplit(nginx.url).netloc
    for lang, url in (("zh", page), ("en", "/en" + page), ("x-default", page)):
        assert f'<http://{host}{url}>; rel="alternate"; hreflang="{lang}"' in link, link
    assert head(nginx.url, "/assets/qz.css").getheader("Link") is None


@pytest.fixture(params=list(SCREENS))
def english(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """An English (en-GB) browser at each screen size, with its own cookies."""
    with page_at(browser, request.param, locale="en-GB") as page:
        yield page


def switch_to(page: Page, lang: str) -> None:
    """The header's language switch, as a person uses it."""
    page.locator(".md-header .md-select button").click()
    page.locator(f".md-header a.md-select__link[hreflang='{lang}']").click()


def test_nginx_offers_english_and_remembers_chinese(english: Page, nginx: Nginx) -> None:
    page = english
    page.goto(nginx.url)
    expect(page).to_have_url(nginx.url + "en/")
    assert page.evaluate("document.documentElement.lang") == "en"
    switch_to(page, "zh")
    expect(page).to_have_url(nginx.url)
    assert page.evaluate("document.documentElement.lang") == "zh"
    page.goto(nginx.url)  # typed again later: the choice holds
    expect(page).to_have_url(nginx.url)
    expect(page.locator(OFFER)).to_be_hidden()


def test_another_host_shows_the_offer_in_english(english: Page, server: Server) -> None:
    page = english
    page.goto(server.url)
    offer = page.locator(OFFER)
    expect(offer).to_be_visible()
    assert offer.get_attribute("lang") == "en"
    expect(offer).to_contain_text(ui("en")["lang_offer.text"])
    box = offer.bounding_box()
    assert box is not None and box["height"] < 60, box  # one line, phone too
    offer.get_by_role("link", name=ui("en")["lang_offer.link"]).click()
    expect(page).to_have_url(server.url + "en/")
    page.goto(server.url + "measures/3.1/")  # English chosen: still offered on Chinese pages
    expect(page.locator(OFFER)).to_be_visible()
    page.locator(OFFER).get_by_role("button", name=ui("en")["lang_offer.stay"]).click()
    expect(page.locator(OFFER)).to_be_hidden()
    page.reload()
    expect(page.locator(OFFER)).to_be_hidden()


def test_a_chinese_browser_sees_chinese_and_no_offer(sized: Page, nginx: Nginx,  # noqa: F811
                                                     server: Server) -> None:
    for base in (nginx.url, server.url):
        sized.goto(base)
        expect(sized).to_have_url(base)
        assert sized.evaluate("document.documentElement.lang") == "zh"
        expect(sized.locator(OFFER)).to_be_hidden()
