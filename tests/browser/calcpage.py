"""Driving a calculator the way a person does: open the measure page, type and pick values,
read what the page shows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

import calc
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.data.model import Example, Measure, Policy
from generator.site.render import load_ui

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("zh", "en")
READY_MS = 30_000


@cache
def policies() -> tuple[Policy, ...]:
    return tuple(load_all(ROOT / "policy_data"))


def policy() -> Policy:
    """The document the site is built for."""
    return next((p for p in policies() if p.document.default), policies()[0])


@cache
def catalog() -> calc.Catalog:
    return calc.Catalog(bundle(list(policies())))


@cache
def ui(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in load_ui().items()}


def measure_url(base: str, measure: Measure, lang: str, state: str = "") -> str:
    prefix = "" if lang == "zh" else f"{lang}/"
    return f"{base}{prefix}measures/{measure.id}/{state}"


def search(page: Page, query: str) -> list[str]:
    """Type into Material's search box as a person does; the result links' paths, in order.
    (Material reads the query on keyup, which fill() alone does not send.)"""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.dispatch_event("keyup")
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=15_000)
    return [urlsplit(h).path for h in results.evaluate_all("els => els.map(e => e.href)")]


def example_on(example: Example) -> dt.date:
    return example.on or policy().document.window.start


def cpython(measure: Measure, inputs: dict[str, Any],
            on: dt.date) -> calc.Estimate | calc.CalcError:
    """What the tests' own Python computes: the reference for the browser."""
    try:
        return calc.engine.estimate(catalog().get(f"{policy().document.id}/{measure.id}"),
                                    dict(inputs), on)
    except calc.CalcError as error:
        return error


# What a calculator's result area shows: figures, the award as written (its "up to" or its
# standard and ceiling shares), the listed steps, warnings and reasons, and the errors. A JS
# function of the calculator's root, shared with tests/engines.
READ_RESULT = """(root) => {
  const result = root.querySelector("[data-result]");
  const items = (slot) => [...root.querySelectorAll(`[data-slot="${slot}"] > li`)]
    .map((li) => li.textContent.split(/\\s+/).join(" ").trim());
  const errors = {};
  for (const box of root.querySelectorAll("[data-error-for]")) {
    if (!box.hidden) errors[box.dataset.errorFor] = box.textContent;
  }
  return {
    figures: {award: result.dataset.award ?? null, city: result.dataset.city ?? null,
              county: result.dataset.county ?? null},
    steps: items("steps"), warnings: items("warnings"), reasons: items("reasons"),
    alternatives: items("alternatives"), hints: items("hints"),
    headline: root.querySelector('[data-slot="award"]').textContent.split(/\\s+/).join(" ").trim(),
    errors,
  };
}"""


def _lines(items: tuple[dict[str, str], ...], lang: str) -> list[str]:
    """Each item as the calculator lists it: on English pages the English clause reference
    first, then the Chinese one in brackets (when they differ)."""
    return [" ".join((f"{item[lang]} {item['ref_en']} ({item['ref']})"
                      if lang == "en" and item.get("ref_en", item["ref"]) != item["ref"]
                      else f"{item[lang]} {item['ref']}").split()) for item in items]


def calculator_on(page: Page) -> dt.date:
    """The date the page's calculator estimates for (its "on" field)."""
    return dt.date.fromisoformat(page.locator('[data-qz-calc] [name="on"]').input_value())


def figures_of(measure: Measure, inputs: dict[str, Any], on: dt.date) -> dict[str, str]:
    """The award and its shares CPython computes: what a calculator must show."""
    result = cpython(measure, inputs, on)
    assert isinstance(result, calc.Estimate), result
    return {"award": str(result.award), "city": str(result.city), "county": str(result.county)}


