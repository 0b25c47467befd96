"""The built site offers each measure's end date as a calendar file in the page's language,
linked from the measure page, and every deadline in one file linked from the home page."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from calc.messages import render
from tests.browser.calcpage import policy
from tests.calc.test_calendar import last_day

from .conftest import Build


def link(html: str) -> str:
    (href,) = re.findall(r'<a class="qz-ics" href="([^"]+)"', html)
    return href


def events(site: Build, page: str, href: str) -> list[icalendar.Event]:
    path = (site.site / page / href).resolve()
    assert path.is_relative_to(site.site.resolve()) and path.is_file(), path
    body = path.read_bytes()
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    return list(icalendar.Calendar.from_ical(body.decode("utf-8")).walk("VEVENT"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_measure_page_links_its_deadline(site: Build, lang: str) -> None:
    prefix = "" if lang == "zh" else f"{lang}/"
    for measure in policy().measures:
        page = f"{prefix}measures/{measure.id}/"
        (event,) = events(site, page, link(site.page(page)))
        assert event.decoded("DTSTART") == last_day(measure.id)
        assert type(event.decoded("DTSTART")) is dt.date
        assert str(event["SUMMARY"]) == render("ics.summary", lang, measure=measure.id,
                                               title=getattr(measure.title, lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_home_page_links_every_deadline(site: Build, lang: str) -> None:
    page = "" if lang == "zh" else f"{lang}/"
    found = events(site, page, link(site.page(page)))
    assert [e.decoded("DTSTART") for e in found] == [last_day(m.id) for m in policy().measures]
