"""``python -m calc``: real output for real measures; bad input exits 2 without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import calc
from calc.__main__ import main
from calc.fmt import Money
from generator.data.bundle import bundle
from generator.data.load import load_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def real_rules():
    calc.use_bundle(bundle(load_all(ROOT / "policy_data")))


def test_estimate_json(capsys):
    assert main(["estimate", "3.1", "fee=６万", "--on", "2026-06-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    want = calc.estimate("3.1", {"fee": "60000"}, on="2026-06-01")
    assert (out["award"], out["city"], out["county"]) == (str(want.award), str(want.city),
                                                          str(want.county))
    assert out["upper_bound"] is False and out["eligible"] is True
    assert out["steps"][1]["ref"].startswith("三（一）")


def test_estimate_text_in_one_language(capsys):
    assert main(["estimate", "3.1", "fee=200万", "--on", "2026-06-01", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    award = calc.estimate("3.1", {"fee": "2000000"}, on="2026-06-01").award
    assert f"Award: {Money(award).local('en')}" in out and "元" not in out.split("\n")[0]


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
    (["estimate", "3.1", "fee=60000", "--on", "20260601"], "invalid date 20260601"),
    (["estimate", "3.1", "fee=60000", "--on", "2026-W23-1"], "invalid date 2026-W23-1"),
    (["estimate", "3.1", "fee=10⁵", "--on", "2026-06-01"], "“⁵” is not a plain digit"),
    (["estimate", "3.1", "fee=1万20000", "--on", "2026-06-01"], "cannot tell what amount"),
    (["estimate", "3.1", "fee=+++60000", "--on", "2026-06-01"], "must be a number"),
    (["estimate", "3.1", "fee=6万", "fee=7万", "--on", "2026-06-01"],
     "the input fee is given more than once"),
    (["estimate", "3.1", "fee=6\u200b万", "--on", "2026-06-01"], "invisible character U+200B"),
])
def test_bad_input_exits_2_with_both_languages(capsys, args, fragment):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    if args != ["bogus"]:
        assert "错误" in err


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
    (want,) = [r for r in calc.assess({"enterprise_types": ["animation_game"],
                                        "has_animation_matters": "yes",
                                        "character_licensing_revenue": "4000000"},
                                       on="2026-06-01")["rows"] if r["measure"] == "7.3"]
    assert (row["status"], row["award"], row["county"]) == ("may_qualify", want["award"],
                                                            want["county"])


def test_missing_rules_bundle_is_a_clear_error(tmp_path, monkeypatch):
    import importlib

    catalog_module = importlib.import_module("calc.catalog")  # calc.catalog is also a function
    monkeypatch.setattr(catalog_module, "BUNDLE_FILE", "no-such-rules.json")
    with pytest.raises(calc.CalcError) as error:
        catalog_module.load_default()
    assert error.value.code == "error.no_rules" and "make bundle" in error.value.en


def _calc(args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m calc`` as a shell runs it (pipes and redirections included)."""
    return subprocess.run(["bash", "-c", f"{sys.executable} -m calc {args}"], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def _refused(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 2  # zh line, en line
    for fragment in fragments:
        assert fragment in proc.stderr


def test_deep_json_profile_is_refused_without_a_traceback():
    _refused(_calc("assess -", "[" * 100000), "嵌套层数过多", "nested too deeply")


def test_endless_integer_in_a_profile_is_refused():
    _refused(_calc("assess -", '{"character_licensing_revenue": ' + "9" * 5000 + "}"),
             "JSON 中的数字过长（5000 位）", "too long (5000 digits)")


def test_bad_profile_json_names_line_and_column():
    _refused(_calc("assess -", '{\n  "has_compute_rental": yes\n}'),
             "不是有效的 JSON（第 2 行", "not valid JSON (line 2")


def test_duplicate_profile_keys_are_refused_by_name(tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text('{"has_compute_rental": "yes", "has_compute_rental": "no"}')
    _refused(_calc(f"assess {profile}"), "键 has_compute_rental 出现了不止一次",
             "key has_compute_rental appears more than once")


def test_unreadable_profile_file_is_a_clear_error(tmp_path):
    _refused(_calc(f"assess {tmp_path}/missing.json"), "无法读取企业画像文件", "ENOENT")


def test_a_profile_saved_with_a_byte_order_mark_is_read(tmp_path):
    """Notepad saves UTF-8 with a BOM: the same profile, the same answer."""
    profile = json.dumps({"enterprise_types": ["animation_game"], "has_animation_matters": "yes",
                          "character_licensing_revenue": "400万"}, ensure_ascii=False)
    plain, marked = tmp_path / "plain.json", tmp_path / "marked.json"
    plain.write_text(profile, encoding="utf-8")
    marked.write_text(profile, encoding="utf-8-sig")
    assert marked.read_bytes().startswith(b"\xef\xbb\xbf")
    args = "assess {} --on 2026-06-01 --json"
    want, got = _calc(args.format(plain)), _calc(args.format(marked))
    assert want.returncode == got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
    assert _calc("assess - --on 2026-06-01 --json", "\ufeff" + profile).stdout == want.stdout


def test_an_endless_profile_is_refused_after_a_bounded_read():
    proc = subprocess.run(["bash", "-c", f"ulimit -v 1000000; {sys.executable} -m calc assess "
                           "/dev/zero"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    _refused(proc, "文件 /dev/zero 过大", "/dev/zero is too large")


def test_a_huge_unknown_field_is_not_echoed_whole():
    proc = _calc("assess -", json.dumps({"x" * 1_000_000: "1"}))
    _refused(proc, "企业画像中没有字段 xxx", "has no field xxx")
    assert len(proc.stderr) < 1000


def test_a_closed_pipe_is_not_an_error_message():
    proc = _calc("describe 7.1 --json | head -1")
    assert proc.stdout == "{\n" and proc.stderr == ""


def test_a_reader_gone_before_the_first_write_is_not_an_error_message():
    """The same as ``| head -1`` without its race: the pipe's read end is closed up front."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "calc", "describe", "7.1", "--json"],
                              stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              timeout=120)
    finally:
        os.close(write)
    assert proc.returncode == 1 and proc.stderr == ""


def test_a_full_disk_is_reported_in_both_languages():
    proc = _calc("list > /dev/full")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "无法写出结果（ENOSPC" in proc.stderr
    assert "cannot write the output (ENOSPC" in proc.stderr
    assert "Exception ignored" not in proc.stderr


def test_help_still_works():
    proc = _calc("--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout and proc.stderr == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_estimate_text_gives_english_clauses_the_alternative_and_the_hint(capsys, lang):
    (policy,) = load_all(ROOT / "policy_data")
    threshold = policy.measure("3.1").parameters["fee_threshold"].number
    fee = next(e.inputs["fee"] for e in policy.measure("3.1").examples
               if set(e.inputs) == {"fee"} and Decimal(str(e.inputs["fee"])) > threshold)
    want = calc.estimate("3.1", {"fee": fee}, on="2026-06-01")
    assert main(["estimate", "3.1", f"fee={fee}", "--on", "2026-06-01", "--lang", lang]) == 0
    out = capsys.readouterr().out
    ref = "ref_en" if lang == "en" else "ref"
    assert f"〔{want.steps[0][ref]}〕" in out
    (other,) = [a for a in want.alternatives if a["differs"]]
    assert f"  ~ {other[lang]} 〔{other['ref']}〕" in out
    below = calc.estimate("3.1", {"fee": str(threshold)}, on="2026-06-01")
    assert main(["estimate", "3.1", f"fee={threshold}", "--on", "2026-06-01",
                 "--lang", lang]) == 0
    assert f"  > {below.hints[0][lang]}" in capsys.readouterr().out
