"""Hostile inputs shared by the CLI, Python API and browser suites: each must be refused with its
own clear message, never a traceback and never a number."""

from __future__ import annotations

# (what is typed into the 3.1 fee field, the error code it must give)
AMOUNTS: list[tuple[str, str]] = [
    ("NaN", "error.not_number"), ("nan", "error.not_number"), ("sNaN", "error.not_number"),
    ("-NaN", "error.negative"), ("Infinity", "error.not_number"), ("inf", "error.not_number"),
    ("-Infinity", "error.negative"), ("+Infinity", "error.not_number"), ("∞", "error.not_number"),
    ("1e6", "error.not_number"), ("1E6", "error.not_number"), ("1e999999", "error.not_number"),
    ("1e-7", "error.not_number"), ("9" * 5000, "error.too_long"),
    ("1" + "0" * 64, "error.too_long"),
    ("-1", "error.negative"), ("-0.01", "error.negative"), ("−100", "error.negative"),
    ("－100", "error.negative"), ("‐100", "error.negative"), ("–100", "error.negative"),
    ("负100", "error.negative"), ("", "error.empty"), (" ", "error.empty"),
    ("\t\n", "error.empty"), ("　", "error.empty"), ("元", "error.empty"),
    ("1。5", "error.ideographic_point"), ("１。５万", "error.ideographic_point"),
    ("0.001", "error.too_many_decimals"), ("1.005", "error.too_many_decimals"),
    ("0.0000001万", "error.too_many_decimals"), ("2000亿", "error.too_large"),
    ("100000000000.01", "error.too_large"), ("1000000000000", "error.too_large"),
    ("万", "error.not_number"), ("亿", "error.not_number"), ("万亿", "error.not_number"),
    ("5万亿", "error.not_number"), ("5万5万", "error.not_number"), ("5亿5亿", "error.not_number"),
    ("5万3亿", "error.not_number"), ("万5", "error.not_number"), ("1.2.3", "error.not_number"),
    ("1,23", "error.not_number"), ("1,2345", "error.not_number"), (",100", "error.not_number"),
    ("100,", "error.not_number"), ("0x1F", "error.not_number"), ("1_000", "error.not_number"),
    ("１２ab", "error.not_number"), ("abc", "error.not_number"), ("五万", "error.not_number"),
    ("<script>alert(1)</script>", "error.not_number"), ("<img src=x onerror=alert(1)>",
                                                         "error.not_number"),
    ("'; DROP TABLE x; --", "error.not_number"), ("{{7*7}}", "error.not_number"),
    ("${7*7}", "error.not_number"), ("__import__('os')", "error.not_number"),
    ("1/0", "error.not_number"), ("(1)", "error.not_number"), ("1 2", "error.not_number"),
    ("null", "error.not_number"), ("None", "error.not_number"), ("true", "error.not_number"),
    ("%", "error.not_number"), ("30%", "error.not_number"),
]

# (what is given as the as-of date, the error code)
DATES: list[tuple[str, str]] = [
    ("2026-02-30", "error.bad_date"), ("2026-13-01", "error.bad_date"),
    ("2026-00-10", "error.bad_date"), ("26-06-01", "error.bad_date"),
    ("2026/06/01", "error.bad_date"), ("tomorrow", "error.bad_date"),
    ("<b>2026</b>", "error.bad_date"), ("2030-01-01", "error.expired"),
    ("2026-01-31", "error.not_yet"), ("1970-01-01", "error.not_yet"),
]
