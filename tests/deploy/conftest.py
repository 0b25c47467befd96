"""Fixtures of the deployment suite: the freshly built site served by Debian's nginx with
deploy/nginx.conf (generator/serve/preview.py fills in the port, root and scratch paths), and
Chromium pages that fail on any Content-Security-Policy violation, console error or off-site
request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from generator.serve.preview import Nginx, running
from tests.browser.conftest import Guard, guarded_context

# Every document records the violations it sees; Chromium also logs each as a console error.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="session")
def nginx(built_site: Path) -> Iterator[Nginx]:
    with running(built_site) as server:
        yield server


@pytest.fixture(scope="module")
def csp_context(browser: Browser) -> Iterator[tuple[BrowserContext, Guard]]:
    context, guard = guarded_context(browser, WATCH_CSP)
    yield context, guard
    context.close()


def violations(page: Page) -> list[str]:
    return list(page.evaluate("() => window.__cspViolations || []"))


@pytest.fixture
def page(csp_context: tuple[BrowserContext, Guard]) -> Iterator[Page]:
    """A page under nginx's CSP: the test fails on a violation, a console error (Chromium logs
    "Refused to …" for each violation, workers included) or an off-site request."""
    context, guard = csp_context
    page = guard.open_page(context)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    seen = violations(page) if not page.is_closed() else []
    page.close()
    assert not seen, f"CSP violations: {seen}"
    assert not dialogs, f"a script opened dialogs: {dialogs}"
    guard.check()


@pytest.fixture
def guard(csp_context: tuple[BrowserContext, Guard]) -> Guard:
    return csp_context[1]
