"""Lighthouse, desktop preset, one run per page: 100 in performance, accessibility, best practices
and SEO on the home page, a measure page and the self-check page; a second run only when the
first misses performance (the mobile runs and the metrics are in reports/lighthouse.md, written
by `make lighthouse`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.serve.static_server import Server

from .lighthouse import PAGES, TARGETS, audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("name", PAGES)
def test_desktop_scores_are_100(server: Server, built_site: Path, name: str) -> None:
    path = PAGES[name]
    assert (built_site / path / "index.html").is_file(), f"{path} was not built"
    result = audit(server.url + path, "desktop")
    if result["scores"]["performance"] < 100:
        # Simulated throttling still varies by a point on a busy machine: one more run decides.
        again = audit(server.url + path, "desktop")
        result = max(result, again, key=lambda r: r["scores"]["performance"])
    assert result["scores"] == TARGETS["desktop"], (result["metrics"], result["failing"])
