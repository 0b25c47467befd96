"""The two engines besides Chromium that visitors bring, driven from Debian's packages only:

- Firefox ESR (``firefox-esr``) through its own Marionette protocol (PyPI ``marionette_driver``):
  Debian ships no geckodriver, and Playwright drives only its patched Firefox builds;
- WebKitGTK, Safari's engine, through Debian's ``WebKitWebDriver`` (``webkit2gtk-driver``) with
  selenium, on a virtual screen (Xvfb): WebKitGTK has no headless mode.

Both send every request not for 127.0.0.1 to the trap in offsite.py. Nothing here may fetch a
browser or a driver: selenium is handed the driver's path, and its Selenium Manager (which would
download one) is disabled for the session (see conftest.py).
"""

from __future__ import annotations

import gc
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

FIREFOX = shutil.which("firefox-esr") or "/usr/bin/firefox-esr"
WEBKIT_DRIVER = shutil.which("WebKitWebDriver") or "/usr/bin/WebKitWebDriver"
XVFB = shutil.which("Xvfb") or "/usr/bin/Xvfb"
LOCAL = ("127.0.0.1", "localhost")
STARTUP_S = 60
PAGE_LOAD_S = 30
COMMAND_S = 45  # longer than a page load, so the driver reports a slow one itself
WEBKIT_ATTEMPTS = 3


class Element(Protocol):
    """What both clients' element handles offer (selenium's WebElement, marionette's
    HTMLElement)."""

    def click(self) -> None: ...
    def clear(self) -> None: ...
    def send_keys(self, *value: str) -> None: ...
    def get_attribute(self, name: str) -> str | None: ...
    def is_selected(self) -> bool: ...


