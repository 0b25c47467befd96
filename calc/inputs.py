"""Turn what a visitor typed into exact values, or a clear bilingual refusal.

Amounts accept plain yuan, thousands separators, full-width digits, 万/亿 (``3亿5000万``, and
``3万5`` as everyday Chinese means it: 35,000; ``80w`` for 80万) and, for money, English ``60k``
/ ``1.5 million``; they refuse NaN, Infinity, exponents, signs, ``。``, superscript digits, place
values that cannot be told apart (``3万50``, ``1万20000``) and anything beyond the data's
declared maximum.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import CalcError
from .fmt import FEN, Label, Money, Quantity, Size
from .messages import render

MAX_CHARS = 64
_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_AMOUNT = re.compile(rf"^(?:(?P<yi>{_NUMBER})亿)?(?:(?P<wan>{_NUMBER})万)?(?P<one>{_NUMBER})?$")
_SCALE = {"yi": Decimal(10) ** 8, "wan": Decimal(10) ** 4, "one": Decimal(1)}
# "80w" is everyday shorthand for 80万 (w for wan), typed where 万 takes an input method.
_WAN_LETTER = re.compile(r"(?<=[0-9.])[wW]")
# English multipliers, for money only: "60k" minutes or "1m" minutes would be a misreading.
_ENGLISH = re.compile(rf"^(?P<number>{_NUMBER})(?P<word>k|thousand|m|mn|million)$")
_ENGLISH_SCALE = {"k": Decimal(10) ** 3, "thousand": Decimal(10) ** 3, "m": Decimal(10) ** 6,
                  "mn": Decimal(10) ** 6, "million": Decimal(10) ** 6}
# Full-width ASCII (digits, comma, point, signs) and the ideographic space fold to ASCII; NFKC
# would also turn 10⁵ into 105 and ① into 1, which silently misreads.
_FOLD = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20, 0xFFE5: 0xA5}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Requests and profiles nest four levels at most; this leaves room and stays far from any stack.
MAX_DEPTH = 32
_JSON_TOKEN = re.compile(r'\\.|["\[\]{}]', re.DOTALL)
_UNIT_WORDS = ("元", "yuan", "rmb", "cny", "¥")
# Characters no one sees (zero-width space, BOM, joiners, direction marks, controls): pasted
# from a web page or a document, they make a number unreadable and cannot be shown in a message.
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
MAX_FILE_BYTES = 1 << 20  # a profile is a few hundred bytes; /dev/zero must not fill the memory
_TRUE = {"true", "yes", "y", "1", "是", "on"}
_FALSE = {"false", "no", "n", "0", "否", "off"}


@dataclass(frozen=True)
class InputDef:
    """One calculator input as the rules bundle declares it."""

    name: str
    type: str
    label: Label
    unit: str | None
    choices: dict[str, Label]
    default: Any
    max: Decimal | None

    @classmethod
    def from_bundle(cls, data: dict[str, Any]) -> InputDef:
        return cls(
            name=data["name"],
            type=data["type"],
            label=Label.of(data["label"]),
            unit=data.get("unit"),
            choices={c["value"]: Label.of(c["label"]) for c in data.get("choices", [])},
            default=data.get("default"),
            max=Decimal(data["max"]) if data.get("max") is not None else None,
        )

    def shown(self, value: Any) -> object:
        """The value as a message shows it."""
        if self.type == "money":
            return Money(value)
        if self.type == "number":
            return Quantity(value, self.unit)
        return value


@dataclass(frozen=True)
class Phrase:
    """A message-table phrase used as a value inside another message."""

    code: str

    def local(self, lang: str) -> str:
        return render(self.code, lang)


def fold(raw: str) -> str:
    """Full-width forms as ASCII; every other character as typed."""
    return raw.translate(_FOLD)


def _normalize(raw: str) -> str:
    text = fold(raw)
    # Spaces may stand beside units ("12 万 元") but never between digits ("1 2" is not 12).
    text = re.sub(r"(?<=\D)\s+|\s+(?=\D)", "", text.strip())
    lowered = text.lower()
    for word in _UNIT_WORDS:
        if lowered.endswith(word):
            text = text[: -len(word)]
            lowered = lowered[: -len(word)]
        if lowered.startswith(word):
            text = text[len(word):]
            lowered = lowered[len(word):]
    return text


def parse_number(raw: Any, item: InputDef, largest: Decimal, *, fen: bool) -> Decimal:
    """An amount (``fen``: at most two decimals) or a quantity such as minutes."""
    label = item.label
    forms = Phrase("forms.money" if fen else "forms.quantity")
    if isinstance(raw, bool):
        raise CalcError("error.not_number", item.name, label=label, raw=raw, forms=forms)
    if isinstance(raw, float):
        raise CalcError("error.float", item.name, label=label, raw=repr(raw))
    if isinstance(raw, int):
        if raw.bit_length() > 4 * MAX_CHARS:  # str() of a 5,000-digit int raises ValueError
            digits = int(raw.bit_length() * 0.30103) + 1  # log10(2): about this many digits
            raise CalcError("error.too_long", item.name, label=label, length=digits)
        raw = str(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise CalcError("error.not_number", item.name, label=label, raw=raw, forms=forms)
        if raw.adjusted() > MAX_CHARS // 2:  # never expand 1E+999999999 into digits
            raise CalcError("error.too_long", item.name, label=label, length=len(str(raw)))
        raw = format(raw, "f")
    if not isinstance(raw, str):
        raise CalcError("error.not_number", item.name, label=label, raw=repr(raw), forms=forms)
    if len(raw) > MAX_CHARS:
        raise CalcError("error.too_long", item.name, label=label, length=len(raw))
    text = _normalize(raw)
    if not text:
        raise CalcError("error.empty", item.name, label=label)
    if text[0] in "-−‐–" or text.startswith("负"):
        raise CalcError("error.negative", item.name, label=label, raw=raw)
    if "。" in text:
        raise CalcError("error.ideographic_point", item.name, label=label, raw=raw)
    odd = next((c for c in text if c.isdigit() and c not in "0123456789"), None)
    if odd is not None:  # superscripts, circled or non-Latin digits: refuse rather than guess
        raise CalcError("error.odd_digit", item.name, label=label, char=odd, raw=raw)
    text = text.removeprefix("+")  # one plus sign, as on a phone keypad; "+++1" is not a number
    value = _english(text.lower()) if fen else None
    if value is None:
        value = _chinese(text, item, raw, forms)
    limit = item.max if item.max is not None else largest
    if value > limit:
        shown = Money(limit) if fen else Quantity(limit, item.unit)
        raise CalcError("error.too_large", item.name, label=label, max=shown, raw=raw)
    if fen and value != value.quantize(FEN):
        raise CalcError("error.too_many_decimals", item.name, label=label, raw=raw)
    return value


def invisible(text: str) -> str | None:
    """The first character of ``text`` nobody can see, as ``U+200B``; None if there is none."""
    found = next((c for c in text if unicodedata.category(c) in _INVISIBLE
                  and not c.isspace()), None)  # tabs and line ends are spaces, trimmed
    return None if found is None else f"U+{ord(found):04X}"


def _english(text: str) -> Decimal | None:
    """``60k``, ``1.5m``, ``1.5 million``; None when the text has no English multiplier."""
    match = _ENGLISH.match(text)
    if not match:
        return None
    return Decimal(match["number"].replace(",", "")) * _ENGLISH_SCALE[match["word"]]


def _chinese(text: str, item: InputDef, raw: str, forms: Phrase) -> Decimal:
    """Plain numbers and 万/亿. After a unit, the rest is either one digit in everyday shorthand
    (3万5 = 35,000, 1亿5 = 150,000,000) or written to full place value (3万0500); anything else
    (3万50, 1万20000) could mean two different amounts and is refused."""
    match = _AMOUNT.match(_WAN_LETTER.sub("万", text))
    parts = {k: v for k, v in match.groupdict().items() if v} if match else {}
    if not parts:
        raise CalcError("error.not_number", item.name, label=item.label, raw=raw, forms=forms)
    numbers = {k: Decimal(v.replace(",", "")) for k, v in parts.items()}
    units = [k for k in ("yi", "wan") if k in parts]
    if units:
        lowest = units[-1]
        if "yi" in parts and "wan" in parts and numbers["wan"] >= 10000:
            raise CalcError("error.ambiguous_unit", item.name, label=item.label, raw=raw)
        rest = parts.get("one")
        if rest is not None:
            places = 4 if lowest == "wan" else 8
            whole = rest.split(".")[0]
            if "." in parts[lowest]:  # 1.5万3: a decimal unit leaves no place for more digits
                raise CalcError("error.ambiguous_unit", item.name, label=item.label, raw=raw)
            if len(rest) == 1:
                numbers["one"] = numbers["one"] * _SCALE[lowest] / 10
            elif "," in rest or len(whole) != places:
                raise CalcError("error.ambiguous_unit", item.name, label=item.label, raw=raw)
    return sum((numbers[key] * _SCALE[key] for key in numbers), Decimal(0))


def parse_date(raw: Any) -> dt.date:
    """The as-of date: None is today; otherwise a real date written exactly ``YYYY-MM-DD``
    (``date.fromisoformat`` alone would also take ``20260601`` and ``2026-W23-1``)."""
    if raw is None:
        return dt.date.today()
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    shown = _shown(raw)
    if not isinstance(raw, str) or not _DATE.fullmatch(raw.strip()):
        raise CalcError("error.bad_date", "on", raw=shown)
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise CalcError("error.bad_date", "on", raw=shown) from None


def _shown(raw: Any) -> str:
    """A refused value as the visitor wrote it (``false``, not ``False``)."""
    if isinstance(raw, str):
        return raw
    try:
        return json.dumps(raw, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        return type(raw).__name__


def parse_bool(raw: Any, item: InputDef) -> bool:
    if isinstance(raw, bool):
        return raw
    text = fold(str(raw)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CalcError("error.not_bool", item.name, label=item.label, raw=raw)


def parse_choice(raw: Any, item: InputDef) -> str:
    text = fold(str(raw)).strip()
    if text not in item.choices:
        raise CalcError("error.not_choice", item.name, label=item.label, raw=raw,
                        known=", ".join(item.choices))
    return text


def parse_choices(raw: Any, item: InputDef) -> tuple[str, ...]:
    parts = raw if isinstance(raw, (list, tuple)) else re.split(r"[,，、\s]+", str(raw))
    chosen = [parse_choice(p, item) for p in parts if str(p).strip()]
    return tuple(v for v in item.choices if v in chosen)  # declared order, no duplicates


def parse_value(raw: Any, item: InputDef, limits: dict[str, Decimal]) -> Any:
    """Parse one raw value by the input's declared type; ``None`` (JSON's null) is no value."""
    if raw is None:
        raise CalcError("error.missing", item.name, label=item.label)
    hidden = invisible(raw) if isinstance(raw, str) else None
    if hidden is not None:
        raise CalcError("error.invisible_char", item.name, label=item.label, char=hidden)
    if item.type == "money":
        return parse_number(raw, item, limits["max_amount"], fen=True)
    if item.type == "number":
        return parse_number(raw, item, limits["max_quantity"], fen=False)
    if item.type == "bool":
        return parse_bool(raw, item)
    if item.type == "choice":
        return parse_choice(raw, item)
    return parse_choices(raw, item)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is refused (``json`` would silently keep the last)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CalcError("error.duplicate_key", key, name=key)
        result[key] = value
    return result


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_CHARS:  # int() refuses beyond 4,300 digits with a ValueError
        raise CalcError("error.json_number", None, length=len(text.lstrip("-")))
    return int(text)


def _too_deep(text: str | bytes) -> bool:
    """Nesting beyond MAX_DEPTH, counted before parsing: ``json`` recurses once per level, and
    in Pyodide a deep enough stack overflows WebAssembly before Python's RecursionError.
    Only quotes, escapes and brackets are visited, once each, so this stays linear."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= MAX_DEPTH:  # every real request: no scan at all
        return False
    depth, quoted = 0, False
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()
        if char == '"':
            quoted = not quoted
        elif quoted or len(char) == 2:  # a bracket inside a string, or an escape
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


