"""Measures' end dates as iCalendar (RFC 5545), written by calc for the build and the browser,
read back with an independent parser (icalendar): CRLF lines of at most 75 octets, one
all-day event per measure on its last day (from the data), escaped text, unique UIDs."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from calc.api import handle
from calc.calendar import calendar_text, escape, fold
from calc.messages import render
from tests.browser.calcpage import catalog, policy


def last_day(measure_id: str) -> dt.date:
    """A measure's end from the policy data: its own validity within the document's."""
    document = policy().document
    measure = next(m for m in policy().measures if m.id == measure_id)
    own = measure.validity.end if measure.validity else document.window.end
    return min(own, document.window.end)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_measure_is_one_all_day_event_on_its_last_day(lang: str) -> None:
    ids = [m.id for m in policy().measures]
    text = calendar_text(catalog(), ids, lang)
    parsed = icalendar.Calendar.from_ical(text)
    events = parsed.walk("VEVENT")
    assert len(events) == len(ids)
    uids = set()
    for event, measure_id in zip(events, ids, strict=True):
        start = event.decoded("DTSTART")
        assert type(start) is dt.date and start == last_day(measure_id)
        assert event.decoded("DTEND") == start + dt.timedelta(days=1)
        assert event.get("DTSTAMP") is not None
        title = next(m for m in policy().measures if m.id == measure_id).title
        assert str(event["SUMMARY"]) == render("ics.summary", lang, measure=measure_id,
                                               title=getattr(title, lang))
        uids.add(str(event["UID"]))
    assert len(uids) == len(ids)
    assert parsed["VERSION"] == "2.0" and parsed.get("PRODID")


def test_lines_end_in_crlf_and_fold_at_75_octets() -> None:
    text = calendar_text(catalog(), [m.id for m in policy().measures], "zh")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)  # long Chinese text was folded
    # a fold never splits a character: every line is valid UTF-8 on its own
    for line in lines:
        line.encode("utf-8").decode("utf-8")


def test_text_is_escaped_and_unfolds_to_what_was_written() -> None:
    value = "a, b; c\\d\nline two " + "长" * 40
    line = fold(f"DESCRIPTION:{escape(value)}")
    event = icalendar.Event.from_ical(
        f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
    assert str(event["DESCRIPTION"]) == value


def test_the_4_1_and_8_2_deadlines_come_from_their_own_validity() -> None:
    for measure_id in ("4.1", "8.2"):
        measure = next(m for m in policy().measures if m.id == measure_id)
        assert measure.validity is not None  # they end before the document does
        (event,) = icalendar.Calendar.from_ical(
            calendar_text(catalog(), [measure_id], "en")).walk("VEVENT")
        assert event.decoded("DTSTART") == measure.validity.end < policy().document.window.end


@pytest.mark.parametrize(("request_", "field"), [
    ({"type": "calendar", "measures": ["3.1"], "lang": "fr"}, "lang"),
    ({"type": "calendar", "measures": "3.1", "lang": "zh"}, "measures"),
    ({"type": "calendar", "measures": [3.1], "lang": "zh"}, "measures"),
])
def test_a_bad_calendar_request_is_refused_in_both_languages(request_: dict[str, object],
                                                             field: str) -> None:
    answer = json.loads(handle(json.dumps(request_)))
    assert answer["ok"] is False and answer["error"]["field"] == field
    assert answer["error"]["zh"] and answer["error"]["en"]


def test_the_api_answers_a_calendar_request() -> None:
    answer = json.loads(handle(json.dumps({"type": "calendar", "measures": ["3.1"],
                                           "lang": "zh"})))
    assert answer["ok"] is True
    (event,) = icalendar.Calendar.from_ical(answer["result"]["ics"]).walk("VEVENT")
    assert event.decoded("DTSTART") == last_day("3.1")
