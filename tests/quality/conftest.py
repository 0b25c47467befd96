"""The quality gates reuse the browser suite's fixtures: the site built once per session, served on
127.0.0.1, Debian's Chromium with every request routed (tests/browser/conftest.py)."""

from tests.browser.conftest import (  # noqa: F401  (re-exported as fixtures)
    browser_type_launch_args,
    built_site,
    guard,
    page,
    routed,
    server,
)
