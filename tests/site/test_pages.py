"""The built site: exactly the expected pages, both languages, lang and meta description on each
page, and nothing requested from outside the site."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.data.load import load_all

from .conftest import DATA, Build

pytestmark = pytest.mark.slow

MEASURES = ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2",
            "4.3", "5.1", "5.2", "6.1", "6.2", "7.1", "7.2", "7.3", "8.1", "8.2"]
OTHER = ["", "self-check/", *(f"chapters/{n}/" for n in range(1, 9)), "glossary/", "how-to-apply/",
         "for-editors/", "documents/"]
GOLDEN = {p for m in MEASURES for p in (f"measures/{m}/", f"en/measures/{m}/")} | {
    p for o in OTHER for p in ("./" if o == "" else o, f"en/{o}")}


def test_the_strict_build_passes_without_warnings(site: Build) -> None:
    assert site.returncode == 0
    assert "WARNING" not in site.output
    assert "Traceback" not in site.output


def test_the_site_has_exactly_the_golden_set_of_pages(site: Build) -> None:
    assert len(GOLDEN) == 22 * 2 + 14 * 2
    assert site.pages() == GOLDEN


def twin(path: str) -> str:
    if path.startswith("en/"):
        return path.removeprefix("en/") or "./"
    return "en/" + ("" if path == "./" else path)


@pytest.mark.parametrize("path", sorted(GOLDEN))
def test_every_page_has_its_other_language_and_switches_to_it(site: Build, path: str) -> None:
    other = twin(path)
    assert other in site.pages()
    page = site.page(path)
    links = dict((lang, href) for href, lang in re.findall(
        r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link"', page))
    assert set(links) == {"zh", "en"}
    here = Path("/", path)
    target = {"zh": path if not path.startswith("en/") else other,
              "en": path if path.startswith("en/") else other}
    for lang, href in links.items():
        resolved = Path(unquote((here / href).as_posix())).resolve()
        assert resolved == Path("/", target[lang]).resolve(), (lang, href)


@pytest.mark.parametrize("path", sorted(GOLDEN))
def test_every_page_has_lang_and_a_meta_description(site: Build, path: str) -> None:
    page = site.page(path)
    lang = "en" if path.startswith("en/") else "zh"
    assert f'<html lang="{lang}"' in page
    description = re.search(r'<meta name="description" content="([^"]+)">', page)
    assert description and len(html.unescape(description.group(1)).strip()) > 10


def test_a_measure_page_describes_itself_with_its_summary(site: Build) -> None:
    policy = load_all(DATA)[0]
    measure = policy.measure("3.1")
    for path, lang in (("measures/3.1/", "zh"), ("en/measures/3.1/", "en")):
        found = re.search(r'<meta name="description" content="([^"]+)">', site.page(path))
        assert found and html.unescape(found.group(1)) == getattr(measure.summary, lang)


OFF_SITE = re.compile(r"""(?:src|href|srcset|action|poster|data)\s*=\s*["']\s*(?:https?:)?//"""
                      r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)


def test_no_page_or_stylesheet_requests_anything_off_the_site(site: Build) -> None:
    checked = 0
    for file in site.site.rglob("*"):
        if file.suffix in {".html", ".css", ".js"} and file.is_file():
            text = file.read_text(encoding="utf-8", errors="replace")
            if file.suffix == ".js" and "assets/javascripts" in file.as_posix():
                continue  # Material's bundle: its URLs are only followed on user action
            assert not OFF_SITE.search(text), f"{file}: {OFF_SITE.search(text)}"
            checked += 1
    assert checked >= len(GOLDEN)


LOCAL = re.compile(r"""(?:src|href)="([^"#?]+)[^"]*\"""")


def test_every_local_link_and_asset_exists(site: Build) -> None:
    for path in sorted(GOLDEN):
        for target in LOCAL.findall(site.page(path)):
            if urlsplit(target).scheme or target.startswith("mailto:"):
                continue
            resolved = (site.site / path / unquote(target)).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            assert resolved.is_file(), f"{path}: broken link {target}"


JSON_ISLAND = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)


def test_no_template_syntax_reaches_a_page(site: Build) -> None:
    """A Jinja comment written the wrong way ({# #} instead of the site's {## ##}) or an
    unrendered tag shows up as text on the page."""
    for path in sorted(site.pages()):
        html = site.page(path)
        islands = "".join(JSON_ISLAND.findall(html))
        outside = JSON_ISLAND.sub("", html)
        for mark in ("{#", "#}", "{%", "%}", "{{", "}}"):
            assert mark not in outside, (path, mark)
        # A JSON data island closes nested objects with "}}"; an opening mark is never JSON.
        for mark in ("{#", "{%", "{{"):
            assert mark not in islands, (path, mark)
