"""The measures' end dates as calendar files, written at build time with calc's own writer.

``calendar/<measure>.ics`` (one event) and ``calendar/all.ics`` (every measure of the document)
under each language's root: the zh files at ``calendar/``, the en ones at ``en/calendar/``, so a
page links ``calendar/…`` relative to its own language root with the titles in its language.
Another document's files are at its own place: ``documents/<id>/calendar/…``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import calc
from calc import calendar_text
from generator.site.render import LANGS

FOLDER = "calendar"
ALL = "all"


def folder(site: Path, lang: str, prefix: str = "") -> Path:
    return (site if lang == LANGS[0] else site / lang) / prefix / FOLDER


def publish(site: Path, bundle: dict[str, Any], places: dict[str, str]) -> list[Path]:
    """Write every calendar file of each document with measures at its place (``places``: the
    document's site path, "" for the root document); the paths written."""
    catalog = calc.Catalog(bundle)
    written = []
    for document, prefix in places.items():
        keys = [catalog.key(catalog.get(f"{document}/{i}")) for i in catalog.ids(document)]
        if keys:
            written += _write(catalog, keys, site, prefix)
    return written


def _write(catalog: calc.Catalog, keys: list[str], site: Path, prefix: str) -> list[Path]:
    written = []
    for lang in LANGS:
        target = folder(site, lang, prefix)
        target.mkdir(parents=True, exist_ok=True)
        for name, measures in [(ALL, keys), *((k.rsplit("/", 1)[-1], [k]) for k in keys)]:
            path = target / f"{name}.ics"
            # newline="" keeps the CRLF line ends RFC 5545 requires
            with path.open("w", encoding="utf-8", newline="") as out:
                out.write(calendar_text(catalog, measures, lang))
            written.append(path)
    return written
