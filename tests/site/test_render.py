"""The pieces the pages are made of, without a build: UI strings, number formats, templates."""

from __future__ import annotations

import datetime as dt
import re
import string
from decimal import Decimal
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from generator.site.pages import relative
from generator.site.render import (
    TEMPLATES,
    amount_text,
    date_text,
    environment,
    load_ui,
    strings,
)

UI = load_ui()
ZH, EN = strings(UI, "zh"), strings(UI, "en")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_zh_and_en_ui_strings_have_the_same_keys_and_placeholders() -> None:
    assert ZH.keys() == EN.keys()
    for key in ZH:
        assert ZH[key].strip() and EN[key].strip(), key
        assert fields(ZH[key]) <= fields(EN[key]) | {"numeral"}, key
        assert fields(EN[key]) <= fields(ZH[key]) | {"id"}, key


def test_every_ui_key_the_templates_use_exists() -> None:
    used: set[str] = set()
    for path in [*TEMPLATES.glob("*"), *Path(TEMPLATES.parent.parent / "docs").glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""ui\[["']([\w.]+)["']\]""", text))
        used |= set(re.findall(r"""say\(\s*["']([\w.]+)["']""", text))
    assert used, "no UI keys found"
    assert used - ZH.keys() == set()


@pytest.mark.parametrize(("value", "zh", "en"), [
    ("300000", "30 万元", "CNY 300,000"),
    ("15000", "1.5 万元", "CNY 15,000"),
    ("2500", "2,500 元", "CNY 2,500"),
    ("100000000", "1 亿元", "CNY 100,000,000"),
    ("3333333.33", "3,333,333.33 元", "CNY 3,333,333.33"),
    ("50000", "5 万元", "CNY 50,000"),
])
def test_amounts_read_as_each_language_writes_them(value: str, zh: str, en: str) -> None:
    assert amount_text(Decimal(value), "zh") == zh
    assert amount_text(Decimal(value), "en") == en


def test_dates_read_as_each_language_writes_them() -> None:
    assert date_text(dt.date(2026, 12, 31), ZH) == "2026年12月31日"
    assert date_text(dt.date(2026, 2, 1), EN) == "1 February 2026"


def test_relative_links_between_directory_urls() -> None:
    assert relative("measures/1.1/", "measures/3.1/") == "../1.1/"
    assert relative("", "measures/3.1/") == "../../"
    assert relative("glossary/", "") == "glossary/"
    assert relative("", "") == "./"


def test_templates_escape_and_refuse_undefined_values() -> None:
    env = environment()
    context = {"lang": "zh", "ui": ZH}
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    assert str(env.from_string("{{ say('range', start=a, end=b) }}").render(
        context, a="<i>", b="2")) == "&lt;i&gt; 至 2"
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{{ ui['no.such.key'] }}").render(context)


def test_markdown_headings_neutralise_markup_and_markdown() -> None:
    env = environment()
    out = env.from_string("{{ x | md }}").render(x='<a> *b* {#c} "d"')
    assert out == '&lt;a&gt; \\*b\\* \\{\\#c\\} &#34;d&#34;'
