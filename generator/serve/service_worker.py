"""MkDocs hook: the site's service worker and its page list, written after every build.

- ``sw.js`` at the site root (so its scope is the whole site): ``web/sw.js`` with this build's
  manifest in place of its ``const BUILD = …;`` line — the content-hashed files (cache-first,
  never revalidated), the pages and other files kept for offline use, and a version that changes
  whenever any of them does, so the browser installs the new worker and drops the old caches.
- ``assets/qz-pages.json``: the pages of each language root (``""`` for the default language,
  ``"en/"``…). qz-head.js answers Material's request for ``sitemap.xml`` from it: Material's
  instant navigation only follows links its sitemap lists, and the site writes no sitemap unless
  ``site_url`` is set.

``mkdocs serve`` gets the page list but no service worker: it would cache a site that changes
under it. Registered in mkdocs.yml under ``hooks:``, before the precompress hook.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger

from generator.runtime.pyodide_build import SNAPSHOT, STDLIB

log = get_plugin_logger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "web" / "sw.js"
SW_NAME = "sw.js"
PAGES_JSON = "assets/qz-pages.json"
BUILD_LINE = re.compile(r"^const BUILD = .*;$", re.MULTILINE)
# A content hash in the name (bundle.a5f9d56c.min.js, calculator.686a7fc3ec.js) or in a folder
# (assets/pyodide/314.0.7-49e8d97211/): the same rule as generator/serve/static_server.py.
HASHED = re.compile(r"\.[0-9a-f]{8,}\.|(^|/)\d+\.\d+\.\d+-[0-9a-f]{10}/")
SIBLINGS = (".br", ".gz")  # compressed copies: the server picks them, never a URL
# Not kept: source maps, and the search language packs the site does not load (search: lang en).
SKIPPED = re.compile(r"\.map$|^assets/javascripts/lunr/|^404\.html$")
# Hashed files no page starts with, kept only once asked for: the full stdlib (the worker's
# fallback for a module the core zip lacks, which the build checks never happens) and the calc
# wheel (for other Pyodide integrations). Kept at install, they cost a phone 2.6 MB after its
# first visit for nothing.
ON_DEMAND = re.compile(rf"(^|/)({re.escape(STDLIB)}|[^/]+\.whl)$")
# Hashed files the service worker never keeps: the memory snapshot, which the calculator's worker
# keeps in its own cache (qz-calc-snapshot) and restores only from there, and downloads only for
# a visitor without Save-Data. Kept here too, it was stored twice and downloaded by every install.
UNKEPT = re.compile(rf"(^|/){re.escape(SNAPSHOT)}$")
# The first hex digits of each unhashed file's SHA-256, in the manifest: the install keeps a file
# only if the server sent this build's bytes (a deploy during the install sends the next one's).
DIGEST_CHARS = 16

_command: list[str] = []


class _InstantLanguageLinks(logging.Filter):
    """static-i18n warns that Material's language links go stale under navigation.instant (the
    header is not swapped). qz-head.js rewrites them after each instant navigation and loads
    any link into another language in full, so the warning does not apply here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "not compatible with theme.features = navigation.instant" not in record.getMessage()


logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure").addFilter(
    _InstantLanguageLinks())


def on_startup(command: str, dirty: bool) -> None:
    _command[:] = [command]


def _files(site: Path) -> list[str]:
    """Every file of the built site a browser may ask for, as URL paths relative to the root."""
    found = []
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if (not path.is_file() or path.suffix in SIBLINGS or SKIPPED.search(relative)
                or relative == SW_NAME):
            continue
        found.append(relative)
    return found


def _page(relative: str) -> str | None:
    """The URL of a page (``measures/3.1/``, ``""`` for the root), or None for another file."""
    if relative == "index.html":
        return ""
    return relative[: -len("index.html")] if relative.endswith("/index.html") else None


def pages_by_language(files: list[str], roots: list[str]) -> dict[str, list[str]]:
    """Pages grouped by language root (``""`` first); a page belongs to its longest root."""
    grouped: dict[str, list[str]] = {root: [] for root in roots}
    for relative in files:
        page = _page(relative)
        if page is None:
            continue
        root = max((r for r in roots if page.startswith(r)), key=len)
        grouped[root].append(page)
    return grouped


def manifest(site: Path, files: list[str]) -> dict[str, Any]:
    """What the service worker keeps: hashed files (never revalidated; those in ``later`` only
    once asked for, those in ``unkept`` never) and the rest, each with its digest."""
    hashed = [f for f in files if HASHED.search(f)]
    immutable = [f for f in hashed if not UNKEPT.search(f)]
    unhashed = {f: hashlib.sha256((site / f).read_bytes()) for f in files
                if not HASHED.search(f)}
    precache = [_url(f) for f in unhashed]
    digest = hashlib.sha256(SOURCE.read_bytes())
    for relative in files:  # hashed names carry their content; the rest is read
        digest.update(relative.encode() + b"\0")
        if relative in unhashed:
            digest.update(unhashed[relative].digest())
    sizes = {f: (site / f).stat().st_size for f in immutable}  # for resuming a broken download
    later = [f for f in immutable if ON_DEMAND.search(f)]
    digests = {_url(f): d.hexdigest()[:DIGEST_CHARS] for f, d in unhashed.items()}
    return {"version": digest.hexdigest()[:16], "immutable": immutable, "later": later,
            "unkept": [f for f in hashed if UNKEPT.search(f)], "precache": precache,
            "digests": digests, "sizes": sizes}


def _url(relative: str) -> str:
    """What the service worker asks for: a page's URL, any other file's path."""
    page = _page(relative)
    return relative if page is None else page


def _language_roots(config: MkDocsConfig) -> list[str]:
    i18n: Any = config.plugins.get("i18n")
    if i18n is None:
        return [""]
    default = i18n.default_language
    return ["", *(f"{lang}/" for lang in i18n.build_languages if lang != default)]


def write(site: Path, roots: list[str], service_worker: bool) -> None:
    files = _files(site)
    pages = pages_by_language(files, roots)
    target = site / PAGES_JSON
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(pages, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    if PAGES_JSON not in files:
        files = sorted([*files, PAGES_JSON])
    if not service_worker:
        (site / SW_NAME).unlink(missing_ok=True)
        return
    build = manifest(site, files)
    source = SOURCE.read_text(encoding="utf-8")
    if not BUILD_LINE.search(source):
        raise RuntimeError(f"{SOURCE}: no `const BUILD = …;` line to fill in")
    line = "const BUILD = " + json.dumps(build, ensure_ascii=False, separators=(",", ":")) + ";"
    tmp = site / f".{SW_NAME}.tmp"
    tmp.write_text(BUILD_LINE.sub(lambda _: line, source, count=1), encoding="utf-8")
    tmp.replace(site / SW_NAME)
    log.info(f"service worker {build['version']}: {len(build['immutable'])} hashed files, "
             f"{len(build['precache'])} others")


@event_priority(-115)  # after static-i18n (-100) built every language, before precompress (-120)
def on_post_build(config: MkDocsConfig) -> None:
    i18n: Any = config.plugins.get("i18n")
    if i18n is not None and i18n.building:  # a language built inside the first build's hook
        return
    write(Path(config.site_dir), _language_roots(config), service_worker=_command != ["serve"])
