"""Documents in time on the built site (issue 23): a site built from the real document and the
three fictional fixtures (tests/documents, 示例). Every fixture document has zh and en pages,
menu entries and search hits; each status the pages carry is calc's on every day, before,
inside and after each window; 3.1 shows its amended cap as a timeline; the amendment's page has
its "what changed" table; the replaced document keeps its pages, marked, linking to its
successor; the repealed 2022 document is named, with no page of its own."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import jieba
import pytest

import calc
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.site import search_dict
from generator.site.render import amount_text, date_text, load_ui, strings
from tests.documents import ALL, AMENDMENT, BUILD_DAY, COUNTY, SUCCESSOR, data_with, shared_site

from .conftest import Build, text_of
from .test_search import pages_matching

pytestmark = pytest.mark.slow

REAL = "qz-2025-18"
UI = {lang: strings(load_ui(), lang) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return Build(shared_site(tmp_path_factory, BUILD_DAY) / "site", 0, "", 0)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> calc.Catalog:
    return calc.Catalog(bundle(load_all(data_with(tmp_path_factory.mktemp("data")))))


def place(document: str) -> str:
    return "" if document == REAL else f"documents/{document}/"


@pytest.mark.parametrize("document", ALL)
def test_every_fixture_document_has_pages_menu_entries_and_search_hits(
        built: Build, catalog: calc.Catalog, document: str) -> None:
    home = place(document)
    measures = [f"{home}measures/{m}/" for m in catalog.ids(document)]
    pages = built.pages()
    for path in [home, *measures]:
        assert path in pages and f"en/{path}" in pages, path
    title = catalog.docs[document].title
    for lang in ("", "en/"):  # the menu lists every document under "policy documents"
        assert f"/{lang}{home}" in menu_links(built, f"{lang}documents/")
        for chapter in catalog.docs[document].data.get("chapters", []):
            chapter_page = f"{lang}{home}chapters/{chapter['id']}/"
            assert f"/{chapter_page}" in menu_links(built, f"{lang}{home}")
            assert {f"/{lang}{m}" for m in measures} <= menu_links(built, chapter_page)
    for word in search_dict.words(load_all(built.site.parent / "policy_data")):
        jieba.add_word(word)  # the site's own dictionary (generator/site/search_dict.py)
    for lang, prefix in (("zh", ""), ("en", "en/")):
        # the title as a visitor types it, cut into words as the site's search cuts it
        words = "\u200b".join(jieba.lcut(title.zh)) if lang == "zh" else title.en
        assert f"{prefix}{home}" in pages_matching(built, words), (lang, words)


def menu_links(built: Build, path: str) -> set[str]:
    """The site paths the primary navigation of the page at ``path`` links to."""
    nav = built.page(path).split('md-nav--primary')[1].split("</nav>")[0]
    return {posixpath.normpath(posixpath.join("/" + path, href)) + "/"
            for href in re.findall(r'href="([^"#]*)"', nav)}


def _timeline(html: str, anchor: str) -> list[tuple[str | None, str]]:
    """The first timeline the page carries after ``anchor`` (an attribute or text)."""
    at = html.index(anchor)
    found = re.search(r'data-qz-timeline="([^"]+)"', html[at:])
    assert found, anchor
    return [(day, state) for day, state in json.loads(unescape(found.group(1)))]


def _state(timeline: list[tuple[str | None, str]], day: dt.date) -> str:
    """What the page says for ``day``: the state of the latest entry begun by then."""
    state = timeline[0][1]
    for start, next_state in timeline:
        if start is None or start <= day.isoformat():
            state = next_state
    return state


def _days(window: calc.Window) -> list[dt.date]:
    """Before, on and after each boundary of a window."""
    one = dt.timedelta(days=1)
    bounds = [window.start, window.end, window.end + one]
    if window.replaced_on:
        bounds.append(window.replaced_on)
    return sorted({d + k * one for d in bounds for k in (-1, 0, 1)})


@pytest.mark.parametrize("document", [REAL, *ALL])
def test_each_document_status_is_calcs_on_every_day(built: Build, catalog: calc.Catalog,
                                                    document: str) -> None:
    html = built.page(place(document))
    timeline = _timeline(html, 'class="qz-document-status"')
    window = catalog.docs[document].window
    for day in _days(window):
        assert _state(timeline, day) == window.state(day), (document, day)
    shown = re.findall(r'data-qz-state="(\w+)">', html.split('class="qz-document-status"')[1]
                       .split("</td>")[0])
    assert shown == [window.state(dt.date.fromisoformat(BUILD_DAY))]  # the rest are hidden


@pytest.mark.parametrize("key", ["3.1", "8.2", "4.1", f"{COUNTY}/1.1", f"{SUCCESSOR}/1.1"])
def test_each_measure_status_is_calcs_on_every_day(built: Build, catalog: calc.Catalog,
                                                   key: str) -> None:
    measure = catalog.get(key)
    path = f"{place(measure.document)}measures/{measure.id}/"
    for page in (built.page(path), built.page(f"en/{path}")):
        timeline = _timeline(page, 'class="qz-validity"')
        for day in _days(measure.window):
            assert _state(timeline, day) == measure.status(day), (key, day)
    for language, prefix in (("zh", ""), ("en", "en/")):
        badges = built.page(f"{prefix}{path}").split('class="qz-validity"')[1].split("</td>")[0]
        for state in {s for _, s in measure.window.timeline()}:
            if state == "replaced":
                continue  # worded with the successor's title: the next test
            assert f">{UI[language]['badge.' + state]}</span>" in badges, (key, state)


def test_3_1_shows_its_amended_cap_as_a_timeline(built: Build, catalog: calc.Catalog) -> None:
    measure = catalog.get("3.1")
    values = next(v for v in measure.parameters.values() if len(v) > 1)
    first, later = values
    assert later.start is not None and later.source is not None
    for lang, prefix in (("zh", ""), ("en", "en/")):
        page = text_of(built.page(f"{prefix}measures/3.1/"))
        old, new = (amount_text(Decimal(v.value), lang) for v in (first, later))
        when = date_text(later.start, UI[lang])
        facts = UI[lang]["timeline.later"].format(date=when, value=new)
        assert old + facts in page  # the most it pays, in the facts and the home table
        assert later.source.number in page.split(old + facts.split(new)[0])[-1][:200]
        prose = UI[lang]["timeline.change"].format(date=when, value=new)
        assert prose in page  # the summary's {annual_cap}


def test_the_amendment_page_tables_what_changed(built: Build, catalog: calc.Catalog) -> None:
    amendment = catalog.docs[AMENDMENT].data["amends"]
    for lang, prefix in (("zh", ""), ("en", "en/")):
        html = built.page(f"{prefix}{place(AMENDMENT)}")
        table = html.split('class="qz-changes"')[1].split("</table>")[0]
        for change in amendment["changes"]:
            measure = catalog.get(f"{amendment['document']}/{change['measure']}")
            row = table.split(f'data-parameter="{change["parameter"]}"')[1].split("</tr>")[0]
            before = measure.parameters[change["parameter"]][0].value
            assert amount_text(Decimal(before), lang) in row
            assert amount_text(Decimal(change["value"]), lang) in row
            assert date_text(dt.date.fromisoformat(change["from"]), UI[lang]) in row
            assert unescape(re.sub(r"<[^>]+>", "", row)).count(
                change["ref"] if lang == "zh" else change["ref_en"]) == 1
            assert f'href="../../{prefix and "../"}measures/{change["measure"]}/"' in row or \
                f'measures/{change["measure"]}/' in row


def test_a_replaced_document_keeps_its_pages_marked_with_its_successor(
        built: Build, catalog: calc.Catalog) -> None:
    successor = catalog.replaced_by[REAL]
    title = catalog.docs[successor].title
    for path in ("", "measures/3.1/", "en/", "en/measures/3.1/"):
        html = built.page(path)
        banner = html.split('class="admonition warning qz-replaced"')[1].split("</div>")[0]
        (href,) = re.findall(r'href="([^"]+)"', banner)
        language = "en/" if path.startswith("en/") else ""
        assert posixpath.normpath(posixpath.join("/" + path, href)) + "/" == \
            f"/{language}{place(successor)}"
        assert title.local("en" if path.startswith("en/") else "zh") in unescape(banner)
        assert _state(_timeline(html, "qz-replaced"), catalog.docs[REAL].window.replaced_on
                      or dt.date.max) == "replaced"


def test_the_repealed_2022_document_is_named_with_no_page_of_its_own(built: Build) -> None:
    (relation,) = load_all(Path(__file__).resolve().parents[2] / "policy_data")[
        0].document.replaces
    assert relation.document is None and relation.number
    for path in ("", "documents/"):
        cell = text_of(built.page(path))
        assert relation.number in cell and UI["zh"]["badge.repealed"] in cell
    assert not any(relation.number in p or "2022" in p for p in built.pages())


def test_the_open_data_lists_every_document_with_its_relations(built: Build,
                                                               catalog: calc.Catalog) -> None:
    index = json.loads((built.site / "data" / "index.json").read_text(encoding="utf-8"))
    listed = {entry["id"]: entry for entry in index["documents"]}
    assert set(listed) == set(catalog.docs)
    for doc_id, document in catalog.docs.items():
        entry = listed[doc_id]
        assert entry["level"] == document.level and entry["amends"] == document.amends
        assert entry["replaces"] == list(document.replaces)
        body = (built.site / "data" / entry["url"]).read_bytes()
        assert calc.published(calc.document_bundle(catalog.bundle, catalog.documents[doc_id])) \
            == body
