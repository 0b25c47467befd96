"""Every page of the built site loads without a request off 127.0.0.1 and without a console
error. Pages with a calculator are loaded until it is ready by the parity tests (same checks);
here the others are, and the split is checked to cover the whole site."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from generator.serve.static_server import Server

from .calcpage import LANGS, policy

pytestmark = pytest.mark.browser


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site).parent) + "/" for p in site.rglob("index.html")
                  if "assets" not in p.relative_to(site).parts)


def test_pages_with_a_calculator_are_the_measure_pages(built_site: Path) -> None:
    with_calc = {p for p in _pages(built_site)
                 if "data-qz-calc" in (built_site / p / "index.html").read_text(encoding="utf-8")}
    measures = {f"{'' if lang == 'zh' else lang + '/'}measures/{m.id}/"
                for m in policy().measures for lang in LANGS}
    assert with_calc == measures


def test_every_other_page_stays_on_the_site(page: Page, server: Server,
                                            built_site: Path) -> None:
    others = [p for p in _pages(built_site)
              if "data-qz-calc" not in (built_site / p / "index.html").read_text(encoding="utf-8")]
    assert len(others) >= 4
    for path in others:
        page.goto(server.url + ("" if path == "./" else path), wait_until="load")
        page.wait_for_load_state("networkidle")
