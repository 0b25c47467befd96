"""Hostile data: a copy of policy_data with an XSS payload appended to every text field
(tests/deploy/hostile_data.py) builds, and no page carries the payload as markup, only as text;
in Chromium (without the CSP, so escaping alone is tested) no payload runs.

The other half of the issue's hostile-data item is tested where the loader is: duplicate keys,
float money and unknown keys fail with file:line in tests/data/test_validation.py
(test_duplicate_key, test_float_money, test_unknown_key) and stop the site build in
tests/site/test_editing.py
(test_a_broken_yaml_file_stops_the_build_names_it_and_keeps_the_old_site);
test_editing.py's test_markup_in_yaml_text_is_escaped_everywhere covers a handful of fields,
this covers all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from generator.serve.static_server import Server, serving
from tests.browser.calcpage import Calc, policy
from tests.site.conftest import DOCUMENT, Build, build

from .hostile_data import PAYLOADS, hostile_copy
from .markup import active_markup

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, Build]:
    folder = tmp_path_factory.mktemp("hostile")
    count = hostile_copy(folder / "policy_data")
    built = build(folder / "site", folder / "policy_data")
    assert built.returncode == 0, built.output
    return folder / "policy_data", count, built


@pytest.fixture(scope="module")
def hostile_server(hostile: tuple[Path, int, Build]) -> Iterator[Server]:
    with serving(hostile[2].site) as server:
        yield server


def test_every_data_file_got_the_payload(hostile: tuple[Path, int, Build]) -> None:
    data, count, _ = hostile
    files = sorted(data.rglob("*.yaml"))
    assert len(files) >= 25 and count > 1000
    for path in files:
        assert PAYLOADS[0] in path.read_text(encoding="utf-8"), path  # the 2nd is escaped
    glossary = (data / DOCUMENT / "glossary.yaml").read_text(encoding="utf-8")
    assert glossary.count(PAYLOADS[0]) >= 2 * glossary.count("term:")  # terms and definitions


def test_no_page_carries_the_payload_as_markup(hostile: tuple[Path, int, Build]) -> None:
    site = hostile[2].site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found = active_markup(text)
        assert not found, (page, found[:3])
        assert "<script>alert" not in text and "<img src=x" not in text, page
        assert "&amp;lt;script" not in text, page  # escaped once, not twice
    for data in [*site.rglob("*.json"), *site.rglob("*.xml")]:
        if "pyodide" not in data.parts:
            assert "<script>alert" not in data.read_text(encoding="utf-8"), data
    measure = hostile[2].page("measures/3.1/")
    assert measure.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 20  # shown, as text
    glossary = hostile[2].page("en/glossary/")
    assert glossary.count("&lt;img src=x onerror=alert(1)&gt;") >= 10


def test_no_payload_runs_in_the_browser(page: Page, hostile_server: Server) -> None:
    """The page fixture fails on any dialog (alert) and on console errors."""
    m = policy().measure("3.1")
    for lang in ("zh", "en"):
        calculator = Calc.open(page, hostile_server.url, m, lang)
        calculator.control("fee").fill("abc", force=True)  # an error message, with the label
        calculator.wait_idle()
        assert "alert(1)" in calculator.error_for("fee").inner_text()
        assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
    page.goto(hostile_server.url + "en/glossary/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill("computing power")  # results whose titles and texts carry the payload
    box.dispatch_event("keyup")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert "alert(1)" in page.locator(".md-search-result").inner_text()
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
