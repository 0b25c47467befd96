"""Every build cache entry is verified on use: a truncated or altered entry of the compressed-file
cache or of the template bytecode cache, or a sound one copied onto another key's name, is a
miss that is rebuilt, with one warning line, and the output is what it would be without the
cache. An unwritable cache folder means building without
it (one warning), never an exception. The site's compressed siblings are copies, not links into
the cache. (The segmentation cache: tests/site/test_segment_cache.py; a whole build with damaged
caches: test_a_build_over_damaged_caches_ships_correct_files.)"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import jinja2
import pytest
from mkdocs.config import load_config

from generator import cache_check
from generator.serve import precompress, site_check
from generator.site.jinja_cache import PATTERN
from generator.site.render import TEMPLATES, bytecode_cache

from .conftest import Build, build

Damage = Callable[[Path], None]


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_last_byte(path: Path) -> None:
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0xFF
    path.write_bytes(bytes(blob))


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "qz.cache"]


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    """No unwritable folder remembered from another test, no file marked as done."""
    cache_check.reset()
    precompress._done.clear()
    yield
    cache_check.reset()
    precompress._done.clear()


def runtime_cache() -> Path:
    """Where the site's build keeps the runtime's compressed files (mkdocs.yml's qz-pyodide)."""
    folder = precompress.runtime_cache(load_config(str(ROOT / "mkdocs.yml")))
    assert folder is not None
    return folder


@pytest.fixture
def unwritable(tmp_path: Path) -> Path:
    """A cache root nothing can be written under. Tests run as root, for whom chmod changes
    nothing: a regular file where the folder should be fails every write with an OSError, as a
    read-only .cache does for a normal user."""
    blocker = tmp_path / "dot-cache"
    blocker.write_text("not a folder", encoding="utf-8")
    return blocker


# ---------------------------------------------------------------- compressed files


def small_site(root: Path) -> dict[Path, bytes]:
    pages = {
        root / "index.html": ("<p>泉州市数字经济</p>\n" * 200).encode("utf-8"),
        root / "assets" / "app.js": b"export const rules = [" + b"1, 2, 3, " * 300 + b"];\n",
    }
    for path, data in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return pages


def assert_siblings_right(pages: dict[Path, bytes]) -> None:
    for path, data in pages.items():
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data, path
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == data, path


@pytest.mark.parametrize("damage", [truncate, flip_last_byte])
def test_a_damaged_compressed_entry_is_rebuilt_with_one_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        damage: Damage) -> None:
    cache = tmp_path / "qz-precompress"
    monkeypatch.setattr(precompress, "CACHE", cache)
    first = small_site(tmp_path / "first")
    precompress.precompress(tmp_path / "first")
    assert_siblings_right(first)
    page = sorted(cache.glob("*.br"))
    assert len(page) == 2
    damage(page[0])

    second = small_site(tmp_path / "second")
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        precompress.precompress(tmp_path / "second")
    assert_siblings_right(second)
    warnings = warnings_of(caplog)
    assert len(warnings) == 1 and str(page[0]) in warnings[0] and "damaged" in warnings[0]

    caplog.clear()  # repaired: the next build uses the entry silently
    precompress._done.clear()
    precompress.precompress(tmp_path / "second")
    assert warnings_of(caplog) == []


def test_a_sound_compressed_entry_copied_onto_another_key_is_rebuilt_with_one_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """A backup restore or a merged CI cache puts one file's entry under another's name: it
    is whole and sealed, but the page's sibling must not become the script's bytes."""
    cache = tmp_path / "qz-precompress"
    monkeypatch.setattr(precompress, "CACHE", cache)
    pages = small_site(tmp_path / "first")
    precompress.precompress(tmp_path / "first")
    home, script = (cache / f"{hashlib.sha256(data).hexdigest()}.br" for data in pages.values())
    home.write_bytes(script.read_bytes())

    second = small_site(tmp_path / "second")
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        precompress.precompress(tmp_path / "second")
    assert_siblings_right(second)
    warnings = warnings_of(caplog)
    assert len(warnings) == 1 and str(home) in warnings[0], warnings
    assert "another key" in warnings[0]


