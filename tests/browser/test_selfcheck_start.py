"""The self-check's start on a phone and a desktop, in zh and en (issue 22: Lighthouse mobile
≥ 95): when the page script shows the form, at most its first section is laid out in that task
and the others follow, a frame each, without moving a section on the screen; every section
ends up shown. Laying out the whole form in the one task that showed it was the page's longest
task at load. The list of measure pages for a browser without JavaScript is not built with it
(<noscript>), and still shown without. Counted, not timed: whether a section's content is
rendered (checkVisibility) at the moment the form appears, elements in the document at the end
of parsing, and which elements a layout shift moved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.serve.static_server import Server

from .calcpage import LANGS, READY_MS
from .selfcheck_taps import VIEWPORTS

pytestmark = pytest.mark.browser

# Before any page script: when the form loses its `hidden` (in the microtask after the page
# script's own, before the browser lays anything out), which sections have their content
# rendered, in the page's order ("1" rendered, "0" not).
AT_REVEAL = """
new MutationObserver((changes, observer) => {
  const form = document.querySelector("[data-qz-selfcheck] form");
  if (!form || form.hidden) return;
  observer.disconnect();
  window.qzAtReveal = [...form.querySelectorAll(".qz-sc__section")]
    .map((s) => (s.firstElementChild.checkVisibility({ contentVisibilityAuto: true }) ? "1" : "0"))
    .join("");
}).observe(document, { subtree: true, childList: true, attributes: true,
                       attributeFilter: ["hidden"] });
"""

# Whether the list of measure pages for a browser without JavaScript was ever an element of the
# document, at the end of parsing (when the page's layout and Material's start read it).
NOJS_AT_PARSE = """
document.addEventListener("DOMContentLoaded", () => {
  window.qzNojsAtParse = document.querySelectorAll('[data-slot="nojs"], .qz-sc__nojs a').length;
});
"""

# Every layout shift at load, by the classes of the elements it moved.
SHIFTS = """
window.qzShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.qzShifts.push(entry.sources.map((source) => source.node?.className ?? ""));
  }
}).observe({ type: "layout-shift", buffered: true });
"""

# Each section's content, once brought into view: rendered.
SHOWN_IN_VIEW = """async (form) => {
  const shown = [];
  for (const section of form.querySelectorAll(".qz-sc__section")) {
    section.scrollIntoView();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    shown.push(section.firstElementChild.checkVisibility({ contentVisibilityAuto: true }));
  }
  return shown;
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_form_appears_a_section_per_frame(page: Page, server: Server, lang: str,
                                               viewport: str) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.add_init_script(AT_REVEAL + SHIFTS + NOJS_AT_PARSE)
    page.goto(f"{server.url}{'' if lang == 'zh' else lang + '/'}self-check/")
    root = page.locator("[data-qz-selfcheck]")
    expect(root).to_have_attribute("data-state", "ready", timeout=READY_MS)
    at_reveal: Any = page.evaluate("window.qzAtReveal")
    sections = root.locator(".qz-sc__section").count()
    assert sections > 1 and isinstance(at_reveal, str) and len(at_reveal) == sections
    # The form appeared with no more than its first section to lay out.
    assert at_reveal.count("1") <= 1, at_reveal
    # With JavaScript the list for a browser without it is not built (<noscript>).
    assert page.evaluate("window.qzNojsAtParse") == 0
    # A section waiting for its frame holds the room it will take: none moved on the screen
    # (a section's height kept for its turn, not the first's: that one is laid out at once);
    # nor did what follows the form (the self-check keeps a screen's height before it shows).
    moved = [classes for shift in page.evaluate("window.qzShifts") for classes in shift]
    kept = ("qz-sc__section", "qz-disclaimer", "md-footer")
    assert not [c for c in moved if any(name in c for name in kept)], moved
    # And each section is there to answer once the page has started.
    assert root.locator("form").evaluate(SHOWN_IN_VIEW) == [True] * sections


@pytest.mark.parametrize("lang", LANGS)
def test_without_javascript_the_measure_pages_are_listed(browser: Browser, server: Server,
                                                         lang: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["phone"])
    try:
        page = context.new_page()
        page.goto(f"{server.url}{'' if lang == 'zh' else lang + '/'}self-check/")
        root = page.locator("[data-qz-selfcheck]")
        # One link per measure page the form would look at (the page's own table of them).
        measures = json.loads(root.locator(".qz-sc-links").text_content() or "{}")
        links = root.locator(".qz-sc__nojs a")
        assert measures and links.count() == len(measures)
        expect(links.first).to_be_visible()
        expect(root.locator("form")).to_be_hidden()
    finally:
        context.close()
