"""The service worker's manifest and the page list (generator/serve/service_worker.py), on a small
made-up site: which files are cache-first, which pages belong to which language, and a version
that changes with any kept file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.serve import service_worker


def _site(root: Path, page_text: str = "<p>一</p>") -> Path:
    files = {
        "index.html": page_text, "measures/3.1/index.html": "<p>3.1</p>",
        "en/index.html": "<p>en</p>", "en/measures/3.1/index.html": "<p>en 3.1</p>",
        "assets/pyodide/314.0.7-0123456789/pyodide.asm.wasm": "wasm",
        "assets/pyodide/314.0.7-0123456789/pyodide.asm.wasm.br": "packed",
        "assets/pyodide/314.0.7-0123456789/python_stdlib.zip": "full",
        "assets/pyodide/314.0.7-0123456789/calc-0.1.0-py3-none-any.whl": "wheel",
        "assets/calc/calculator.0123456789.js": "js", "assets/qz.css": "css",
        "assets/javascripts/bundle.a5f9d56c.min.js.map": "map", "404.html": "missing",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def _build(site: Path) -> dict[str, object]:
    service_worker.write(site, ["", "en/"], service_worker=True)
    line = re.search(r"^const BUILD = (.*);$", (site / "sw.js").read_text("utf-8"), re.M)
    assert line is not None
    return dict(json.loads(line.group(1)))


def test_hashed_files_are_cache_first_and_the_rest_is_kept_for_offline(tmp_path: Path) -> None:
    build = _build(_site(tmp_path))
    runtime = "assets/pyodide/314.0.7-0123456789"
    assert build["immutable"] == ["assets/calc/calculator.0123456789.js",
                                  f"{runtime}/calc-0.1.0-py3-none-any.whl",
                                  f"{runtime}/pyodide.asm.wasm", f"{runtime}/python_stdlib.zip"]
    # No page starts with these: fetched (and kept) only if a page asks for them.
    assert build["later"] == [f"{runtime}/calc-0.1.0-py3-none-any.whl",
                              f"{runtime}/python_stdlib.zip"]
    assert build["sizes"] == {"assets/calc/calculator.0123456789.js": 2,
                              f"{runtime}/calc-0.1.0-py3-none-any.whl": 5,
                              f"{runtime}/pyodide.asm.wasm": 4,
                              f"{runtime}/python_stdlib.zip": 4}
    assert sorted(build["precache"]) == sorted(  # type: ignore[call-overload]
        ["", "measures/3.1/", "en/", "en/measures/3.1/", "assets/qz.css",
         "assets/qz-pages.json"])
    pages = json.loads((tmp_path / "assets" / "qz-pages.json").read_text("utf-8"))
    assert pages == {"": ["", "measures/3.1/"], "en/": ["en/", "en/measures/3.1/"]}


def test_the_version_follows_every_kept_file(tmp_path: Path) -> None:
    first = _build(_site(tmp_path / "a"))
    assert _build(_site(tmp_path / "b"))["version"] == first["version"]
    assert _build(_site(tmp_path / "c", "<p>二</p>"))["version"] != first["version"]


def test_serve_writes_the_page_list_but_no_service_worker(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "sw.js").write_text("stale", "utf-8")
    service_worker.write(site, ["", "en/"], service_worker=False)
    assert not (site / "sw.js").exists()
    assert (site / "assets" / "qz-pages.json").is_file()
