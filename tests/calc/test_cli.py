"""``python -m calc``: real output for real measures; bad input exits 2 without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import calc
from calc.__main__ import main
from generator.bundle import bundle
from generator.load import load_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def real_rules():
    calc.use_bundle(bundle(load_all(ROOT / "policy_data")))


def test_estimate_json(capsys):
    assert main(["estimate", "3.1", "fee=６万", "--on", "2026-06-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["award"], out["city"], out["county"]) == ("18000.00", "9000.00", "9000.00")
    assert out["upper_bound"] is False and out["eligible"] is True
    assert out["steps"][1]["ref"].startswith("三（一）")


def test_estimate_text_in_one_language(capsys):
    assert main(["estimate", "3.1", "fee=200万", "--on", "2026-06-01", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Award: CNY 300,000.00" in out and "元" not in out.split("\n")[0]


def test_list_and_describe(capsys):
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id": "3.1", "end": "2029-12-31"}.items() <= rows[[r["id"] for r in rows].index(
        "3.1")].items()
    assert main(["describe", "3.1", "--json"]) == 0
    inputs = json.loads(capsys.readouterr().out)["inputs"]
    assert [i["name"] for i in inputs] == ["fee", "received"]
    assert inputs[0]["unit"] == "yuan" and inputs[0]["label"]["en"].startswith("Compute-rental")


@pytest.mark.parametrize(("args", "fragment"), [
    (["estimate", "0.0"], "there is no measure 0.0"),
    (["estimate", "3.1", "fee=NaN"], "must be a number"),
    (["estimate", "3.1", "fee=-1"], "cannot be negative"),
    (["estimate", "3.1", "fee=1e999999"], "must be a number"),
    (["estimate", "3.1", "fees=1"], "has no input named fees"),
    (["estimate", "3.1", "fee"], "expected name=value"),
    (["estimate", "3.1", "--on", "2026-02-30"], "invalid date 2026-02-30"),
    (["estimate", "3.1", "fee=60000", "--on", "2030-01-01"], "expired on 2029-12-31"),
    (["estimate", "3.1", "--on", "2026-06-01"], "Please fill in"),
    (["bogus"], "usage error"),
])
def test_bad_input_exits_2_with_both_languages(capsys, args, fragment):
    assert (main(args) if args != ["bogus"] else _exit_code(args)) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    if args != ["bogus"]:
        assert "错误" in err


def _exit_code(args):
    with pytest.raises(SystemExit) as stop:
        main(args)
    return stop.value.code


def test_real_process_never_prints_a_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "calc", "estimate", "3.1", "fee=Infinity"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and "must be a number" in proc.stderr


def test_json_api_answers_list_describe_and_assess():
    from calc.api import handle

    listed = json.loads(handle('{"type": "list"}'))["result"]
    assert [m["id"] for m in listed][:3] == ["1.1", "1.2", "1.3"]
    described = json.loads(handle('{"type": "describe", "measure": "7.3"}'))["result"]
    assert described["end"] == "2029-12-31"
    report = json.loads(handle(json.dumps({"type": "assess", "on": "2026-06-01", "profile": {
        "enterprise_types": ["animation_game"], "has_animation_matters": "yes",
        "character_licensing_revenue": "400万"}})))["result"]
    (row,) = [r for r in report["rows"] if r["measure"] == "7.3"]
    assert (row["status"], row["award"], row["county"]) == ("may_qualify", "500000.00", "0.00")


def test_missing_rules_bundle_is_a_clear_error(tmp_path, monkeypatch):
    import importlib

    catalog_module = importlib.import_module("calc.catalog")  # calc.catalog is also a function
    monkeypatch.setattr(catalog_module, "BUNDLE_FILE", "no-such-rules.json")
    with pytest.raises(calc.CalcError) as error:
        catalog_module.load_default()
    assert error.value.code == "error.no_rules" and "make bundle" in error.value.en