class Engine(ABC):
    """One running browser: navigate, run a script in the page, find elements."""

    name: str
    version: str

    @abstractmethod
    def goto(self, url: str) -> None: ...

    @abstractmethod
    def js(self, script: str, *args: Any) -> Any:
        """Run a WebDriver script body (``arguments[i]``, ``return``) in the page's realm."""

    @abstractmethod
    def find_all(self, css: str) -> list[Element]: ...

    @abstractmethod
    def quit(self) -> None: ...

    @abstractmethod
    def errors(self) -> list[str]:
        """Script errors since the last call."""

    def wait_for(self, script: str, *args: Any, timeout: float = 30.0,
                 what: str = "condition") -> Any:
        """Poll ``script`` until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: no {what} within {timeout:.0f} s")
            time.sleep(0.05)


# Firefox's console service keeps every script error, the workers' too: read them (errors, not
# warnings; the pages', not the browser's own) and empty it.
CONSOLE_ERRORS = """
const errors = [];
for (const m of Services.console.getMessageArray() || []) {
  if (m instanceof Ci.nsIScriptError && m.flags === Ci.nsIScriptError.errorFlag
      && !m.isFromChromeContext) {
    errors.push(`${m.category}: ${m.errorMessage} (${m.sourceName}:${m.lineNumber})`);
  }
}
Services.console.reset();
return errors;
"""

# Classic WebDriver cannot read WebKitGTK's console: a listener put into each page once it has
# loaded catches what goes wrong from then on (the worker's errors only as the page sees them).
WATCH_ERRORS = """
if (!window.__qzErrors) {
  window.__qzErrors = [];
  addEventListener("error", (e) => __qzErrors.push(`${e.message} (${e.filename}:${e.lineno})`));
  addEventListener("unhandledrejection", (e) => __qzErrors.push(`unhandled: ${e.reason}`));
  const log = console.error.bind(console);
  console.error = (...args) => { __qzErrors.push(args.join(" ")); log(...args); };
}
"""
TAKE_ERRORS = "const seen = window.__qzErrors || []; window.__qzErrors = []; return seen;"


class Firefox(Engine):
    name = "firefox-esr"

    def __init__(self, offsite: str, log: Path) -> None:
        with warnings.catch_warnings():  # mozbase's imports of deprecated APIs, once
            warnings.filterwarnings("ignore", "distro.linux_distribution", DeprecationWarning)
            warnings.filterwarnings("ignore", "'telnetlib' is deprecated", DeprecationWarning)
            from marionette_driver.marionette import Marionette  # type: ignore[import-untyped]

        host, port = offsite.rsplit(":", 1)
        prefs: dict[str, Any] = {
            # Every request goes through the trap, but 127.0.0.1: Firefox never proxies
            # loopback (network.proxy.allow_hijacking_localhost is false by default).
            "network.proxy.type": 1,
            "network.proxy.share_proxy_settings": True,
            **{f"network.proxy.{kind}": host for kind in ("http", "ssl")},
            **{f"network.proxy.{kind}_port": int(port) for kind in ("http", "ssl")},
            "network.proxy.no_proxies_on": "",
            # Background traffic marionette's profile leaves on; the page makes none of it.
            "app.shield.optoutstudies.enabled": False,
            "messaging-system.rsexperimentloader.enabled": False,
            "browser.safebrowsing.malware.enabled": False,
            "browser.safebrowsing.phishing.enabled": False,
            "network.prefetch-next": False,
            "network.dns.disablePrefetch": True,
            "network.http.speculative-parallel-limit": 0,
        }
        # A release build honours the profile's dummy Remote Settings server (which keeps it
        # from syncing blocklists and experiments from Mozilla) only with this variable set.
        with _environment(MOZ_REMOTE_SETTINGS_DEVTOOLS="1"), warnings.catch_warnings():
            # marionette_driver drops the sockets it polls the port with unclosed.
            warnings.simplefilter("ignore", ResourceWarning)
            self._m = Marionette(bin=FIREFOX, port=0, headless=True, gecko_log=str(log),
                                 prefs=prefs, startup_timeout=STARTUP_S,
                                 socket_timeout=COMMAND_S)
        try:
            self._m.start_session()
            self._m.timeout.page_load = PAGE_LOAD_S
        except BaseException:
            self.quit()
            raise
        self.version = str(self._m.session_capabilities["browserVersion"])

    def goto(self, url: str) -> None:
        self._m.navigate(url)

    def js(self, script: str, *args: Any) -> Any:
        # sandbox=None: the page's own realm, as classic WebDriver's Execute Script.
        return self._m.execute_script(script, script_args=args, sandbox=None)

    def find_all(self, css: str) -> list[Element]:
        return list(self._m.find_elements("css selector", css))

    def errors(self) -> list[str]:
        with self._m.using_context("chrome"):
            return list(self._m.execute_script(CONSOLE_ERRORS))

    def quit(self) -> None:
        self._m.cleanup()
        # mozprofile deletes the profile again in __del__; let that run now, not at interpreter
        # exit, where it fails noisily.
        del self._m
        gc.collect()


class WebKit(Engine):
    name = "webkitgtk"

    def __init__(self, offsite: str, display: str, log: Path) -> None:
        from selenium.webdriver.common.proxy import Proxy, ProxyType
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service
        from selenium.webdriver.webkitgtk.webdriver import WebDriver

        options = Options()
        options.proxy = Proxy({"proxyType": ProxyType.MANUAL, "httpProxy": offsite,
                               "sslProxy": offsite, "noProxy": list(LOCAL)})
        failures: list[str] = []
        for attempt in range(1, WEBKIT_ATTEMPTS + 1):
            # An explicit driver path: selenium skips Selenium Manager and never downloads one.
            service = Service(executable_path=WEBKIT_DRIVER, log_output=str(log),
                              env={**os.environ, "DISPLAY": display})
            try:
                # Every command to the driver gets a deadline (selenium's default is none):
                # WebKitWebDriver waits forever for a browser that crashed on start, which
                # MiniBrowser 2.50.6 sometimes does (a segfault in libc, seen here once in ~20).
                with _socket_timeout(COMMAND_S), warnings.catch_warnings():
                    # selenium 4.51's own driver class still passes the address this way
                    warnings.filterwarnings("ignore", "setting remote_server_addr",
                                            DeprecationWarning)
                    self._d = WebDriver(options=options, service=service)
                break
            except Exception as error:  # the driver quit itself; try a fresh one
                failures.append(f"attempt {attempt}: {type(error).__name__}: {error}")
                print(f"webkitgtk did not start: {failures[-1]}", file=sys.stderr)
        else:
            raise RuntimeError("WebKitWebDriver started no browser: " + "; ".join(failures))
        self._d.set_page_load_timeout(PAGE_LOAD_S)
        self.version = str(self._d.capabilities["browserVersion"])

    def goto(self, url: str) -> None:
        self._d.get(url)
        self._d.execute_script(WATCH_ERRORS)

    def errors(self) -> list[str]:
        return list(self._d.execute_script(TAKE_ERRORS))

    def js(self, script: str, *args: Any) -> Any:
        return self._d.execute_script(script, *args)

    def find_all(self, css: str) -> list[Element]:
        return list(self._d.find_elements("css selector", css))

    def quit(self) -> None:
        self._d.quit()


@contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    """The default timeout of the sockets made in the block (selenium's connection to the
    driver takes it when it is made)."""
    saved = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(saved)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """These environment variables for the processes started in the block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                del os.environ[name]
            else:
                os.environ[name] = old


@contextmanager
def xvfb() -> Iterator[str]:
    """A private virtual screen for this session; its DISPLAY value. ``-displayfd`` lets Xvfb
    pick a free display number, so parallel sessions on one machine do not collide."""
    read, write = os.pipe()
    proc = subprocess.Popen([XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24",
                             "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError(f"Xvfb did not start (exit code {proc.poll()})")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)