def test_an_entry_of_the_previous_format_is_rebuilt_silently(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """Entries sealed before keys were bound in (``QZC1``) are not damage: the first build after
    the upgrade replaces them without a warning per file."""
    cache = tmp_path / "qz-precompress"
    monkeypatch.setattr(precompress, "CACHE", cache)
    pages = small_site(tmp_path / "site")
    for data in pages.values():
        digest = hashlib.sha256(data).hexdigest()
        packed = brotli.compress(data)
        cache.mkdir(exist_ok=True)
        (cache / f"{digest}.br").write_bytes(b"QZC1" + hashlib.sha256(packed).digest() + packed)
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        precompress.precompress(tmp_path / "site")
    assert_siblings_right(pages)
    assert warnings_of(caplog) == []
    assert all(p.read_bytes().startswith(cache_check.MAGIC) for p in cache.iterdir())


def test_siblings_are_copies_so_a_damaged_cache_cannot_reach_a_built_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "qz-precompress"
    monkeypatch.setattr(precompress, "CACHE", cache)
    pages = small_site(tmp_path / "site")
    precompress.precompress(tmp_path / "site")
    siblings = sorted((tmp_path / "site").rglob("*.br")) + sorted((tmp_path / "site").rglob("*.gz"))
    assert len(siblings) == 4
    assert all(s.stat().st_nlink == 1 for s in siblings)
    for entry in cache.iterdir():
        truncate(entry)
    assert_siblings_right(pages)


def test_an_unwritable_compressed_cache_still_compresses_with_one_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        unwritable: Path) -> None:
    monkeypatch.setattr(precompress, "CACHE", unwritable / "qz-precompress")
    pages = small_site(tmp_path / "site")
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        precompress.precompress(tmp_path / "site")
        precompress.trim(unwritable / "qz-precompress", keep_since=0)
    assert_siblings_right(pages)
    warnings = warnings_of(caplog)
    assert len(warnings) == 1 and "cannot write" in warnings[0]


# ---------------------------------------------------------------- compiled templates

TEMPLATE = "<p>{{ name }} · 首轮流片 MARKER-AAAA</p>"


def render_with(cache: Path, templates: Path) -> str:
    """A fresh environment (nothing compiled in memory): the bytecode comes from ``cache``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             bytecode_cache=bytecode_cache(cache))
    return env.get_template("page.html").render(name="泉州")


def replace_constant(path: Path) -> None:
    """Change a string constant inside the marshalled code: still loads, renders other text."""
    blob = path.read_bytes()
    assert b"MARKER-AAAA" in blob
    path.write_bytes(blob.replace(b"MARKER-AAAA", b"MARKER-BBBB"))


@pytest.mark.parametrize("damage", [truncate, replace_constant])
def test_a_damaged_compiled_template_is_compiled_again_with_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Damage) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(TEMPLATE, encoding="utf-8")
    expected = "<p>泉州 · 首轮流片 MARKER-AAAA</p>"
    cache = tmp_path / "qz-jinja"
    assert render_with(cache, templates) == expected
    [entry] = list(cache.iterdir())
    damage(entry)
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        assert render_with(cache, templates) == expected
    warnings = warnings_of(caplog)
    assert len(warnings) == 1 and str(entry) in warnings[0]
    caplog.clear()
    assert render_with(cache, templates) == expected  # rewritten: no warning the next time
    assert warnings_of(caplog) == []


def test_a_compiled_template_copied_onto_another_templates_key_is_compiled_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(TEMPLATE, encoding="utf-8")
    (templates / "other.html").write_text("<p>{{ name }} · 其他 MARKER-OTHER</p>",
                                          encoding="utf-8")
    cache = tmp_path / "qz-jinja"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                             bytecode_cache=bytecode_cache(cache))
    env.get_template("other.html")
    [other] = list(cache.iterdir())
    assert render_with(cache, templates).endswith("MARKER-AAAA</p>")
    [page] = [p for p in cache.iterdir() if p != other]
    page.write_bytes(other.read_bytes())  # whole and sealed, but another template's code
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        assert render_with(cache, templates) == "<p>泉州 · 首轮流片 MARKER-AAAA</p>"
    warnings = warnings_of(caplog)
    assert len(warnings) == 1 and str(page) in warnings[0], warnings


def test_an_unwritable_template_cache_compiles_every_time_with_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, unwritable: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(TEMPLATE, encoding="utf-8")
    (templates / "other.html").write_text("{% include 'page.html' %}", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="qz.cache"):
        assert "MARKER-AAAA" in render_with(unwritable / "qz-jinja", templates)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                                 bytecode_cache=bytecode_cache(unwritable / "qz-jinja"))
        assert "MARKER-AAAA" in env.get_template("other.html").render(name="x")
    warnings = warnings_of(caplog)
    assert len(warnings) == 1 and "cannot write" in warnings[0]


# ---------------------------------------------------------------- a whole build

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"


def private_cache(root: Path) -> Path:
    """A cache root of this test's own holding the project's entries as symbolic links: builds
    that other workers run meanwhile neither see the damage done here nor repair it first."""
    for name in ("qz-precompress", "qz-jinja", "qz-segments"):
        (root / name).mkdir(parents=True)
        for entry in (CACHE / name).iterdir():
            if not entry.name.endswith(".tmp"):
                (root / name / entry.name).symlink_to(entry)
    return root


def own_copy(path: Path) -> Path:
    """The link replaced by a copy of what it points to, so damage stays in this cache."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)
    return path