def parse_json(text: str | bytes) -> Any:
    """A request or profile as JSON, or a bilingual refusal: bad syntax (with line and column),
    a duplicate key, an endless number, nesting deep enough to exhaust the stack, a lone
    surrogate (text that is no text: no answer echoing it could be encoded). A leading byte
    order mark (Notepad saves one) is not part of the JSON and is skipped."""
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")
    elif isinstance(text, bytes):
        text = text.removeprefix(b"\xef\xbb\xbf")
    if isinstance(text, (str, bytes)) and _too_deep(text):
        raise CalcError("error.too_deep", None, depth=MAX_DEPTH)
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_int=_json_int)
    except json.JSONDecodeError as error:
        raise CalcError("error.bad_json", None, line=error.lineno, column=error.colno) from None
    except UnicodeDecodeError:
        raise CalcError("error.bad_json", None, line=1, column=1) from None
    except RecursionError:
        raise CalcError("error.too_deep", None, depth=MAX_DEPTH) from None
    _refuse_surrogates(value)
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(value: Any) -> None:
    """A lone surrogate (``"\\udc00"`` in JSON) in any key or string is refused, by code point."""
    texts = [value] if isinstance(value, str) else \
        [*value, *value.values()] if isinstance(value, dict) else \
        value if isinstance(value, list) else []
    for item in texts:
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found is not None:
                raise CalcError("error.surrogate", None, char=f"U+{ord(found.group()):04X}")
        elif isinstance(item, (dict, list)):
            _refuse_surrogates(item)


def read_bounded(path: str, limit: int = MAX_FILE_BYTES) -> str:
    """A UTF-8 text file (``-``: stdin) of at most ``limit`` bytes, a byte order mark dropped;
    a larger one (or an endless one, ``/dev/zero``) is refused after reading ``limit`` + 1."""
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    if len(data) > limit:
        raise CalcError("error.file_too_large", None, path=path, size=Size(limit))
    return data.decode("utf-8-sig")
