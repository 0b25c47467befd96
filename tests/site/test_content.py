"""Numbers on the pages come from the YAML and from calc, never typed twice."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pytest

import calc
from calc.fmt import Money
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.data.model import Policy
from generator.site import facts
from generator.site.render import amount_text, date_text, load_ui, strings
from generator.site.views import examples

from .conftest import DATA, Build, text_of

pytestmark = pytest.mark.slow

UI = load_ui()


@cache
def policy() -> Policy:
    return load_all(DATA)[0]


def ui(lang: str) -> dict[str, str]:
    return strings(UI, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_measure_page_shows_its_maximum_dates_and_departments(site: Build, lang: str) -> None:
    doc = policy().document
    for measure in policy().measures:
        page = text_of(site.page(("en/" if lang == "en" else "") + f"measures/{measure.id}/"))
        # one maximum, or each part's own when the parts are capped separately (7.1 TV / film)
        bounds = ([facts.measure_most(measure)] if len(measure.parts) == 1
                  else [facts.most(p.rule) for p in measure.parts])
        for most in bounds:
            if most is not None:
                assert amount_text(most, lang) in page, measure.id
        end = min((measure.validity or doc.window).end, doc.window.end)
        assert date_text(end, ui(lang)) in page, measure.id
        for dept in measure.departments:
            assert getattr(doc.departments[dept], lang) in page, measure.id
        assert getattr(measure.title, lang) in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_worked_examples_show_what_calc_computes(site: Build, lang: str) -> None:
    catalog = calc.Catalog(bundle([policy()]))
    shown = 0
    for measure in policy().measures:
        page = text_of(site.page(("en/" if lang == "en" else "") + f"measures/{measure.id}/"))
        for example in examples(policy(), measure, catalog):
            assert example.error is None, (measure.id, example.error)
            assert example.award is not None
            assert Money(example.award).local(lang) in page, (measure.id, example.name)
            assert getattr(example.name, lang) in page
            shown += 1
    assert shown >= 22


def test_the_official_chinese_text_is_verbatim_on_both_pages(site: Build) -> None:
    for measure in policy().measures:
        for path in (f"measures/{measure.id}/", f"en/measures/{measure.id}/"):
            assert measure.text.zh in text_of(site.page(path)), (path, measure.id)


def test_the_home_table_lists_all_measures_by_chapter_with_links(site: Build) -> None:
    page = site.page("./")
    rows = re.findall(r'<tr id="m-[\d-]+"[^>]*data-measure="([\d.]+)">\s*<td[^>]*>\1</td>\s*'
                      r'<td[^>]*><a href="measures/\1/">', page)
    assert rows == [m.id for m in policy().measures]
    chapters = [m.start() for m in re.finditer(r'<tr class="qz-chapter-row">', page)]
    assert len(chapters) == len(policy().document.chapters) == 8


def test_measures_ending_early_stand_out_on_the_home_page(site: Build) -> None:
    """Flagged as calc says on the build day (the browser re-derives it for its own day)."""
    page = site.page("./")
    catalog = calc.Catalog(bundle([policy()]))
    today = dt.date.today()
    states = dict((m, s) for s, m in re.findall(
        r'<tr id="m-[\d-]+" class="qz-status--(\w+)" data-qz-timeline="[^"]+" '
        r'data-measure="([\d.]+)"', page))
    assert states == {m.id: catalog.get(m.id).status(today) for m in policy().measures}
    flagged = {m for m, s in states.items() if s in ("ends_early", "ends_soon", "expired")}
    if today < policy().document.window.end - dt.timedelta(
            days=policy().document.limits.expiry_warning_days):
        assert flagged == {"4.1", "8.2"}
    expiring = page.split('class="admonition warning qz-expiring"')[1].split("</ul>")[0]
    shown = re.findall(r'<li data-qz-timeline="[^"]+" data-qz-state="[\w ]+">'
                       r'<a href="measures/([\d.]+)/">', expiring)
    assert set(shown) == flagged
    assert date_text(dt.date(2026, 12, 31), ui("zh")) in expiring


def test_funding_follows_the_yaml(site: Build) -> None:
    funding = policy().document.funding
    for measure in policy().measures:
        cell = site.page(f"en/measures/{measure.id}/").split('class="qz-funding">')[1]
        cell = cell.split("</td>")[0]
        if measure.funding == "shared":
            assert f"{funding.city}:{funding.county}" in cell
        else:
            assert "city alone" in cell


def test_how_it_is_paid_is_rendered_from_every_rule_node(site: Build) -> None:
    from generator.data.crosscheck import walk

    for measure in policy().measures:
        page = site.page(f"measures/{measure.id}/")
        section = page.split('id="how-paid"')[1].split('id="examples"')[0]
        for part in measure.parts:
            nodes = [n for _, n in walk(part.rule, ()) if hasattr(n, "kind")]
            for node in nodes:
                assert f"qz-rule--{node.kind}" in section, (measure.id, node.kind)
        assert section.count("qz-rule qz-rule--") == sum(
            1 for p in measure.parts for _, n in walk(p.rule, ()) if hasattr(n, "kind"))
