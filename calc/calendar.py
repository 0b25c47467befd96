"""Measures' end dates as an iCalendar file (RFC 5545) an owner adds to a calendar.

One all-day event per measure on its last day (the measure's own validity, within the
document's). The same writer serves the build (a file per measure, linked from its page) and the
browser's self-check (a file of the measures found), so the browser never formats one itself.
The standard library only: this runs in Pyodide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .catalog import Catalog
from .errors import CalcError
from .fmt import Label, Listing
from .inputs import Phrase
from .messages import render

LANGS = ("zh", "en")
LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than 75 octets are folded


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """One content line, folded at 75 octets without splitting a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # a continuation starts with " "
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(day: dt.date) -> str:
    return day.strftime("%Y%m%dT000000Z")


def _event(catalog: Catalog, measure_id: str, lang: str) -> list[str]:
    measure = catalog.get(measure_id)
    doc = catalog.documents[measure.document]["document"]
    values = {"measure": measure.id, "title": measure.title, "number": doc["number"],
              "document": Label.of(doc["title"]), "clause": Label.of(measure.data["clause"]),
              "departments": Listing(tuple(Label.of(doc["departments"][d])
                                           for d in measure.data["departments"]))}
    last = measure.end
    # "the responsible department" or "departments", as many as the measure names
    description = "ics.description" if len(measure.data["departments"]) > 1 else \
        "ics.description_one"
    return [
        "BEGIN:VEVENT",
        f"UID:{measure.document}.{measure.id}.end.{last:%Y%m%d}@calc",
        # Without METHOD, DTSTAMP is the event's last change (RFC 5545 §3.8.7.2): the rules'
        # issue date, so the same rules always give the same file.
        f"DTSTAMP:{_stamp(dt.date.fromisoformat(doc['issued']))}",
        f"DTSTART;VALUE=DATE:{last:%Y%m%d}",
        f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(render('ics.summary', lang, **values))}",
        f"DESCRIPTION:{escape(render(description, lang, **values))}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_text(catalog: Catalog, measure_ids: Any, lang: Any) -> str:
    """The .ics text: one VCALENDAR, one all-day event per measure, CRLF line ends."""
    if lang not in LANGS:
        raise CalcError("error.bad_request", "lang", name="lang", expected=Phrase("expected.lang"))
    if not isinstance(measure_ids, list) or not all(isinstance(m, str) for m in measure_ids):
        raise CalcError("error.bad_request", "measures", name="measures",
                        expected=Phrase("expected.list"))
    # Named after the documents of its measures (the root document's when it has none).
    ids = dict.fromkeys(catalog.get(m).document for m in measure_ids) or {catalog.default: None}
    number = Listing(tuple(Label(*(str(catalog.documents[d]["document"]["number"]),) * 2)
                           for d in ids))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{catalog.default}//calc//{lang.upper()}",
             "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{escape(render('ics.calendar', lang, number=number))}"]
    for measure_id in dict.fromkeys(measure_ids):  # each measure once, in the order asked
        lines += _event(catalog, measure_id, lang)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar(catalog: Catalog, measure_ids: Any, lang: Any) -> dict[str, Any]:
    """The browser's answer: ``{"ics": text}``."""
    return {"ics": calendar_text(catalog, measure_ids, lang)}