def expected_result(expected: calc.Estimate | calc.CalcError, lang: str) -> dict[str, Any]:
    """What READ_RESULT must find for CPython's answer: the answer, or the error at its field."""
    if isinstance(expected, calc.CalcError):
        return {"figures": {"award": None, "city": None, "county": None},
                "errors": {expected.field: getattr(expected, lang)}}
    return {
        "figures": {"award": str(expected.award), "city": str(expected.city),
                    "county": str(expected.county)},
        "steps": _lines(expected.steps, lang),
        "warnings": _lines(expected.warnings, lang),
        "reasons": _lines(expected.reasons, lang),
        "alternatives": _lines(tuple(a for a in expected.alternatives if a["differs"]), lang),
        "hints": [" ".join(h[lang].split()) for h in expected.hints],
        "headline": " ".join(expected.as_dict()["shown"]["headline"][lang].split()),
        "errors": {},
    }


@dataclass
class Calc:
    page: Page
    root: Locator
    measure: Measure
    lang: str

    @classmethod
    def open(cls, page: Page, base: str, measure: Measure, lang: str, state: str = "") -> Calc:
        page.goto(measure_url(base, measure, lang, state))
        found = cls(page, page.locator(f'[data-qz-calc][data-measure="{measure.id}"]'), measure,
                    lang)
        found.wait_ready()
        return found

    def wait_ready(self) -> None:
        expect(self.root).to_have_attribute("data-state", "ready", timeout=READY_MS)

    def wait_idle(self) -> None:
        """Until the answer for the form as it is now is shown."""
        self.root.page.wait_for_function("el => !el.hasAttribute('data-busy')",
                                         arg=self.root.element_handle(), timeout=READY_MS)

    def control(self, name: str) -> Locator:
        return self.root.locator(f'form [name="{name}"]')

    def reset(self) -> None:
        """Every field back to its initial state, but the date (the next example sets it)."""
        self.root.locator("form").evaluate("""form => {
            const on = form.elements.on.value;
            form.reset();
            form.elements.on.value = on;
        }""")

    def enter(self, inputs: dict[str, Any], on: dt.date) -> None:
        """Type and pick each value like a person (the same input and change events); fields
        not given keep their initial state. ``force`` skips Playwright's wait for a steady
        layout, which the form does not need and which doubles the suite's time."""
        for item in self.measure.inputs:
            if item.name not in inputs:
                continue
            value = inputs[item.name]
            control = self.control(item.name)
            if item.type == "bool":
                answer = {True: "yes", False: "no"}.get(value, str(value))
                control.select_option(answer, force=True)
            elif item.type == "choice":
                control.select_option(str(value), force=True)
            elif item.type == "choices":
                chosen = value if isinstance(value, list) else str(value).split(",")
                for box in control.all():
                    box.set_checked(box.get_attribute("value") in chosen)
            else:
                control.fill(str(value), force=True)
        if self.control("on").input_value() != on.isoformat():
            self.control("on").fill(on.isoformat(), force=True)
        elif not inputs:
            self.control("on").dispatch_event("change")  # nothing typed: ask for this state
        self.wait_idle()

    def read(self) -> dict[str, Any]:
        """What the result area shows, read in one round trip."""
        return dict(self.root.evaluate(READ_RESULT))

    def figures(self) -> dict[str, str | None]:
        result = self.root.locator("[data-result]")
        return {key: result.get_attribute(f"data-{key}") for key in ("award", "city", "county")}

    def texts(self, slot: str) -> list[str]:
        items = self.root.locator(f'[data-slot="{slot}"] > li')
        return [t.strip() for t in items.all_inner_texts()]

    def error_for(self, field: str) -> Locator:
        return self.root.locator(f'[data-error-for="{field}"]')


def with_config(site: Path, page: str, pattern: str, replacement: str) -> None:
    """``site`` (a copy of a build, hard links) with one change in the calculator config of
    ``page`` (``measures/3.1``): a new file, never the build's, without its stale .br/.gz."""
    path = site / page / "index.html"
    html, count = re.subn(pattern, replacement, path.read_text("utf-8"))
    assert count == 1, (path, pattern)
    path.unlink()
    path.write_text(html, "utf-8")
    for sibling in (".br", ".gz"):  # the server would prefer a stale sibling
        path.with_name(path.name + sibling).unlink(missing_ok=True)