@pytest.mark.slow
def test_a_build_over_damaged_caches_ships_correct_files(site: Build, tmp_path: Path) -> None:
    """The session's build filled the caches; damage one entry of each kind, copy one sound
    entry onto another key (the English page's compressed bytes as the Chinese page's), build
    again: every damaged or misplaced entry is reported once and no wrong byte ships."""
    cache = private_cache(tmp_path / "cache")
    home = (site.site / "index.html").read_bytes()
    entry = cache / "qz-precompress" / f"{hashlib.sha256(home).hexdigest()}.br"
    page, english = (cache / "qz-precompress" / f"{hashlib.sha256(
        (site.site / name).read_bytes()).hexdigest()}.br"
        for name in ("measures/3.1/index.html", "en/measures/3.1/index.html"))
    own_copy(page).write_bytes(english.read_bytes())
    template = bytecode_cache(cache / "qz-jinja")
    key = template.get_cache_key("measure.md", os.path.normpath(TEMPLATES / "measure.md"))
    compiled = cache / "qz-jinja" / (PATTERN % key)
    # One segmentation file per glossary (other tests build other data): damage them all, the
    # build reads the one of its glossary.
    segments = sorted((cache / "qz-segments").glob("jieba-*.json"))
    assert entry.is_file() and compiled.is_file() and segments
    for damaged in (entry, compiled, *segments):
        truncate(own_copy(damaged))

    again = build(tmp_path / "site", QZ_CACHE_DIR=str(cache))
    assert again.returncode == 0, again.output
    assert (again.site / "index.html").read_bytes() == home
    assert brotli.decompress((again.site / "index.html.br").read_bytes()) == home
    assert again.page("measures/3.1/") == site.page("measures/3.1/")
    index = "search/search_index.json"  # the segmentation's output
    assert (again.site / index).read_bytes() == (site.site / index).read_bytes()
    assert list(site_check.problems(again.site)) == []  # every sibling, every zip
    reported = [line.split("cache: ", 1)[1].split(" is damaged")[0]
                for line in again.output.splitlines() if "is damaged" in line]
    assert len(reported) == 4, again.output
    assert str(entry) in reported and str(compiled) in reported and str(page) in reported
    assert [Path(path).parent for path in reported
            if path not in (str(entry), str(compiled), str(page))] == [cache / "qz-segments"]


@pytest.mark.slow
def test_a_build_with_an_unwritable_cache_succeeds_with_one_warning(
        site: Build, tmp_path: Path, unwritable: Path) -> None:
    """$QZ_CACHE_DIR where nothing can be written (as a read-only .cache): the build still
    succeeds, says so once and ships the same pages, correctly compressed."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QZ_CACHE_DIR": str(unwritable)}
    env.pop("QZ_POLICY_DATA", None)
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
                          check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    [warning] = [line for line in output.splitlines() if "cache:" in line]  # one, whichever
    assert warning.startswith(f"WARNING -  cache: cannot write {unwritable}/qz-")  # comes first
    assert warning.endswith(f"building without the cache under {unwritable}")
    home = (site.site / "index.html").read_bytes()
    assert (target / "index.html").read_bytes() == home
    assert brotli.decompress((target / "index.html.br").read_bytes()) == home
    # The runtime's compressed files come from the runtime's own cache, which $QZ_CACHE_DIR
    # does not move: an unusable one does not cost a minute of brotli on the wasm.
    wasm = next((target / "assets" / "pyodide").glob("*/pyodide.asm.wasm"))
    kept = runtime_cache() / f"{precompress.sha256(wasm)}.w24.br"
    packed = wasm.with_name(wasm.name + ".br").read_bytes()
    assert brotli.decompress(packed) == wasm.read_bytes()
    assert cache_check.read(kept) == packed
