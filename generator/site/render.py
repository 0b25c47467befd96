"""The Jinja2 environment of the generated pages, and the filters that print every number.

Templates run with ``StrictUndefined`` (a missing key or attribute fails the build) and with
autoescape on for every template, whatever its extension: all text from YAML is escaped.
Numbers are formatted here once, from the model's ``Decimal`` and ``date`` values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    DictLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from calc import STRINGS, Amount, Money, Percent, Quantity, rules
from generator import cache_check

from .jinja_cache import VerifiedBytecodeCache

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGS = ("zh", "en")
# Compiled templates (ours and the theme's), keyed by their source's checksum: compiling them
# anew took ≈ 0.4 s of every build.
BYTECODE = cache_check.folder("qz-jinja")

UiTable = dict[str, dict[str, str]]



def load_ui() -> UiTable:
    """The pages' words: calc's one string table (calc/strings.py), key → {zh, en}."""
    return {key: {lang: texts[lang] for lang in LANGS} for key, texts in STRINGS.items()}


def strings(table: UiTable, lang: str) -> dict[str, str]:
    """The UI strings of one language, key → text."""
    return {key: texts[lang] for key, texts in table.items()}


def pick(value: Any, lang: str) -> str:
    """The text of a bilingual value: a model with ``zh``/``en`` fields, or a dict with them."""
    if isinstance(value, Mapping):
        return str(value[lang])
    return str(getattr(value, lang))


# ---------------------------------------------------------------- number formatting


def amount_text(value: Decimal, lang: str, bare: bool = False) -> str:
    """A policy amount: ``30 万元`` / ``CNY 300,000`` (calc's one formatter, ``calc.Amount``)."""
    return Amount(value, bare).local(lang)


def date_text(day: dt.date, ui: Mapping[str, str]) -> str:
    return ui["date.format"].format(year=day.year, month=ui[f"month.{day.month}"], day=day.day)


@pass_context
def _amount(ctx: Context, value: Decimal) -> str:
    return _in_time(ctx, value, amount_text(Decimal(value), ctx["lang"]))


@pass_context
def _money(ctx: Context, value: Decimal) -> str:
    """An exact computed amount, to the fen, as ``calc`` prints it."""
    return Money(Decimal(value)).local(ctx["lang"])


@pass_context
def _rate(ctx: Context, value: Decimal) -> str:
    return _in_time(ctx, value, Percent(Decimal(value)).local(ctx["lang"]))


def _in_time(ctx: Context, value: Decimal, shown: str) -> str:
    """A figure a rule takes from a parameter, with every later value calc merged into it:
    ``30 万元；自 2027年1月1日 起 40 万元（示例〔2026〕1号 一）``, the amending document linked.
    A figure without amendments is just ``shown``."""
    name = getattr(value, "param", None)
    view = ctx.get("view")
    figure = view.figures.get(name) if view is not None and name else None
    if figure is None or len(figure.values) == 1:
        return shown
    lang, ui = ctx["lang"], ctx["ui"]
    text = escape(shown)
    for later in figure.values[1:]:
        number = Decimal(later.value)
        new = Percent(number).local(lang) if figure.rate else amount_text(number, lang)
        source = later.source
        cited: Markup = escape("")
        if source is not None:
            label = (source.ref if lang == "zh" else source.ref_en).split("“")[0].strip()
            cited = (Markup('<a href="{}">{}</a> ').format(ctx["document_link"](source.document),
                                                          source.number) + label)
        text += escape(ui["timeline.figure"]).format(date=date_text(later.start, ui)
                                                     if later.start else "", value=new,
                                                     source=cited)
    return Markup(text)


@pass_context
def _quantity(ctx: Context, value: Decimal, unit: str | None) -> str:
    return Quantity(Decimal(value), unit).local(ctx["lang"])


@pass_context
def _date(ctx: Context, day: dt.date) -> str:
    return date_text(day, ctx["ui"])


@pass_context
def _say(ctx: Context, key: str, **values: Any) -> Markup:
    """A UI sentence with its placeholders filled; values are escaped unless already markup."""
    return escape(ctx["ui"][key]).format(**values)


def _md(value: Any) -> Markup:
    """Text for a Markdown heading: HTML-escaped, and Markdown's inline syntax neutralised."""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    for char in "\\`*_{}[]()#+!|":  # before HTML escaping, which writes "#" in &#34;
        text = text.replace(char, "\\" + char)
    return escape(text)


def bytecode_cache(folder: Path = BYTECODE) -> VerifiedBytecodeCache:
    return VerifiedBytecodeCache(folder)  # entries verified on use (generator/site/jinja_cache.py)


class MissingSentence(TemplateError):
    """A rule kind that says nothing of itself on the measure pages."""


def rule_sentences() -> dict[str, str]:
    """Each rule kind's page sentence as a template ``rule/<kind>.html`` (the kind's ``page``,
    beside its code in calc/rules/): a kind without one stops the build."""
    found = {f"rule/{kind}.html": cls.page.rstrip("\n") + "\n"
             for kind, cls in sorted(rules.kinds().items())}
    missing = [name[5:-5] for name, page in found.items() if not page.strip()]
    if missing:
        raise MissingSentence(
            "; ".join(f"rule kind {kind!r} has no page sentence: give its class in "
                      f"calc/rules/{kind}.py a `page` (what the measure page says of it)"
                      for kind in missing))
    return found


def environment(folder: Path = TEMPLATES, cache: bool = False) -> Environment:
    # Comments are {## ##}: Markdown headings use {#id} (attr_list), which Jinja would swallow.
    loader = ChoiceLoader([FileSystemLoader(str(folder)), DictLoader(rule_sentences())])
    env = Environment(loader=loader, undefined=StrictUndefined,
                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, comment_start_string="{##",
                      comment_end_string="##}",
                      bytecode_cache=bytecode_cache() if cache else None)
    env.filters.update(amount=_amount, money=_money, rate=_rate, quantity=_quantity,
                       date=_date, md=_md)
    env.globals.update(say=_say)
    return env
