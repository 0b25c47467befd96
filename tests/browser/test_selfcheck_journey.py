"""The self-check as a new user meets it: nothing judged before an answer, the hits first and
the rest folded away, a headline without zero totals, a gate that takes you to its questions,
and a printout with the answers, the link and the reasons."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Page, expect

from calc.selfcheck import assess_with
from generator.serve.static_server import Server

from .calcpage import LANGS, catalog, ui
from .test_selfcheck import SelfCheck, gates

pytestmark = pytest.mark.browser

# A software company with a new CS3 certificate and a year of rented cloud compute (issue 15).
OWNER = {"enterprise_types": ["software"], "has_software_matters": "yes", "cs_grade": "CS3",
         "has_compute_rental": "yes", "compute_fee": "8万"}
ON = "2026-06-01"


def report() -> dict[str, Any]:
    return assess_with(catalog(), OWNER, ON)


def visible_rows(check: SelfCheck) -> list[dict[str, str]]:
    return list(check.root.evaluate("""root => [...root.querySelectorAll(
        "tbody[data-slot=rows] > tr")].filter((tr) => !tr.hidden).map((tr) => ({
          measure: tr.dataset.measure, status: tr.dataset.status,
          shown: tr.querySelector('[data-col="status"]').textContent}))"""))


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_is_judged_before_anything_is_answered(page: Page, server: Server,
                                                        lang: str) -> None:
    check = SelfCheck(page, server.url, lang)
    check.wait_idle()
    expect(check.root.locator('[data-slot="pending"]')).to_be_visible()
    expect(check.root.locator('[data-slot="figures"]')).to_be_hidden()
    expect(check.root.locator('[data-slot="summary"]')).to_be_empty()
    for status in ("not_qualified", "needs_info"):
        assert ui(lang)[f"status.{status}"] not in check.root.inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_the_hits_come_first_and_the_rest_is_folded(page: Page, server: Server,
                                                     lang: str) -> None:
    expected = report()
    hits = {r["measure"] for r in expected["rows"] if r["status"] == "may_qualify"}
    assert hits  # the owner qualifies for something: the test can see an order
    check = SelfCheck(page, server.url, lang)
    check.enter(OWNER, ON)
    shown = visible_rows(check)
    assert {r["measure"] for r in shown[:len(hits)]} == hits, shown
    assert all(r["status"] != "not_qualified" for r in shown), shown
    # Measures none of whose questions were answered (6.2 is for cluster operators) do not ask
    # for more information; they are folded with the rest.
    assert "6.2" not in {r["measure"] for r in shown}
    folded = len(expected["rows"]) - len(shown)
    button = check.root.locator('[data-action="rest"]')
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_contain_text(str(folded))
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    assert len(visible_rows(check)) == len(expected["rows"])
    shown_all = {r["measure"]: r for r in visible_rows(check)}
    # 6.2 is for cluster operators: its own gate, not answered yes, rules it out
    assert shown_all["6.2"]["status"] == "not_qualified"
    # a section opened but none of its questions answered: "not answered", not "needs info"
    opened_only = {"has_software_cluster": "yes"}
    (row,) = [r for r in assess_with(catalog(), opened_only, ON)["rows"] if r["measure"] == "6.2"]
    assert row["status"] == "needs_info" and not row["answered"]
    check.enter(opened_only, ON)
    shown = {r["measure"]: r for r in visible_rows(check)}
    assert shown["6.2"]["shown"] == ui(lang)["sc.status.unanswered"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_headline_names_no_zero_total(page: Page, server: Server, lang: str) -> None:
    expected = report()
    assert expected["totals"]["upper_bounds"] == "0.00" != expected["totals"]["entitlements"]
    check = SelfCheck(page, server.url, lang)
    check.enter(OWNER, ON)
    money = ui(lang)["amount.yuan"]
    summary = check.root.locator('[data-slot="summary"]')
    expect(summary).to_contain_text(
        money.format(value=f"{Decimal(expected['totals']['entitlements']):,.2f}"))
    zero = re.escape(money.format(value=f"{Decimal(0):,.2f}"))
    assert not re.search(rf"(?<![\d,.]){zero}", summary.inner_text()), summary.inner_text()
    # nor does the totals list show a zero ceiling sum beside the real one
    totals = check.root.locator(".qz-sc__totals")
    expect(totals.locator('[data-total="entitlements"]')).to_be_visible()
    expect(totals.locator('[data-total="upper_bounds"]')).to_be_hidden()
    expect(totals).not_to_contain_text(ui(lang)["total.upper_bounds"], use_inner_text=True)


# Where a gate's first question lands, once answered yes: the gate's own field and the first
# field it opened, in page coordinates, and the screen's height.
REVEALED = """(gate) => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, seen: r.bottom};
  };
  const asked = document.querySelector(`form [name="${gate}"]`).closest("[data-field]");
  const opened = document.querySelector(`[data-gate="${gate}"] [data-field]`);
  return {gate: box(asked), first: box(opened), screen: innerHeight};
}"""


@pytest.mark.parametrize("gate", sorted(gates()))
def test_a_gate_answered_yes_opens_its_questions_right_below_it(page: Page, server: Server,
                                                                gate: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    check = SelfCheck(page, server.url, "zh")
    opened = check.root.locator(f'[data-gate="{gate}"]')
    expect(opened).to_be_hidden()
    check.control(gate).scroll_into_view_if_needed()
    check.control(gate).select_option("yes")
    expect(opened).to_be_visible()
    where = page.evaluate(REVEALED, gate)
    # the first new question follows the gate's own field, not a screen or more further down
    gap = where["first"]["top"] - where["gate"]["bottom"]
    assert 0 <= gap < 48, where
    assert where["first"]["seen"] <= where["screen"], where  # and is on the screen


@pytest.mark.parametrize("lang", LANGS)
def test_the_printout_has_answers_link_reasons_and_one_date(page: Page, server: Server,
                                                              lang: str) -> None:
    check = SelfCheck(page, server.url, lang)
    check.enter(OWNER, ON)
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    answers = check.root.locator('[data-slot="print-inputs"]')
    expect(answers).to_be_visible()
    expect(answers).to_contain_text("CS3")
    # one line per answer the link carries (the marker, the date, and the rules it was checked
    # with and the total it showed aside)
    answered = [k for k, _ in parse_qsl(urlsplit(page.url).fragment)
                if k not in ("sc", "on", "rules", "total")]
    assert set(OWNER) <= set(answered)
    expect(answers.locator("tr")).to_have_count(len(answered))
    link = check.root.locator('[data-slot="print-link"]')
    expect(link).to_be_visible()
    expect(link).to_contain_text("#sc=1&")
    # the day printed differs from the day checked: both lines; the same day: one line
    expect(check.root.locator('[data-slot="print-made-row"]')).to_be_visible()
    rest = check.root.locator('[data-slot="rest-print"]')
    expect(rest).to_be_visible()
    not_qualified = next(r for r in report()["rows"] if r["status"] == "not_qualified")
    expect(rest).to_contain_text(f"{not_qualified['measure']} ")
    expect(rest).to_contain_text(not_qualified["why"][lang])
    expect(check.root.locator("tr.qz-sc__rest").first).to_be_hidden()
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    check.control("on").fill(page.evaluate("() => new Date().toISOString().slice(0, 10)"))
    check.wait_idle()
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    expect(check.root.locator('[data-slot="print-made-row"]')).to_be_hidden()
