"""Debian's Chromium and the flags it needs on this machine (ENGINEERING.md): shared by the
browser tests and scripts/bench.py. Never a browser downloaded by `playwright install`."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
