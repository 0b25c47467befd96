"""The calculator and the self-check driven through WebDriver as a person uses them: keys typed
into text fields, options, buttons and boxes clicked. Only the date is set by script, because what a
date control accepts from the keyboard differs between engines and locales."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from generator.data.model import Measure
from tests.browser.calcpage import READ_RESULT

from .drivers import Element, Engine

READY_S = 60.0  # a cold Pyodide start in an engine that has not cached it yet

# The same reading as tests/browser/calcpage.py: figures, the listed steps and the errors.
READ_CALC = f"return JSON.stringify(({READ_RESULT})(document.querySelector(arguments[0])));"

READ_SELFCHECK = """
const root = document.querySelector(arguments[0]);
const result = root.querySelector("[data-result]");
const rows = {};
for (const tr of root.querySelectorAll("tbody[data-slot=rows] > tr")) {
  rows[tr.dataset.measure] = {status: tr.dataset.status, award: tr.dataset.award ?? null};
}
const totals = {};
for (const key of ["entitlements", "upper_bounds", "city", "county"]) {
  totals[key] = result.dataset[key] ?? null;
}
return JSON.stringify({totals, rows});
"""

# The date, then one change event: the form asks the worker for the answer to all of it.
SET_DATE = """
const form = document.querySelector(arguments[0]).querySelector("form");
form.elements.on.value = arguments[1];
form.elements.on.dispatchEvent(new Event("input", {bubbles: true}));
form.elements.on.dispatchEvent(new Event("change", {bubbles: true}));
"""

# Back to the initial state (reset fires neither input nor change; the date set next does).
RESET = 'document.querySelector(arguments[0]).querySelector("form").reset();'

# What a field holds: the values of its checked boxes, the value of its checked button, or its
# value.
HELD = """
const form = document.querySelector(arguments[0]).querySelector("form");
const els = [...form.querySelectorAll(`[name="${arguments[1]}"]`)];
return els[0].type === "checkbox" ? els.filter((e) => e.checked).map((e) => e.value)
  : els[0].type === "radio" ? (els.find((e) => e.checked)?.value ?? "") : els[0].value;
"""

KIND = """
const el = document.querySelector(arguments[0]).querySelector(`form [name="${arguments[1]}"]`);
return el === null ? null : el.tagName === "SELECT" ? "select" : el.type;
"""


class Form:
    """One calculator (``[data-qz-calc]``) or the self-check (``[data-qz-selfcheck]``)."""

    def __init__(self, engine: Engine, root: str) -> None:
        self.engine = engine
        self.root = root

    def open(self, url: str) -> Form:
        self.engine.goto(url)
        state = self.engine.wait_for(
            "const el = document.querySelector(arguments[0]);"
            "const s = el && el.dataset.state; return s === 'ready' || s === 'failed' ? s : null",
            self.root, timeout=READY_S, what=f"calculator at {url}")
        assert state == "ready", f"{self.engine.name}: the calculator failed to start at {url}"
        return self

    def wait_idle(self) -> None:
        self.engine.wait_for("return !document.querySelector(arguments[0])"
                             ".hasAttribute('data-busy')", self.root, what="answer")

    def reset(self) -> None:
        self.engine.js(RESET, self.root)

    def enter(self, name: str, value: Any) -> None:
        """Answer one question the way a person does, then check the form holds the answer
        (a click that missed would otherwise show up as a wrong award)."""
        kind = self.engine.js(KIND, self.root, name)
        css = f'{self.root} form [name="{name}"]'
        if kind is None:
            raise AssertionError(f"{self.engine.name}: the form has no field {name!r}")
        meant: str | list[str]
        if kind == "checkbox":
            meant = value if isinstance(value, list) else str(value).split(",")
            for box in self.engine.find_all(css):
                if box.is_selected() != (box.get_attribute("value") in meant):
                    self._settle(box)
                    box.click()
        elif kind == "select":
            meant = ("yes" if value else "no") if isinstance(value, bool) else str(value)
            [select] = self.engine.find_all(css)
            [option] = self.engine.find_all(f'{css} option[value="{meant}"]')
            self._settle(select)  # an option has no box of its own to scroll to
            option.click()
        elif kind == "radio":  # a row of buttons (the self-check's yes/no and choices)
            meant = ("yes" if value else "no") if isinstance(value, bool) else str(value)
            [button] = self.engine.find_all(f'{css}[value="{meant}"]')
            self._settle(button)
            button.click()
        else:
            meant = str(value)
            [box] = self.engine.find_all(css)  # keys go to the element: nothing to settle
            box.clear()
            box.send_keys(meant)
        held = self.engine.js(HELD, self.root, name)
        if isinstance(meant, list):  # boxes in page order, answers in the data's
            held, meant = sorted(held), sorted(meant)
        assert held == meant, f"{self.engine.name}: {name} holds {held!r}, not {meant!r}"

    def _settle(self, element: Element) -> None:
        """Before a click: the answer to the last edit shown (it changes the layout, and a
        click during that lands elsewhere), and the element in the middle of the view, as a
        person scrolls (WebDriver puts it at the top, under the site's fixed header)."""
        self.wait_idle()
        self.engine.js("arguments[0].scrollIntoView({block: 'center'});", element)

    def ask(self, on: dt.date | str) -> None:
        """Set the date last and wait for the answer to the whole form."""
        day = on if isinstance(on, str) else on.isoformat()
        self.engine.js(SET_DATE, self.root, day)
        self.wait_idle()

    def read_calc(self) -> dict[str, Any]:
        return dict(json.loads(self.engine.js(READ_CALC, self.root)))

    def read_selfcheck(self) -> dict[str, Any]:
        return dict(json.loads(self.engine.js(READ_SELFCHECK, self.root)))


def calculator(engine: Engine, base: str, measure: Measure, lang: str) -> Form:
    prefix = "" if lang == "zh" else f"{lang}/"
    return Form(engine, f'[data-qz-calc][data-measure="{measure.id}"]').open(
        f"{base}{prefix}measures/{measure.id}/")


def selfcheck(engine: Engine, base: str, lang: str) -> Form:
    prefix = "" if lang == "zh" else f"{lang}/"
    return Form(engine, "[data-qz-selfcheck]").open(f"{base}{prefix}self-check/")
