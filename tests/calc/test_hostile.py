"""The hostile-input table through the Python API, the JSON API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import calc
from calc.__main__ import main
from calc.api import handle
from generator.data.bundle import bundle
from generator.data.load import load_all

from ..hostile import AMOUNTS, DATES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="module")
def real_rules():
    calc.use_bundle(bundle(load_all(ROOT / "policy_data")))


def test_table_is_long_enough():
    assert len(AMOUNTS) + len(DATES) >= 60


@pytest.mark.parametrize(("raw", "code"), AMOUNTS)
def test_python_api(raw, code):
    with pytest.raises(calc.CalcError) as error:
        calc.estimate("3.1", {"fee": raw}, on="2026-06-01")
    assert (error.value.code, error.value.field) == (code, "fee")
    assert error.value.zh and error.value.en


@pytest.mark.parametrize(("raw", "code"), AMOUNTS)
def test_json_api(raw, code):
    answer = json.loads(handle(json.dumps({"type": "estimate", "measure": "3.1",
                                           "inputs": {"fee": raw}, "on": "2026-06-01"})))
    assert answer["ok"] is False and "result" not in answer
    assert answer["error"]["code"] == code and answer["error"]["field"] == "fee"


@pytest.mark.parametrize(("raw", "code"), AMOUNTS[::3] + DATES)
def test_cli(capsys, raw, code):
    is_date = (raw, code) in DATES
    args = ["estimate", "3.1", "fee=60000" if is_date else f"fee={raw}",
            "--on", raw if is_date else "2026-06-01"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.count("\n") == 2  # one line in zh, one in en


@pytest.mark.parametrize(("raw", "code"), DATES)
def test_dates_python_api(raw, code):
    with pytest.raises(calc.CalcError) as error:
        calc.estimate("3.1", {"fee": "60000"}, on=raw)
    assert (error.value.code, error.value.field) == (code, "on")


@pytest.mark.parametrize("request_json", [
    "", "[]", "null", '{"type": "estimate"}', '{"type": "nope"}',
    '{"type": "estimate", "measure": "3.1", "inputs": [1, 2]}', "{bad json",
])
def test_json_api_refuses_malformed_requests(request_json):
    answer = json.loads(handle(request_json))
    assert answer["ok"] is False and answer["error"]["zh"] and answer["error"]["en"]


@settings(max_examples=300, deadline=None)
@given(fee=st.text(max_size=30), received=st.text(max_size=12),
       on=st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)))
def test_fuzzed_estimate_is_an_answer_or_a_clear_refusal(fee, received, on):
    try:
        result = calc.estimate("3.1", {"fee": fee, "received": received}, on=on)
    except calc.CalcError as error:
        assert error.zh and error.en
    else:
        assert 0 <= result.award <= 300000 and result.city + result.county == result.award


def _answer(request: str) -> dict:
    answer = json.loads(handle(request))
    assert answer["ok"] is False and "result" not in answer
    assert answer["error"]["zh"] and answer["error"]["en"]
    return answer["error"]


DEEP = "[" * 100000


@pytest.mark.parametrize("request_json", [
    DEEP, '{"type": "estimate", "measure": "3.1", "inputs": {"fee": ' + DEEP,
    '{"type": "assess", "profile": {"enterprise_types": ' + DEEP,
])
def test_json_api_refuses_deep_nesting(request_json):
    error = _answer(request_json)
    assert error["code"] == "error.too_deep"
    assert "嵌套层数过多" in error["zh"] and "nested too deeply" in error["en"]


@pytest.mark.parametrize("request_json", [
    '{"type": "assess", "profile": {"character_licensing_revenue": ' + "9" * 5000 + "}}",
    '{"type": "estimate", "measure": "3.1", "inputs": {"fee": ' + "9" * 5000 + "}}",
])
def test_json_api_refuses_endless_numbers(request_json):
    error = _answer(request_json)
    assert error["code"] == "error.json_number" and "5000" in error["en"] and "5000" in error["zh"]


@pytest.mark.parametrize("request_json", ["{bad json", "", '{"type": "list",}', b"\xff\xfe{}"])
def test_bad_json_has_its_own_message(request_json):
    error = _answer(request_json)
    assert error["code"] == "error.bad_json"
    assert "name=value" not in error["en"] and "名称=值" not in error["zh"]
    assert "不是有效的 JSON" in error["zh"] and "not valid JSON" in error["en"]


@pytest.mark.parametrize("on", [False, 0, True, 20260601, [], {}, "20260601", "2026-W23-1"])
def test_json_api_on_must_be_a_date_string(on):
    request = {"type": "estimate", "measure": "3.1", "inputs": {"fee": "60000"}, "on": on}
    error = _answer(json.dumps(request))
    assert (error["code"], error["field"]) == ("error.bad_date", "on")
    error = _answer(json.dumps({"type": "assess", "profile": {}, "on": on}))
    assert error["code"] == "error.bad_date"


def test_json_api_on_absent_or_null_is_today():
    for extra in ({}, {"on": None}):
        request = {"type": "estimate", "measure": "3.1", "inputs": {"fee": "60000"}, **extra}
        answer = json.loads(handle(json.dumps(request)))
        assert answer["ok"] is True or answer["error"]["code"] in {"error.expired",
                                                                   "error.not_yet"}


def test_echoed_text_is_capped():
    name = "x" * 10_000_000
    for request in ({"type": "estimate", "measure": "3.1", "inputs": {name: "1"}},
                    {"type": "assess", "profile": {name: "1"}},
                    {"type": "estimate", "measure": name, "inputs": {}},
                    {"type": "estimate", "measure": "3.1", "inputs": {"fee": name}},
                    {"type": name}):
        answer = handle(json.dumps(request))
        assert len(answer) < 2000
        assert json.loads(answer)["ok"] is False


def test_duplicate_keys_are_refused_by_name():
    error = _answer('{"type": "assess", "profile": {"has_compute_rental": "yes", '
                    '"has_compute_rental": "no"}}')
    assert error["code"] == "error.duplicate_key" and error["field"] == "has_compute_rental"
    assert "has_compute_rental" in error["zh"] and "has_compute_rental" in error["en"]


@pytest.mark.parametrize(("request_json", "code"), [
    ('{"type": "nope"}', "error.unknown_request"), ('{"type": "estimate"}', "error.bad_request"),
    ('{"type": "describe", "measure": 3.1}', "error.bad_request"),
    ('{"type": "estimate", "measure": "3.1", "inputs": "fee=1"}', "error.bad_request"),
    ('{"type": "assess", "profile": [1]}', "error.bad_profile"),
    ('["estimate"]', "error.request_not_object"),
])
def test_malformed_requests_say_what_is_wrong(request_json, code):
    error = _answer(request_json)
    assert error["code"] == code and "name=value" not in error["en"]


@pytest.mark.parametrize("failure", [ZeroDivisionError, MemoryError, RecursionError, KeyError])
def test_handle_never_raises(monkeypatch, failure):
    import calc.api

    def broken(*args, **kwargs):
        raise failure("boom")

    monkeypatch.setattr(calc.api, "estimate", broken)
    error = _answer('{"type": "estimate", "measure": "3.1", "inputs": {}}')
    assert error["code"] in {"error.internal", "error.too_deep"}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3)).map(json.dumps)))
def test_fuzzed_requests_always_get_an_answer(request_json):
    answer = json.loads(handle(request_json))
    assert answer["ok"] is True or (answer["error"]["zh"] and answer["error"]["en"])


@pytest.mark.parametrize(("raw", "good"), [("10⁵", None), ("3万5", "35000.00"),
                                           ("1万20000", None), ("+++60000", None)])
def test_former_silent_misreads(raw, good):
    request = {"type": "estimate", "measure": "3.1", "inputs": {"fee": raw}, "on": "2026-06-01"}
    answer = json.loads(handle(json.dumps(request)))
    if good is None:
        assert answer["ok"] is False and answer["error"]["field"] == "fee"
    else:
        said = json.dumps(answer["result"]["steps"] + answer["result"]["reasons"],
                          ensure_ascii=False)
        assert "35,000.00" in said and "30,005" not in said  # the fee as the visitor meant it


def test_nesting_is_bounded_before_parsing_but_brackets_in_text_are_fine():
    from calc.inputs import MAX_DEPTH

    # the request object itself is one level
    deep = '{"type": "list", "x": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    error = _answer(deep)
    assert error["code"] == "error.too_deep" and str(MAX_DEPTH) in error["en"]
    shallow = '{"type": "list", "x": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert json.loads(handle(shallow))["ok"] is True
    request = {"type": "estimate", "measure": "3.1", "on": "2026-06-01",
               "inputs": {"fee": "[" * 40 + "\\\"{" * 8}}
    assert json.loads(handle(json.dumps(request)))["error"]["code"] == "error.not_number"


@pytest.mark.parametrize("request_json", [
    '{"type": "\\udc00"}',
    '{"type": "estimate", "measure": "\\ud800"}',
    '{"type": "estimate", "measure": "3.1", "inputs": {"\\udc00": "1"}}',
    '{"type": "estimate", "measure": "3.1", "inputs": {"fee": "6\\udc00"}}',
    '{"type": "assess", "profile": {"enterprise_types": ["\\udfff"]}}',
    '{"type": "estimate", "measure": "\udc00"}',  # the character itself, from Python
])
def test_a_lone_surrogate_is_refused_by_code_point_in_an_answer_that_encodes(request_json):
    answer = handle(request_json)
    answer.encode("utf-8")  # raised UnicodeEncodeError when the surrogate was echoed
    error = json.loads(answer)["error"]
    assert error["code"] == "error.surrogate"
    assert "U+D" in error["en"] and "U+D" in error["zh"]


def test_a_surrogate_pair_is_text_and_is_read():
    """An escaped pair (an emoji) is one character, not a lone surrogate."""
    error = _answer('{"type": "estimate", "measure": "3.1", "inputs": {"fee": "\\ud83d\\ude00"}}')
    assert error["code"] == "error.not_number"


def test_null_is_no_value():
    error = _answer('{"type": "estimate", "measure": "3.1", "inputs": {"fee": null}, '
                    '"on": "2026-06-01"}')
    assert error["code"] == "error.missing" and error["field"] == "fee"
    assert "None" not in error["en"] + error["zh"]


@pytest.mark.parametrize(("raw", "code"), [("6\u200b0000", "U+200B"), ("\ufeff60000", "U+FEFF"),
                                           ("60000\u2060", "U+2060"), ("6\u200e万", "U+200E")])
def test_an_invisible_character_in_a_value_is_named(raw, code):
    request = {"type": "estimate", "measure": "3.1", "inputs": {"fee": raw}, "on": "2026-06-01"}
    error = _answer(json.dumps(request))
    assert error["code"] == "error.invisible_char" and error["field"] == "fee"
    assert code in error["en"] and code in error["zh"]


def test_an_answer_holding_a_lone_surrogate_is_still_valid_utf8(monkeypatch):
    """Should one reach an answer after all (a str passed in from Python), it goes out as an
    escape, never as a character no encoder accepts."""
    import calc.api

    monkeypatch.setattr(calc.api, "_dispatch", lambda request: {"echo": "\udc00"})
    answer = handle('{"type": "list"}')
    answer.encode("utf-8")
    assert json.loads(answer) == {"ok": True, "result": {"echo": "\udc00"}}
