"""The measures' end dates as calendar files, written at build time with calc's own writer.

``calendar/<measure>.ics`` (one event) and ``calendar/all.ics`` (every measure of the document)
under each language's root: the zh files at ``calendar/``, the en ones at ``en/calendar/``, so a
page links ``calendar/…`` relative to its own language root with the titles in its language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import calc
from calc import calendar_text
from generator.site.render import LANGS

FOLDER = "calendar"
ALL = "all"


def folder(site: Path, lang: str) -> Path:
    return site / FOLDER if lang == LANGS[0] else site / lang / FOLDER


def publish(site: Path, bundle: dict[str, Any]) -> list[Path]:
    """Write every calendar file of the default document; the paths written."""
    catalog = calc.Catalog(bundle)
    ids = catalog.ids()
    written = []
    for lang in LANGS:
        target = folder(site, lang)
        target.mkdir(parents=True, exist_ok=True)
        for name, measures in [(ALL, ids), *((i, [i]) for i in ids)]:
            path = target / f"{name}.ics"
            # newline="" keeps the CRLF line ends RFC 5545 requires
            with path.open("w", encoding="utf-8", newline="") as out:
                out.write(calendar_text(catalog, measures, lang))
            written.append(path)
    return written
