"""Every built page is valid HTML for the W3C Nu validator (npm ``vnu-jar``, run offline in one
JVM over all pages)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Errors in Material's own markup (base.html, partials/nav.html) that our templates cannot
# change without copying those files: (exact message, a fragment of the offending markup).
MATERIAL = {
    # The drawer/search toggles: <input type="checkbox" … autocomplete="off"> (Firefox would
    # otherwise restore a ticked box on back navigation).
    ("Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
     "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
     "“tel”, “text”, “time”, “url”, or “week”.", 'class="md-toggle"'),
    # The table of contents' title <label for="__toc"> on pages whose TOC toggle is absent.
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden "
     "form control.", 'for="__toc"'),
}


def validate(pages: list[Path]) -> list[dict[str, object]]:
    """The validator's errors, minus the known ones from Material's markup."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: `apt-get install default-jre-headless` (make setup)")
    if not VNU.is_file():
        pytest.fail("vnu-jar is not installed: run `npm ci` (make setup)")
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                           *map(str, pages)], capture_output=True, text=True, check=False)
    messages = json.loads(done.stderr)["messages"]
    return [m for m in messages
            if not any(m.get("message") == text and fragment in str(m.get("extract", ""))
                       for text, fragment in MATERIAL)]


def test_every_built_page_is_valid_html(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 50
    errors = validate(pages)
    site = str(built_site.resolve())
    shown = [f"{str(e['url']).removeprefix('file:').removeprefix(site)}:{e.get('lastLine')}: "
             f"{e['message']}" for e in errors]
    assert shown == []


def test_validator_reports_real_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><title>x</title><p><div id="a" id="a">',
                   "utf-8")
    assert validate([bad]) != []
