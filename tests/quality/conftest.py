"""The quality gates reuse the browser suite's fixtures: the site built once per run, served on
127.0.0.1 (tests/conftest.py), Debian's Chromium with every request routed
(tests/browser/conftest.py)."""

from tests.browser.conftest import guard, page, routed  # noqa: F401  (re-exported as fixtures)
