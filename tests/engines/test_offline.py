"""The service worker in Firefox ESR and WebKitGTK: after one visit the site's server may go
away and the calculators still compute what CPython computes, from the pages and the runtime the
worker kept. "Offline" here is the server stopped (WebDriver has no switch for the network):
every request then fails, as on a phone that lost its signal."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.serve.static_server import serving
from tests.browser.calcpage import cpython, example_on, expected_result, policy

from .drivers import Engine
from .pages import READY_S, calculator

pytestmark = pytest.mark.engines

# Once the first calculator has settled the page registers sw.js, whose install keeps the
# runtime and every page: the page is controlled once that is done (clients.claim()).
CONTROLLED = """
return Boolean(navigator.serviceWorker && navigator.serviceWorker.controller) &&
  navigator.serviceWorker.controller.state === "activated";
"""
# The install keeps every page and the runtime: the whole test took 7 s (Firefox) and 27 s
# (WebKitGTK) in a serial run, and over a minute beside a second worker on a busy machine.
INSTALL_S = 3 * READY_S


def test_after_one_visit_a_calculator_works_with_the_server_gone(
        engine: Engine, built_site: Path) -> None:
    measures = {m.id: m for m in policy().measures}
    with serving(built_site) as server:  # a server (an origin) of this test's own
        base = server.url
        calculator(engine, base, measures["3.1"], "zh")
        engine.wait_for(CONTROLLED, timeout=INSTALL_S, what="service worker in control")
    # The server is gone: a page not yet opened in this visit, in the other language.
    measure = measures["5.2"]
    form = calculator(engine, base, measure, "en")
    assert measure.examples
    for example in measure.examples:
        form.reset()
        for name, value in example.inputs.items():
            form.enter(name, value)
        form.ask(example_on(example))
        shown = form.read_calc()
        want = expected_result(cpython(measure, example.inputs, example_on(example)), "en")
        where = f"{engine.name} {engine.version}, offline, {measure.id} «{example.name.en}»"
        assert {key: shown[key] for key in want} == want, where
