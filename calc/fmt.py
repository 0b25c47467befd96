"""Values shown inside messages, each knowing how to write itself in zh and en."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .strings import STRINGS

FEN = Decimal("0.01")


def to_fen(value: Decimal) -> Decimal:
    """四舍五入 to the fen: the one rounding the policy's money gets."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros (``1.50`` → ``1.5``)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Localized(Protocol):
    def local(self, lang: str) -> str: ...


@dataclass(frozen=True)
class Money:
    value: Decimal

    def local(self, lang: str) -> str:
        return STRINGS["amount.yuan"][lang].format(value=f"{to_fen(self.value):,.2f}")


def money_texts(value: Decimal | str) -> dict[str, str]:
    """An amount as each language shows it: what the browser displays (it formats no money)."""
    money = Money(Decimal(value))
    return {"zh": money.local("zh"), "en": money.local("en")}


def award_texts(entitled: Decimal | str, up_to: Decimal | str) -> dict[str, str]:
    """An award as each language states it, by its parts' bounds: the amount when it is all
    a standard amount, "up to" it when all of it is a ceiling, and both shares when it is
    mixed (1.4: a standard 30 % and an award of at most …). What every page shows."""
    exact, upper = Decimal(entitled), Decimal(up_to)
    texts = {}
    for lang in ("zh", "en"):
        total = Money(exact + upper).local(lang)
        if upper == 0:
            texts[lang] = total
        elif exact == 0:
            texts[lang] = STRINGS["amount.up_to"][lang].format(amount=total)
        else:
            texts[lang] = STRINGS["amount.mixed"][lang].format(
                amount=total, entitled=Money(exact).local(lang), up_to=Money(upper).local(lang))
    return texts


_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


@dataclass(frozen=True)
class Amount:
    """A figure of the policy as the pages write it: ``30 万元`` / ``CNY 300,000`` (whole yuan
    without decimals, 万 and 亿 in Chinese); ``bare`` without the unit: ``30 万`` / ``300,000``.
    An amount computed to the fen is a :class:`Money`."""

    value: Decimal
    bare: bool = False

    def local(self, lang: str) -> str:
        key, value = ("amount.bare." if self.bare else "amount."), self.value
        if lang == "zh" and value >= _YI and value % (_YI / 100) == 0:
            return STRINGS[key + "yi"][lang].format(value=plain(value / _YI))
        if lang == "zh" and value >= _WAN and value % 100 == 0:
            return STRINGS[key + "wan"][lang].format(value=plain(value / _WAN))
        shown = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
        return STRINGS[key + "yuan"][lang].format(value=shown)


@dataclass(frozen=True)
class Percent:
    value: Decimal

    def local(self, lang: str) -> str:
        return f"{plain(self.value * 100)}%"


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str | None

    def local(self, lang: str) -> str:
        shown = STRINGS.get(f"quantity.{self.unit}", {}).get(lang, "{value}")
        return shown.format(value=plain(self.value))


@dataclass(frozen=True)
class Size:
    """A number of bytes: in KB when it is a whole number of them, otherwise in bytes (a limit
    of 8 bytes is not "0 KB", nor 1,500 bytes "1 KB")."""

    value: int

    def local(self, lang: str) -> str:
        if self.value >= 1024 and self.value % 1024 == 0:
            return STRINGS["size.kb"][lang].format(value=self.value // 1024)
        return STRINGS["size.bytes"][lang].format(value=self.value)


@dataclass(frozen=True)
class Day:
    """A date as the pages write it: ``2026年12月31日`` / ``31 December 2026``."""

    value: dt.date

    def local(self, lang: str) -> str:
        day = self.value
        return STRINGS["date.format"][lang].format(
            year=day.year, month=STRINGS[f"month.{day.month}"][lang], day=day.day)


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def local(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def of(cls, texts: dict[str, str]) -> Label:
        return cls(texts["zh"], texts["en"])


@dataclass(frozen=True)
class Listing:
    """Several labels joined the way each language joins a list."""

    items: tuple[Label, ...]

    def local(self, lang: str) -> str:
        return STRINGS["list.sep"][lang].join(i.local(lang) for i in self.items)


@dataclass(frozen=True)
class Joined:
    """Amounts written into a pattern of ``{0}``, ``{1}``… (``{0} + {2}``), each in the
    language asked for."""

    pattern: str
    parts: tuple[Money, ...]

    def local(self, lang: str) -> str:
        return self.pattern.format(*(p.local(lang) for p in self.parts))


NUMERALS = "一二三四五六七八九"
CLAUSE = re.compile(r"^([一二三四五六七八九十]+)（([一二三四五六七八九十]+)）")


def chinese_number(chinese: str) -> int:
    """一 … 九十九: a tens digit before 十 (or none, for ten), a units digit after it."""
    tens, _, units = chinese.rpartition("十")
    if "十" not in chinese:
        return NUMERALS.index(chinese) + 1
    ten = NUMERALS.index(tens) + 1 if tens else 1
    return ten * 10 + (NUMERALS.index(units) + 1 if units else 0)


def article(ref: str) -> tuple[str, str] | None:
    """A clause reference's label in English and what follows it (``九（二）“…”`` →
    ``("Art. 9(2)", "“…”")``), or None when it does not start with a clause label."""
    found = CLAUSE.match(ref)
    if not found:
        return None
    label = f"Art. {chinese_number(found[1])}({chinese_number(found[2])})"
    return label, ref[found.end():].strip()
