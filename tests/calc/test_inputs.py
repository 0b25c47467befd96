"""What a visitor may type, and what is refused with which message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc import CalcError
from calc.fmt import Label
from calc.inputs import MAX_FILE_BYTES, InputDef, parse_date, parse_value

LIMITS = {"max_amount": Decimal("100000000000"), "max_quantity": Decimal("1000000")}
MONEY = InputDef("fee", "money", Label("服务费", "fee"), "yuan", {}, None, None)
MINUTES = InputDef("m", "number", Label("时长", "length"), "minute", {}, None, None)
FLAG = InputDef("ok", "bool", Label("是否入选", "selected"), None, {}, None, None)
LEVEL = InputDef("level", "choice", Label("等级", "level"), None,
                 {"L3": Label("三级", "level 3"), "L4": Label("四级", "level 4")}, None, None)
MANY = InputDef("won", "choices", Label("获奖", "won"), None,
                {"a": Label("甲", "A"), "b": Label("乙", "B")}, None, None)


@pytest.mark.parametrize(("raw", "expected"), [
    ("1200000", "1200000"), ("1,200,000", "1200000"), ("1,200,000.50", "1200000.50"),
    ("１２３４５", "12345"), ("１，２３４．５", "1234.5"), ("50万", "500000"),
    ("1.5亿", "150000000"), ("3亿5000万", "350000000"), ("2亿300万0012.5", "203000012.5"),
    ("12万元", "120000"), ("  60000 元 ", "60000"), ("¥60000", "60000"), ("0", "0"),
    ("0.01", "0.01"), ("+100", "100"), ("1,000万", "10000000"), (12345, "12345"),
    (Decimal("99.5"), "99.5"), ("１.２万", "12000"),
    # w for 万, as people type it where 万 takes an input method
    ("80w", "800000"), ("80W", "800000"), ("８０ｗ", "800000"), ("1.5w", "15000"),
    ("3w5", "35000"), ("80w元", "800000"), ("1亿2w", "100020000"),
])
def test_amounts_people_write(raw, expected):
    assert parse_value(raw, MONEY, LIMITS) == Decimal(expected)


@pytest.mark.parametrize(("raw", "code"), [
    ("NaN", "error.not_number"), ("nan", "error.not_number"), ("Infinity", "error.not_number"),
    ("-Infinity", "error.negative"), ("inf", "error.not_number"), ("1e6", "error.not_number"),
    ("1e999999", "error.not_number"), ("9" * 5000, "error.too_long"),
    ("-5", "error.negative"), ("−5", "error.negative"), ("－5", "error.negative"),
    ("负5", "error.negative"), ("", "error.empty"), ("   ", "error.empty"),
    ("1。5", "error.ideographic_point"), ("abc", "error.not_number"),
    ("5万亿", "error.not_number"), ("万", "error.not_number"), ("1.2.3", "error.not_number"),
    ("1,23", "error.not_number"), ("0.001", "error.too_many_decimals"),
    ("2000亿", "error.too_large"), ("<script>alert(1)</script>", "error.not_number"),
    (1.5, "error.float"), (True, "error.not_number"), (None, "error.missing"),
    (Decimal("NaN"), "error.not_number"), (Decimal("1E+999999999"), "error.too_long"),
    ("0x10", "error.not_number"), ("1_000", "error.not_number"), ("５万万", "error.not_number"),
    ("w", "error.not_number"), ("80ww", "error.not_number"), ("w80", "error.not_number"),
    ("80w万", "error.not_number"), ("60kw", "error.not_number"),
])
def test_refused_amounts(raw, code):
    with pytest.raises(CalcError) as error:
        parse_value(raw, MONEY, LIMITS)
    assert error.value.code == code
    assert error.value.field == "fee"
    assert "服务费" in error.value.zh and "fee" in error.value.en


def test_quantities_allow_fractions_and_their_own_limit():
    assert parse_value("22.5", MINUTES, LIMITS) == Decimal("22.5")
    assert parse_value("0.333", MINUTES, LIMITS) == Decimal("0.333")
    with pytest.raises(CalcError) as error:
        parse_value("2000000", MINUTES, LIMITS)
    assert error.value.en == "“length” exceeds the largest accepted value 1000000 min: 2000000"


@pytest.mark.parametrize(("raw", "expected"), [
    ("yes", True), ("是", True), ("TRUE", True), ("1", True), (True, True),
    ("no", False), ("否", False), ("0", False), (False, False),
])
def test_yes_no(raw, expected):
    assert parse_value(raw, FLAG, LIMITS) is expected


def test_yes_no_refuses_other_words():
    with pytest.raises(CalcError) as error:
        parse_value("maybe", FLAG, LIMITS)
    assert error.value.zh == "“是否入选”应为 是/否：maybe"


def test_choices_keep_declared_order_and_refuse_unknown():
    assert parse_value("L4", LEVEL, LIMITS) == "L4"
    assert parse_value("b, a，b", MANY, LIMITS) == ("a", "b")
    assert parse_value(["b"], MANY, LIMITS) == ("b",)
    with pytest.raises(CalcError) as error:
        parse_value("L9", LEVEL, LIMITS)
    assert error.value.en == "“level” has no option L9 (options: L3, L4)"


@given(st.decimals(min_value=0, max_value=Decimal("99999999999"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_any_amount_survives_separators_and_full_width(value):
    grouped = f"{value:,.2f}"
    full_width = grouped.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))
    assert parse_value(grouped, MONEY, LIMITS) == value
    assert parse_value(full_width, MONEY, LIMITS) == value


@given(st.text(max_size=80))
def test_any_text_is_a_number_or_a_clear_refusal(raw):
    try:
        value = parse_value(raw, MONEY, LIMITS)
    except CalcError as error:
        assert error.zh and error.en and error.field == "fee"
    else:
        assert value.is_finite() and 0 <= value <= LIMITS["max_amount"]
        assert value == value.quantize(Decimal("0.01"))


@pytest.mark.parametrize(("raw", "expected"), [
    # everyday Chinese: one digit after the unit is the next place down (三万五 = 35,000)
    ("3万5", "35000"), ("12万5", "125000"), ("1亿5", "150000000"), ("３万５", "35000"),
    # written to full place value
    ("3万5000", "35000"), ("3万0500", "30500"), ("1亿20000000", "120000000"),
    # English multipliers, any case, with or without a space
    ("60k", "60000"), ("60K", "60000"), ("60 thousand", "60000"), ("1.5m", "1500000"),
    ("1.5M", "1500000"), ("1.5 million", "1500000"), ("1.5 Million", "1500000"),
    ("2.5mn", "2500000"), ("CNY 1.5m", "1500000"), ("1,500k", "1500000"), ("12.34k", "12340"),
])
def test_shorthand_amounts_mean_what_people_mean(raw, expected):
    assert parse_value(raw, MONEY, LIMITS) == Decimal(expected)


@pytest.mark.parametrize(("raw", "code"), [
    ("10⁵", "error.odd_digit"), ("²0000", "error.odd_digit"), ("①", "error.odd_digit"),
    ("٣٠٠٠٠", "error.odd_digit"),
    ("1万20000", "error.ambiguous_unit"), ("3万50", "error.ambiguous_unit"),
    ("3万500", "error.ambiguous_unit"), ("1.5万3", "error.ambiguous_unit"),
    ("1亿20000万", "error.ambiguous_unit"), ("1亿500", "error.ambiguous_unit"),
    ("3万5,000", "error.ambiguous_unit"),
    ("+++60000", "error.not_number"), ("++1", "error.not_number"), ("60k万", "error.not_number"),
    ("1.5 billion", "error.not_number"), ("k", "error.not_number"), ("60kk", "error.not_number"),
])
def test_silent_misreads_are_refused(raw, code):
    with pytest.raises(CalcError) as error:
        parse_value(raw, MONEY, LIMITS)
    assert (error.value.code, error.value.field) == (code, "fee")
    assert "服务费" in error.value.zh and "fee" in error.value.en


def test_an_int_too_long_to_print_is_too_long():
    with pytest.raises(CalcError) as error:
        parse_value(10 ** 5000, MONEY, LIMITS)  # str() of it alone raises ValueError
    assert error.value.code == "error.too_long" and "5001 characters" in error.value.en


def test_misread_refusals_say_why_in_both_languages():
    with pytest.raises(CalcError) as error:
        parse_value("10⁵", MONEY, LIMITS)
    assert "“⁵”不是普通数字" in error.value.zh and "“⁵” is not a plain digit" in error.value.en
    with pytest.raises(CalcError) as error:
        parse_value("1万20000", MONEY, LIMITS)
    assert "3万5 即 35,000" in error.value.zh and "3万5 = 35,000" in error.value.en


def test_the_not_a_number_message_lists_what_each_language_accepts():
    with pytest.raises(CalcError) as error:
        parse_value("sixty", MONEY, LIMITS)
    assert "expected name=value" not in error.value.en
    for form in ("60k", "1.5m", "1.5 million", "6万"):
        assert form in error.value.en
    for form in ("６万", "3亿5000万", "1.5 million"):
        assert form in error.value.zh


def test_english_multipliers_are_for_money_only():
    """"1m" in a minutes field is not a million minutes."""
    for raw in ("60k", "1m", "2 million"):
        with pytest.raises(CalcError) as error:
            parse_value(raw, MINUTES, LIMITS)
        assert error.value.code == "error.not_number"
        accepted_en = error.value.en.split("Accepted:")[1]
        accepted_zh = error.value.zh.split("可以这样写：")[1]
        assert "million" not in accepted_en and "k" not in accepted_en + accepted_zh


@pytest.mark.parametrize("raw", [
    "20260601", "2026-W23-1", "2026-W23", "2026-152", "2026-06-01T00:00", "2026-6-1",
    "２０２６-06-01", "2026-02-30", False, True, 0, 20260601, [], {}, 1.5,
])
def test_only_yyyy_mm_dd_is_a_date(raw):
    with pytest.raises(CalcError) as error:
        parse_date(raw)
    assert (error.value.code, error.value.field) == ("error.bad_date", "on")
    assert "YYYY-MM-DD" in error.value.zh and "YYYY-MM-DD" in error.value.en


def test_dates_that_are_dates():
    assert parse_date(" 2026-06-01 ") == dt.date(2026, 6, 1)
    assert parse_date(dt.datetime(2026, 6, 1, 12, 30)) == dt.date(2026, 6, 1)
    assert parse_date(None) == dt.date.today()


def test_files_are_read_bounded_and_without_their_byte_order_mark(tmp_path, monkeypatch):
    import io
    import sys

    from calc.inputs import read_bounded

    # A short name relative to tmp_path: the message echoes at most ECHO_CHARS of a path, and
    # xdist's tmp paths (…/popen-gw1/…) are longer; the whole name must appear.
    monkeypatch.chdir(tmp_path)
    marked = "profile.json"
    Path(marked).write_bytes("\ufeff{\"a\": \"是\"}".encode())
    assert read_bounded(marked) == '{"a": "是"}'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf[1]")))
    assert read_bounded("-") == "[1]"
    with pytest.raises(CalcError) as error:
        read_bounded(marked, limit=8)
    assert error.value.code == "error.file_too_large"
    assert f"the file {marked} is too large" in error.value.en
    assert f"文件 {marked} 过大" in error.value.zh


@pytest.mark.parametrize(("limit", "en", "zh"), [
    (8, "over 8 bytes", "超过 8 字节"), (1500, "over 1500 bytes", "超过 1500 字节"),
    (2048, "over 2 KB", "超过 2 KB"), (MAX_FILE_BYTES, f"over {MAX_FILE_BYTES // 1024} KB",
                                       f"超过 {MAX_FILE_BYTES // 1024} KB")])
def test_a_file_over_its_limit_is_refused_naming_the_limit_truthfully(
        tmp_path, monkeypatch, limit, en, zh):
    """A limit below 1 KB (or not a whole number of KB) is not rounded down: "over 0 KB" for a
    limit of 8 bytes told the reader nothing true. A file of exactly the limit is read."""
    from calc.inputs import read_bounded

    monkeypatch.chdir(tmp_path)
    Path("fits.json").write_bytes(b"1" * limit)
    assert len(read_bounded("fits.json", limit=limit)) == limit
    Path("over.json").write_bytes(b"1" * (limit + 1))
    with pytest.raises(CalcError) as error:
        read_bounded("over.json", limit=limit)
    assert error.value.code == "error.file_too_large"
    assert en in error.value.en and zh in error.value.zh
    assert " 0 KB" not in error.value.en
