"""The self-check's start on a phone and a desktop, in zh and en (issue 22: Lighthouse mobile
≥ 95): when the page script shows the form, at most its first section is laid out in that task
and the others follow, a frame each, without moving a section on the screen; every section
ends up shown. Laying out the whole form in the one task that showed it was the page's longest
task at load. Counted, not timed: whether a section's content is rendered (checkVisibility)
at the moment the form appears, and which elements a layout shift moved."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

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
    page.add_init_script(AT_REVEAL + SHIFTS)
    page.goto(f"{server.url}{'' if lang == 'zh' else lang + '/'}self-check/")
    root = page.locator("[data-qz-selfcheck]")
    expect(root).to_have_attribute("data-state", "ready", timeout=READY_MS)
    at_reveal: Any = page.evaluate("window.qzAtReveal")
    sections = root.locator(".qz-sc__section").count()
    assert sections > 1 and isinstance(at_reveal, str) and len(at_reveal) == sections
    # The form appeared with no more than its first section to lay out.
    assert at_reveal.count("1") <= 1, at_reveal
    # A section waiting for its frame holds the room it will take: none moved on the screen
    # (a section's height kept for its turn, not the first's: that one is laid out at once).
    moved = [classes for shift in page.evaluate("window.qzShifts") for classes in shift]
    assert not [c for c in moved if "qz-sc__section" in c], moved
    # And each section is there to answer once the page has started.
    assert root.locator("form").evaluate(SHOWN_IN_VIEW) == [True] * sections
