"""web/ has one module per job: importing the worker client or the form does nothing, the
self-check page loads no calculator page script, and the amounts a page shows are the ones calc
wrote (no money is formatted in JavaScript)."""

from __future__ import annotations

import datetime as dt
import json
import re

from playwright.sync_api import Page, expect

from generator.serve.static_server import Server

from .calcpage import Calc, policy

ON = dt.date(2026, 6, 1)


def config(page: Page) -> dict[str, str]:
    return dict(json.loads(page.locator("#qz-calc-config").text_content() or "{}"))


def test_importing_the_client_and_the_form_starts_nothing(page: Page, server: Server) -> None:
    page.goto(f"{server.url}measures/3.1/")
    urls = config(page)
    page.goto(f"{server.url}glossary/")  # a page without a calculator: nothing runs here
    workers: list[str] = []
    page.on("worker", lambda w: workers.append(w.url) if "calc-worker" in w.url else None)
    exported = page.evaluate("""async ([base, urls]) => {
        const before = document.documentElement.outerHTML;
        const names = [];
        for (const url of urls) names.push(...Object.keys(await import(new URL(url, base).href)));
        return { names, same: document.documentElement.outerHTML === before,
                 client: window.qzWorkerClient ?? null };
    }""", [f"{server.url}measures/3.1/", [urls["client"], urls["form"]]])
    assert {"WorkerClient", "sharedWorkerClient", "WorkerForm", "isolateForPrint"} <= set(
        exported["names"])
    assert exported["same"] and exported["client"] is None and workers == []


def test_the_self_check_page_loads_no_calculator_page_script(page: Page, server: Server) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url.rsplit("/", 1)[-1]))
    page.goto(f"{server.url}self-check/")
    expect(page.locator("[data-qz-selfcheck]")).to_have_attribute("data-state", "ready",
                                                                  timeout=60_000)
    scripts = [name for name in asked if name.endswith(".js")]
    assert any(re.fullmatch(r"selfcheck\.[0-9a-f]{10}\.js", n) for n in scripts), scripts
    assert not any(n.startswith("calculator.") for n in scripts), scripts


def test_the_calculator_shows_the_amounts_calc_wrote(page: Page, server: Server) -> None:
    m = policy().measure("3.1")
    calculator = Calc.open(page, server.url, m, "zh")
    calculator.enter({"fee": "60000"}, ON)
    answer = page.evaluate("""(on) => new Promise((resolve) => window.qzWorkerClient.call(
        { type: "estimate", measure: document.querySelector("[data-qz-calc]").dataset.key,
          inputs: { fee: "60000" }, on }, resolve))""", ON.isoformat())
    shown = answer["result"]["shown"]
    for key in ("award", "city", "county"):
        slot = calculator.root.locator(f'[data-slot="{key}"]')
        expect(slot).to_have_text(shown[key]["zh"])
