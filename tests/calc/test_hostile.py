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
from generator.bundle import bundle
from generator.load import load_all

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
