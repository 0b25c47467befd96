"""The self-check played as a person plays it on a phone: each question in the order the page
shows it, tapped, with the taps counted (issue 22). Works on any version of the form (yes/no
as a drop-down or as two buttons), so the same count can be taken before and after a change.

What a tap is: a radio button or a checkbox is one tap; a drop-down is two (open it, pick); a
text field is one (focus it; the keys typed are not taps). Scrolling is not a tap; the pixels
scrolled are counted apart. A question the profile does not answer is answered 否 when it is a
yes/no question nobody has answered yet (issue 22's "the rest 否"), and otherwise left alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page

from .calcpage import READY_MS

# Issue 22's profile: a software and data enterprise, revenue 1200万 after a best of 900万,
# DCMM level 3 reached for the first time, 80万 of rented compute; the rest 否.
ISSUE_22 = {"enterprise_types": ["software", "data_enterprise"], "operating_revenue": "1200万",
            "operating_revenue_best_before": "900万", "has_data_projects": "yes",
            "dcmm_level": "L3", "dcmm_first_time_at_level": "yes", "has_compute_rental": "yes",
            "compute_fee": "80万"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# The next question the page shows that the player has not handled: its name, its kind, the
# values it offers and what it holds now (in page order, visible ones only).
NEXT = """(root, done) => {
  const seen = (el) => el.getClientRects().length > 0 && !el.closest("[hidden]");
  for (const field of root.querySelectorAll("form [data-field]")) {
    const name = field.dataset.field;
    if (name === "on" || done.includes(name) || !seen(field)) continue;
    const controls = [...field.querySelectorAll(`[name="${name}"]`)];
    const first = controls[0];
    if (!first || !seen(first.closest("label") ?? first)) continue;
    const kind = first.tagName === "SELECT" ? "select" : first.type;
    const offered = kind === "select" ? [...first.options].map((o) => o.value)
      : controls.map((c) => c.value);
    const held = kind === "select" ? first.value
      : kind === "radio" ? (controls.find((c) => c.checked)?.value ?? "")
      : kind === "checkbox" ? controls.filter((c) => c.checked).map((c) => c.value).join(",")
      : first.value;
    return {name, kind, offered, held};
  }
  return null;
}"""


@dataclass
class Played:
    taps: int
    scrolled: int  # pixels scrolled to reach the questions
    answered: list[str]


def _wanted(question: dict[str, Any], answers: dict[str, Any]) -> Any:
    """What the person answers: the profile's value, 否 to an unanswered yes/no, else nothing."""
    if question["name"] in answers:
        return answers[question["name"]]
    yes_no = {"yes", "no"} <= set(question["offered"])
    return "no" if yes_no and question["held"] == "" else None


class Player:
    def __init__(self, page: Page, root: Locator) -> None:
        self.page = page
        self.root = root
        self.taps = 0
        self.scrolled = 0

    def idle(self) -> None:
        self.page.wait_for_function("el => !el.hasAttribute('data-busy')",
                                    arg=self.root.element_handle(), timeout=READY_MS)

    def tap(self, target: Locator) -> None:
        """One tap on what a person sees (a radio's or a checkbox's label, a field)."""
        before = self.page.evaluate("scrollY")
        target.scroll_into_view_if_needed()
        self.scrolled += abs(self.page.evaluate("scrollY") - before)
        target.click()
        self.taps += 1

    def answer(self, question: dict[str, Any], value: Any) -> None:
        name, kind = question["name"], question["kind"]
        control = self.root.locator(f'form [name="{name}"]')
        if kind == "checkbox":
            chosen = value if isinstance(value, list) else str(value).split(",")
            for box in control.all():
                if box.is_checked() != (box.get_attribute("value") in chosen):
                    self.tap(box.locator("xpath=ancestor::label[1]"))
        elif kind == "radio":
            if question["held"] != value:
                self.tap(self.root.locator(f'form label:has(> [name="{name}"][value="{value}"])'))
        elif kind == "select":
            if question["held"] != value:
                self.tap(control)  # opens the list; picking is the second tap
                control.select_option(str(value))
                self.taps += 1
        else:
            self.tap(control)
            self.page.keyboard.type(str(value))

    def play(self, answers: dict[str, Any], after: Callable[[], None] = lambda: None) -> Played:
        """Every question, top to bottom as the page shows them (answers open new ones);
        ``after`` is called once each answer is shown."""
        done: list[str] = []
        while (question := self.root.evaluate(NEXT, done)):
            done.append(question["name"])
            value = _wanted(question, answers)
            if value is not None:
                self.answer(question, value)
                self.idle()
                after()
        return Played(self.taps, self.scrolled, done)
