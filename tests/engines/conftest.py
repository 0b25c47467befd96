"""Fixtures of the engine parity suite: the site built and served as for the Chromium suite
(tests/browser), and each of Firefox ESR and WebKitGTK started once per session from Debian's
packages (`make browser-deps`). A test fails, never skips, when an engine is missing.

Every test also fails if its engine sent a request anywhere but 127.0.0.1 (offsite.py) or saw
a script error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.serve.static_server import Server, serving

from .drivers import FIREFOX, WEBKIT_DRIVER, XVFB, Engine, Firefox, WebKit, xvfb
from .offsite import Offsite, trapping

ENGINES = ("firefox-esr", "webkitgtk")
NEEDS = {"firefox-esr": (FIREFOX,), "webkitgtk": (WEBKIT_DRIVER, XVFB)}


@pytest.fixture(scope="session")
def engine_server(built_site: Path) -> Iterator[Server]:
    with serving(built_site) as running:
        yield running


@pytest.fixture(scope="session")
def offsite() -> Iterator[Offsite]:
    with trapping() as trap:
        yield trap


@pytest.fixture(scope="session")
def no_driver_downloads() -> Iterator[None]:
    """Selenium Manager downloads drivers and browsers when it is asked for one; here it must
    never be asked. Any call fails the test that made it."""
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    def refuse(self: SeleniumManager, args: list[str]) -> dict[str, str]:
        raise AssertionError(f"selenium tried Selenium Manager (a download): {args}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SeleniumManager, "binary_paths", refuse)
        patch.setenv("SE_OFFLINE", "true")  # and if it ran anyway, it may not go online
        yield


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest, offsite: Offsite, no_driver_downloads: None,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    name: str = request.param
    missing = [path for path in NEEDS[name] if not Path(path).is_file()]
    if missing:
        pytest.fail(f"{name}: {', '.join(missing)} not installed: run `make browser-deps`")
    logs = tmp_path_factory.mktemp(f"{name}-logs")
    started: Engine
    if name == "firefox-esr":
        started = Firefox(offsite.address, logs / "gecko.log")
        yield from _running(started)
    else:
        with xvfb() as display:
            started = WebKit(offsite.address, display, logs / "webkitwebdriver.log")
            yield from _running(started)


def _running(engine: Engine) -> Iterator[Engine]:
    try:
        yield engine
    finally:
        engine.quit()


@pytest.fixture(autouse=True)
def clean_run(engine: Engine, offsite: Offsite) -> Iterator[None]:
    """Fails the test if its engine sent anything off 127.0.0.1 while it ran (or while the
    engine started, for the first test), or saw a script error."""
    engine.errors()  # what an earlier test left
    yield
    caught = offsite.take()
    assert not caught, f"{engine.name}: requests left 127.0.0.1: {caught}"
    errors = engine.errors()
    assert not errors, f"{engine.name}: script errors: {errors}"
