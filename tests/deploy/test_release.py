"""``make release`` (generator/serve/release.py): a release of a complete build carries the
content-hashed files of the two releases before it (their own, so at most three builds'
runtimes), never their pages, and the live link moves in one rename. The browser side, a page
starting while the link moves: tests/browser/test_deploys.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import brotli  # type: ignore[import-untyped]

from generator.serve import atomic_build, release


def _build(root: Path, n: int) -> Path:
    """A small complete build number ``n``: a page, a hashed script with its sibling, a
    runtime folder named by its hash."""
    site = root / f"build-{n}"
    runtime = f"assets/pyodide/314.0.7-{n:010x}"
    files = {"index.html": f"<p>build {n}</p>".encode(),
             f"assets/calc/calculator.{n:010x}.js": f"export const build = {n};".encode() * 40,
             f"{runtime}/pyodide.asm.wasm": bytes([n]) * 2048}
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    script = site / f"assets/calc/calculator.{n:010x}.js"
    script.with_name(script.name + ".br").write_bytes(brotli.compress(script.read_bytes()))
    atomic_build.stamp(site, root)
    return site


def _hashed(n: int) -> set[str]:
    return {f"assets/calc/calculator.{n:010x}.js", f"assets/calc/calculator.{n:010x}.js.br",
            f"assets/pyodide/314.0.7-{n:010x}/pyodide.asm.wasm"}


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_a_release_carries_the_hashed_files_of_the_two_before_it_and_no_more(
        tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    made = [release.assemble(_build(tmp_path, n), releases) for n in (1, 2, 3, 4)]
    assert release.releases(releases) == made  # oldest first, by name
    latest = made[-1]
    own = _files(tmp_path / "build-4")
    assert _files(latest) == own | _hashed(3) | _hashed(2) | {release.RECORD}
    assert (latest / "index.html").read_text() == "<p>build 4</p>"  # pages: its own only
    record = json.loads((latest / release.RECORD).read_text())
    assert sorted(record["own"]) == sorted(_hashed(4))
    assert {name: sorted(files) for name, files in record["carried"].items()} == {
        made[1].name: sorted(_hashed(2)), made[2].name: sorted(_hashed(3))}
    # Carried files are links to the same bytes, not copies.
    wasm = "assets/pyodide/314.0.7-0000000003/pyodide.asm.wasm"
    assert (latest / wasm).stat().st_ino == (made[2] / wasm).stat().st_ino


def test_the_live_link_moves_in_one_rename_and_a_partial_build_is_refused(
        tmp_path: Path, capsys) -> None:
    releases, live = tmp_path / "releases", tmp_path / "site"
    assert release.main([str(_build(tmp_path, 1)), str(releases), "--live", str(live)]) == 0
    first = live.resolve()
    assert release.main([str(_build(tmp_path, 2)), str(releases), "--live", str(live)]) == 0
    assert live.is_symlink() and not os.path.isabs(os.readlink(live))  # movable with its folder
    assert live.resolve() != first and (live / "index.html").read_text() == "<p>build 2</p>"
    assert "3 hashed files kept from 1 earlier release(s)" in capsys.readouterr().out
    partial = _build(tmp_path, 3)
    (partial / "index.html").unlink()  # a copy cut short
    assert release.main([str(partial), str(releases), "--live", str(live)]) == 1
    assert "differs from its .complete stamp" in capsys.readouterr().err
    assert len(release.releases(releases)) == 2
    assert (live / "index.html").read_text() == "<p>build 2</p>"
