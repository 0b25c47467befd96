"""A field's name says what to enter, as a screen reader announces it, on a phone (390×844) and a
desktop (1440×900), in both languages: 3.1's fee is the invoice total with VAT (含税价税合计) and
4.1's investment is counted without it (不含税); an amount per year names its year (the year of
the estimate's date, or the one before) and follows the date; every amount's name ends with its
unit (元 / CNY); and "80w" is read as 80万, as people write it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from generator.serve.static_server import Server

from .calcpage import LANGS, Calc, figures_of, policy, ui
from .test_phone_layout import sized  # noqa: F401  (fixture: each screen size)
from .test_selfcheck import SelfCheck

pytestmark = pytest.mark.browser

# What each label must say about tax, in the page's language.
TAX = {("3.1", "fee"): {"zh": "含税价税合计", "en": "VAT included"},
       ("4.1", "investment"): {"zh": "不含税", "en": "tax excluded"}}


def unit(lang: str) -> str:
    return ui(lang)["calc.unit.yuan"]


def name_of(control: Locator) -> str:
    """The control's accessible name, as Chromium computes it for a screen reader."""
    snapshot = control.aria_snapshot()
    found = re.search(r'textbox "([^"]*)"', snapshot)
    assert found, snapshot
    return found.group(1)


def window() -> tuple[dt.date, dt.date]:
    """Two estimate dates in different years, both inside the document's window."""
    start, end = policy().document.window.start, policy().document.window.end
    later = dt.date(start.year + 1, 6, 1)
    assert start < later <= end
    return start, later


@pytest.mark.parametrize("lang", LANGS)
def test_tax_and_unit_are_in_the_fields_names(sized: Page, server: Server,  # noqa: F811
                                              lang: str) -> None:
    for (measure, field), words in TAX.items():
        calculator = Calc.open(sized, server.url, policy().measure(measure), lang)
        name = name_of(calculator.control(field))
        assert words[lang] in name and name.endswith(unit(lang)), name
        assert words[lang] in calculator.root.locator(
            f"label[for$='-{field}']").inner_text()  # seen too, not only heard
        amounts = calculator.root.locator(".qz-calc__field--money input")
        assert amounts.count() >= 1
        for i in range(amounts.count()):
            assert name_of(amounts.nth(i)).endswith(unit(lang)), i


def year_label(root: Locator, field: str) -> Locator:
    return root.locator(f"label[for$='-{field}'] [data-period]")


@pytest.mark.parametrize("lang", LANGS)
def test_an_amount_per_year_names_the_year_of_the_estimates_date(
        sized: Page, server: Server, lang: str) -> None:  # noqa: F811
    first, later = window()
    fee = Calc.open(sized, server.url, policy().measure("3.1"), lang)
    for on in (first, later):
        fee.enter({"fee": "60000"}, on)
        expect(year_label(fee.root, "fee")).to_contain_text(str(on.year))
        assert str(on.year) in name_of(fee.control("fee"))
    expenditure = Calc.open(sized, server.url, policy().measure("4.3"), lang)
    expenditure.enter({}, later)
    expect(year_label(expenditure.root, "expenditure")).to_contain_text(str(later.year - 1))
    check = SelfCheck(sized, server.url, lang)
    check.control("on").fill(later.isoformat(), force=True)
    expect(year_label(check.root, "compute_fee")).to_contain_text(str(later.year))
    assert TAX[("3.1", "fee")][lang] in check.root.locator(
        "label[for='sc-compute_fee']").inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_80w_is_80_wan(sized: Page, server: Server, lang: str) -> None:  # noqa: F811
    measure = policy().measure("3.1")
    calculator = Calc.open(sized, server.url, measure, lang)
    on = window()[0]
    for typed in ("80w", "80W"):
        calculator.enter({"fee": typed}, on)
        assert calculator.figures() == figures_of(measure, {"fee": "800000"}, on), typed
        expect(calculator.error_for("fee")).to_be_hidden()
