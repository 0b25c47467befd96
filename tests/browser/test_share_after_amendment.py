"""A share link made before an amendment was published, opened after it (issue 23): the site
built without the amending document gives the link (the figure it showed, the token of the
documents it used, the values it bound); the same link on the site built with it says the rules
changed, shows the stored figure beside the figure under the current rules, and names the
parameter that changed (old → new, from which date, which clause), in zh and en."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

import calc
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.serve.static_server import Server, serving
from tests.documents import AMENDMENT, BUILD_DAY, COUNTY, SUCCESSOR, build_site, shared_site

from .calcpage import READY_MS
from .conftest import Guard, guarded_context


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server, Path]]:
    """(the site before the amendment, the site after it, the data after it)."""
    before = build_site(tmp_path_factory.mktemp("before"), BUILD_DAY, (COUNTY, SUCCESSOR))
    after_folder = shared_site(tmp_path_factory, BUILD_DAY)
    with serving(before) as old, serving(after_folder / "site") as new:
        yield old, new, after_folder / "policy_data"


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[tuple[BrowserContext, Guard]]:
    context, guard = guarded_context(browser)
    yield context, guard
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_link_made_before_an_amendment_shows_both_figures_and_names_the_change(
        context: tuple[BrowserContext, Guard], sites: tuple[Server, Server, Path],
        lang: str) -> None:
    old, new, data = sites
    catalog = calc.Catalog(bundle(load_all(data)))
    (change,) = catalog.docs[AMENDMENT].data["amends"]["changes"]
    on = dt.date.fromisoformat(change["from"]) + dt.timedelta(days=30)
    fee = "1000000000"
    prefix = "en/" if lang == "en" else ""
    page = context[1].open_page(context[0])
    context[1].allow("clipboard|Write permission denied")  # copying may be refused headless
    page.goto(f"{old.url}{prefix}measures/3.1/")
    root = page.locator("[data-qz-calc]")
    expect(root).to_have_attribute("data-state", "ready", timeout=READY_MS)
    root.locator('form [name="fee"]').fill(fee, force=True)
    root.locator('form [name="on"]').fill(on.isoformat(), force=True)
    result = root.locator("[data-result]")
    parameter = catalog.get("3.1").parameters[change["parameter"]]
    old_award = str(calc.to_fen(Decimal(parameter[0].value)))  # a fee far above the cap: the cap
    expect(result).to_have_attribute("data-award", old_award, timeout=READY_MS)
    root.locator('[data-action="copy"]').click()
    link = urlsplit(page.url).fragment
    assert "rules=" in link and f"award={old_award}" in link
    page.close()

    page = context[1].open_page(context[0])
    page.goto(f"{new.url}{prefix}measures/3.1/#{link}")
    root = page.locator("[data-qz-calc]")
    expected = calc.estimate("3.1", {"fee": fee}, on, using=catalog)
    expect(root.locator("[data-result]")).to_have_attribute("data-award", str(expected.award),
                                                            timeout=READY_MS)
    box = root.locator('[data-slot="changed-box"]')
    expect(box).to_be_visible()
    text = " ".join(box.inner_text().split())
    for amount in (old_award, str(expected.award)):
        assert calc.Money(Decimal(amount)).local(lang) in text
    assert change["parameter"] in text
    for value in parameter:
        assert calc.Amount(Decimal(value.value)).local(lang) in text
    assert calc.Day(dt.date.fromisoformat(change["from"])).local(lang) in text
    assert catalog.docs[AMENDMENT].number in text
    assert (change["ref"] if lang == "zh" else change["ref_en"]) in text
    root.locator('form [name="fee"]').fill("1000000001", force=True)  # a new estimate: no notice
    expect(box).to_be_hidden(timeout=READY_MS)
    page.close()
    context[1].check()
