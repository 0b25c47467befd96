"""The how-to-apply page: one list item per responsible department, and step 5 says where the
departments' contact details are published instead of only "contact the department"."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from generator.data.load import load_all
from generator.data.model import Document

from .conftest import DATA, DOCUMENT, Build

LANGS = {"zh": "", "en": "en/"}


def _document() -> Document:
    return next(p for p in load_all(DATA) if p.document.id == DOCUMENT).document


class Section(HTMLParser):
    """The <li> texts under the heading with ``heading_id``, and those under "steps"."""

    def __init__(self, heading_id: str) -> None:
        super().__init__()
        self.heading_id = heading_id
        self.section = ""
        self.depth = 0
        self.items: list[str] = []
        self.steps: list[str] = []
        self.where: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self.section = dict(attrs).get("id") or ""
        if tag == "li" and self.section in (self.heading_id, "steps"):
            self.where = self.items if self.section == self.heading_id else self.steps
            self.where.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.where = None

    def handle_data(self, data: str) -> None:
        if self.where is not None:
            self.where[-1] += data


@pytest.mark.parametrize("lang", LANGS)
def test_each_department_is_its_own_list_item(site: Build, lang: str) -> None:
    document = _document()
    parsed = Section("departments")
    parsed.feed(site.page(LANGS[lang] + "how-to-apply/"))
    names = [getattr(d, lang) for d in document.departments.values()]
    assert len(parsed.items) == len(names), parsed.items
    for item, name in zip(parsed.items, names, strict=True):
        assert item.startswith(name), (item, name)
        assert item.count("- ") == 0, item


@pytest.mark.parametrize("lang", LANGS)
def test_the_last_step_says_where_contact_details_are_published(site: Build, lang: str) -> None:
    document = _document()
    parsed = Section("departments")
    parsed.feed(site.page(LANGS[lang] + "how-to-apply/"))
    last = parsed.steps[4]
    assert ("官方网站" if lang == "zh" else "official website") in last, last
    for dept in document.departments.values():
        assert getattr(dept, lang) in last, last
