"""One bad-data fixture per validation error, each asserting the file, line, field and message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.data.load import DataError, load_all

from .edited import problems_after

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "policy_data" / "qz-2025-18"

MEASURE = """\
id: "9.1"
chapter: "1"
clause:
  zh: 一（一）
  en: Article 1(1)
title:
  zh: 测试措施
  en: Test measure
text:
  zh: 对项目按投资额的 30% 给予补助，最高不超过 20 万元。
  en: 30% of the investment, at most CNY 200,000.
summary:
  zh: 摘要
  en: Summary
beneficiary:
  zh: 企业
  en: Enterprises
eligibility:
  - zh: 条件
    en: Condition
departments: [data_bureau]
parameters:
  rate:
    value: 30%
    ref: 一（一）“按投资额的 30% 给予补助”
  cap:
    value: 200000
    ref: 一（一）“最高不超过 20 万元”
funding: shared
funding_ref: 九（二）
parts:
  - id: main
    title:
      zh: 补助
      en: Subsidy
    bound: exact
    rule:
      kind: cap
      max: cap
      scope:
        zh: 每个项目
        en: per project
      ref: 一（一）“最高不超过 20 万元”
      ref_en: Art. 1(1) “at most CNY 200,000”
      of:
        kind: rate
        base: investment
        rate: rate
        ref: 一（一）
        ref_en: Art. 1(1)
inputs:
  - name: investment
    type: money
    unit: yuan
    label:
      zh: 投资额
      en: Investment
    help:
      zh: 项目投资
      en: Project investment
examples:
  - name:
      zh: 投资 {in.investment}得 {out.award}
      en: An investment of {in.investment:bare} earns {out.award:bare}
    on: 2026-06-01
    inputs: {investment: "100000"}
    expect: {award: "30000.00", city: "15000.00", county: "15000.00"}
"""


def make_data(tmp_path: Path, measure: str = MEASURE) -> Path:
    root = tmp_path / "policy_data"
    folder = root / "qz-2025-18"
    (folder / "measures").mkdir(parents=True)
    shutil.copy(REAL / "document.yaml", folder / "document.yaml")
    (folder / "glossary.yaml").write_text("terms: []\n", encoding="utf-8")
    (folder / "measures" / "9.1.yaml").write_text(measure, encoding="utf-8")
    return root


def problems(tmp_path: Path, old: str, new: str) -> list[str]:
    assert old in MEASURE, old
    with pytest.raises(DataError) as error:
        load_all(make_data(tmp_path, MEASURE.replace(old, new, 1)))
    return [str(p) for p in error.value.problems]


def line_of(text: str) -> int:
    return MEASURE.index(text) and MEASURE[: MEASURE.index(text)].count("\n") + 1


def test_the_fixture_itself_is_valid(tmp_path):
    (policy,) = load_all(make_data(tmp_path))
    assert policy.measures[0].parts[0].rule.max == 200000  # type: ignore[union-attr]


def test_unknown_key(tmp_path):
    (found,) = problems(tmp_path, "funding: shared", "funding: shared\nfundng_note: x")
    line = line_of("funding: shared") + 1
    assert found.startswith(f"policy_data/qz-2025-18/measures/9.1.yaml:{line}:1: "
                            "fundng_note: unknown field (a typo?)")
    assert "未知字段" in found


def test_missing_english_text(tmp_path):
    (found,) = problems(tmp_path, "  zh: 摘要\n  en: Summary", "  zh: 摘要")
    assert f"9.1.yaml:{line_of('summary:') + 1}:" in found
    assert "summary.en: required field is missing / 缺少必填字段" in found


def test_duplicate_key(tmp_path):
    (found,) = problems(tmp_path, "funding: shared", "funding: shared\nfunding: city_only")
    assert f"9.1.yaml:{line_of('funding: shared') + 1}:1: funding: duplicate key 'funding'" in found
    assert "重复的键" in found


def test_float_money(tmp_path):
    (found,) = problems(tmp_path, "value: 200000", "value: 200000.0")
    assert f"9.1.yaml:{line_of('value: 200000')}:" in found
    assert "parameters.cap.value: float money 200000.0" in found
    assert "金额不能写成小数形式" in found


def test_money_with_unit_words(tmp_path):
    (found,) = problems(tmp_path, "value: 200000", "value: 20万")
    assert "parameters.cap.value: expected an amount in yuan, got '20万'" in found


def test_a_figure_typed_in_a_rule(tmp_path):
    (found,) = problems(tmp_path, "      max: cap", "      max: 200000")
    assert f"9.1.yaml:{line_of('      max: cap')}:" in found
    assert "parts[0].rule.max: the figure 200000 must be a named parameter" in found
    assert "须写成命名参数" in found


def test_an_undefined_parameter(tmp_path):
    (found,) = problems(tmp_path, "      max: cap", "      max: cpa")
    assert "parts[0].rule.max: undefined parameter 'cpa'" in found


def test_a_reference_to_nothing_in_prose(tmp_path):
    (found,) = problems(tmp_path, "  zh: 摘要", "  zh: 摘要 {capp}")
    assert f"9.1.yaml:{line_of('  zh: 摘要')}:" in found
    assert "summary.zh: unknown reference {capp}" in found


def test_a_value_that_is_not_in_the_clause(tmp_path):
    zh, en = problems(tmp_path, "value: 200000", "value: 250000")
    for found in (zh, en):
        assert f"9.1.yaml:{line_of('value: 200000')}:" in found
    assert "parameter cap = 250000 disagrees with the clause it cites" in zh
    assert f"line {line_of('text:') + 1}" in zh and "与所引条文不符" in zh
    assert f"is not in the English clause text (line {line_of('text:') + 2})" in en


def test_malformed_date(tmp_path):
    (found,) = problems(tmp_path, "on: 2026-06-01", "on: 2026-02-30")
    assert f"9.1.yaml:{line_of('on: 2026-06-01')}:" in found
    assert "examples[0].on: invalid date '2026-02-30', expected YYYY-MM-DD" in found


def test_reference_to_undefined_input(tmp_path):
    (found,) = problems(tmp_path, "base: investment", "base: invesment")
    assert f"9.1.yaml:{line_of('base: investment')}:" in found
    assert "parts[0].rule.of.base: refers to undefined input 'invesment'" in found


def test_unknown_rule_kind(tmp_path):
    (found,) = problems(tmp_path, "kind: rate", "kind: percentage")
    assert "parts[0].rule.of: unknown rule kind" in found


def test_bad_rate(tmp_path):
    (found,) = problems(tmp_path, "value: 30%", "value: 300%")
    assert "parameters.rate.value: expected a rate such as 10% or 0.10, got '300%'" in found


def test_yaml_syntax_error(tmp_path):
    (found,) = problems(tmp_path, "funding: shared", "funding: [shared")
    assert "9.1.yaml:" in found and "(syntax): YAML syntax error" in found


def test_example_that_calc_disagrees_with_is_reported(tmp_path):
    from generator.data import examples

    data = make_data(tmp_path, MEASURE.replace('award: "30000.00"', 'award: "30000.01"'))
    (line,) = examples.failures(load_all(data), data)
    where = f"policy_data/qz-2025-18/measures/9.1.yaml:{line_of('examples:') + 1}:5: "
    assert line.startswith(where)
    # the title shows the example's own (wrong) oracle: {out.award} renders what the YAML says
    assert "example 1 “An investment of 100,000 earns 30,000.01”: expected 30000.01/15000.00/" \
        "15000.00, computed 30000.00/15000.00/15000.00" in line
    assert "第 1 个示例“投资 10 万元得 30,000.01 元”期望 30000.01/15000.00/15000.00，" \
        "计算得 30000.00/15000.00/15000.00" in line


def test_all_errors_are_reported_at_once(tmp_path):
    found = problems(tmp_path, "funding: shared", "funding: everyone\nextra: 1")
    assert len(found) == 2
    assert any("funding: invalid value 'everyone'" in p for p in found)
    assert any("extra: unknown field" in p for p in found)


def test_file_name_must_match_id(tmp_path):
    (found,) = problems(tmp_path, 'id: "9.1"', 'id: "9.2"')
    assert "id: id 9.2 does not match the file name 9.1" in found


def test_a_reading_switch_offers_only_known_modes(tmp_path):
    (found,), _ = problems_after(tmp_path, "measures/1.5.yaml", "- value: differential",
                             "- value: biggest")
    assert "1.5.yaml:" in found and "parts[0].rule.then.mode_input: choice 'biggest' of input " \
        "'reading' is not a mode (differential/each/highest)" in found
    assert "不是计算方式" in found


def test_a_reading_switch_defaults_to_the_primary_reading(tmp_path):
    (found,), _ = problems_after(tmp_path, "measures/1.5.yaml", "    default: each\n", "")
    assert "parts[0].rule.then.mode_input: input 'reading' needs one of its choices as " \
        "default (the primary reading)" in found


# ---- hostile YAML (issue 12 §4): each a file:line message in both languages, no traceback

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def data_problems(root: Path) -> list[str]:
    with pytest.raises(DataError) as error:
        load_all(root)
    return [str(p) for p in error.value.problems]


@pytest.mark.parametrize(("name", "sign"), [("billion_laughs.yaml", "&a0"),
                                            ("self_alias.yaml", "&r")])
def test_anchors_in_the_glossary_are_refused(tmp_path, name, sign):
    root = make_data(tmp_path)
    (root / "qz-2025-18" / "glossary.yaml").write_text(fixture(name), encoding="utf-8")
    found = data_problems(root)
    assert found[0].startswith("policy_data/qz-2025-18/glossary.yaml:1:")
    assert f"YAML anchors and aliases ({sign}) are not allowed in policy data" in found[0]
    assert f"不允许使用 YAML 锚点/别名（{sign}）" in found[0]
    lines = fixture(name).count("\n")
    assert len(found) == lines  # one message per line that has an anchor or alias


def test_an_alias_in_a_measure_is_refused_at_its_line(tmp_path):
    found = problems(tmp_path, "value: 200000", "max: *cap")
    assert len(found) == 1 and f"9.1.yaml:{line_of("value: 200000")}:" in found[0]
    assert "(*cap)" in found[0] and "锚点/别名" in found[0]


# 9.1b and "9.1 copy" sort against 9.1.yaml: the old sort compared "1b" with 1 (TypeError)
@pytest.mark.parametrize("name", ["9.1b.yaml", "9.1 copy.yaml", "9.yaml", "notes.yaml"])
def test_a_measure_file_not_named_like_an_id(tmp_path, name):
    root = make_data(tmp_path)
    (root / "qz-2025-18" / "measures" / name).write_text(MEASURE, encoding="utf-8")
    (found,) = data_problems(root)
    assert found.startswith(f"policy_data/qz-2025-18/measures/{name}:1:1: (file): ")
    assert f"measure file name {name!r} is not a measure id" in found
    assert f"措施文件名 {name!r} 不是措施编号" in found


def test_measure_files_are_read_in_id_order(tmp_path):
    root = make_data(tmp_path)
    measures = root / "qz-2025-18" / "measures"
    for number in ("9.10", "9.2", "10.1"):
        (measures / f"{number}.yaml").write_text(MEASURE.replace('"9.1"', f'"{number}"', 1),
                                                 encoding="utf-8")
    (policy,) = load_all(root)
    assert [m.id for m in policy.measures] == ["9.1", "9.2", "9.10", "10.1"]


def test_an_endless_integer(tmp_path):
    (found,) = problems(tmp_path, "value: 200000", "value: " + "9" * 5000)
    assert f"9.1.yaml:{line_of("value: 200000")}:" in found
    assert ("parameters.cap.value: number too long (5000 characters) / "
            "数字过长（5000 个字符）") in found


@pytest.mark.parametrize(("old", "new"), [
    ("    value: 200000", "    value： 200000"),
    ("funding: shared", "funding：shared"),
    ("  - id: main", "  - id： main"),
    ("      kind: cap", "      kind： cap"),
])
def test_a_full_width_colon_is_named_at_its_line(tmp_path, old, new):
    (found,) = problems(tmp_path, old, new)
    column = len(new.split("：")[0]) + 1
    assert f"9.1.yaml:{line_of(old)}:{column}: " in found
    assert "full-width colon “：”" in found and "全角冒号“：”" in found


def test_yaml_syntax_errors_read_in_chinese_too(tmp_path):
    (found,) = problems(tmp_path, "funding: shared", "funding: shared\n\tfunding_ref: x")
    assert "YAML syntax error" in found and "制表符" in found


@pytest.mark.parametrize(("char", "code"), [("\x07", "U+0007"), ("\x00", "U+0000"),
                                           ("\x1b", "U+001B")])
def test_a_control_character_is_named_at_its_line_and_column(tmp_path, char, code):
    (found,) = problems(tmp_path, "  zh: 摘要", f"  zh: 摘{char}要")
    assert found.startswith(f"policy_data/qz-2025-18/measures/9.1.yaml:{line_of('  zh: 摘要')}:8: ")
    assert f"control character {code}" in found and f"控制字符 {code}" in found


@pytest.mark.parametrize("written", ["最多 {cap", "最多 {cap。", "最多 cap}", "最多 {cap:bare"])
def test_an_unclosed_reference_in_prose_is_refused(tmp_path, written):
    (found,) = problems(tmp_path, "  zh: 摘要", f"  zh: 摘要，{written}")
    assert f"9.1.yaml:{line_of('  zh: 摘要')}:" in found and "summary.zh: " in found
    assert "unmatched brace in “" in found and "花括号未配对" in found


@pytest.mark.parametrize(("old", "new", "figure"), [
    ("  zh: 摘要", "  zh: 摘要，最高 20 万元", "“20 万元”"),
    ("  en: Summary", "  en: Summary, at most CNY 200,000", "“CNY 2”"),
    ("    en: Project investment", "    en: Project investment (30%)", "“30%”"),
])
def test_a_figure_typed_into_prose_is_refused_at_its_line(tmp_path, old, new, figure):
    (found,) = problems(tmp_path, old, new)
    assert f"9.1.yaml:{line_of(old)}:" in found
    assert f"the figure {figure} is typed into prose" in found and "手写了数字" in found


def test_a_file_that_cannot_be_read_is_named_first_without_its_follow_on_errors(tmp_path):
    """The glossary refers to 3.1's parameters: with 3.1.yaml unreadable, those references are
    no mistakes of their own. A real mistake elsewhere is still reported, after the cause."""
    root = tmp_path / "policy_data"
    shutil.copytree(REAL.parent, root)
    measure = root / REAL.name / "measures" / "3.1.yaml"
    measure.write_text(measure.read_text("utf-8").replace("title:\n  zh: ", "title:\n zh: ", 1),
                       encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_all(root)
    (cause,) = [str(p) for p in error.value.problems]
    assert cause.startswith("policy_data/qz-2025-18/measures/3.1.yaml:6:5: (syntax): ")

    glossary = root / REAL.name / "glossary.yaml"
    text = glossary.read_text("utf-8")
    assert "        CMM 指" in text
    glossary.write_text(text.replace("        CMM 指", "        CMM {capp} 指", 1), "utf-8")
    with pytest.raises(DataError) as error:
        load_all(root)
    cause, other = (str(p) for p in error.value.problems)
    assert cause.startswith("policy_data/qz-2025-18/measures/3.1.yaml:6:5: (syntax): ")
    assert other.startswith("policy_data/qz-2025-18/glossary.yaml:") and "{capp}" in other


def test_the_same_problem_is_reported_once(tmp_path):
    (found,) = problems(tmp_path, "  zh: 摘要", "  zh: 摘要 {capp}，{capp}")
    assert "unknown reference {capp}" in found


def test_failed_examples_give_file_line_and_count_from_one(tmp_path):
    second = MEASURE.split("examples:\n", 1)[1].replace("30000.00", "30000.02", 1)
    data = make_data(tmp_path, MEASURE + second)
    from generator.data import examples

    (line,) = examples.failures(load_all(data), data)
    row = MEASURE.count("\n") + 1  # the second example starts right after the first
    assert line.startswith(f"policy_data/qz-2025-18/measures/9.1.yaml:{row}:5: 第 2 个示例")
    assert "/ example 2 “An investment of 100,000 earns 30,000.02”: expected 30000.02" in line


def test_check_reports_every_problem_at_once(tmp_path, capsys):
    """A syntax error in one file, a wrong reference in another and a failing worked example
    in a third all show in one run."""
    from generator.__main__ import main

    root = make_data(tmp_path)
    measures = root / "qz-2025-18" / "measures"
    (measures / "9.2.yaml").write_text(MEASURE.replace('"9.1"', '"9.2"', 1).replace(
        "value: 200000", "value： 200000"), encoding="utf-8")
    (measures / "9.3.yaml").write_text(MEASURE.replace('"9.1"', '"9.3"', 1).replace(
        "base: investment", "base: invesment"), encoding="utf-8")
    (measures / "9.4.yaml").write_text(MEASURE.replace('"9.1"', '"9.4"', 1).replace(
        'award: "30000.00"', 'award: "30000.01"'), encoding="utf-8")
    (measures / "9.5.yaml").write_text(MEASURE.replace('"9.1"', '"9.5"', 1), encoding="utf-8")
    (measures / "9.5 copy.yaml").write_text(MEASURE, encoding="utf-8")
    assert main(["check", "--data", str(root)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "the policy data has 3 error(s)" in err
    assert f"9.2.yaml:{line_of("value: 200000")}:" in err and "全角冒号" in err
    assert "9.3.yaml:" in err and "refers to undefined input 'invesment'" in err
    assert "9.5 copy.yaml:1:1: (file)" in err
    assert "9.4.yaml:" in err and "example 1" in err and "expected 30000.01" in err
    assert "9.1.yaml" not in err and "9.5.yaml" not in err


# case: (text, replacement, what the message says, the line it names)
EDITS = {"endless_int": ("value: 200000", "value: " + "9" * 5000, "number too long",
                         line_of("value: 200000")),
         "full_width": ("value: 200000", "value： 200000", "full-width colon",
                        line_of("value: 200000")),
         "failed_example": ('award: "30000.00"', 'award: "30000.01"', "example 1",
                            line_of("examples:") + 1),
         "bel": ("  zh: 摘要", "  zh: 摘\x07要", "U+0007", line_of("  zh: 摘要")),
         "nul": ("  zh: 摘要", "  zh: 摘\x00要", "U+0000", line_of("  zh: 摘要")),
         "typed_figure": ("  zh: 摘要", "  zh: 最高 20 万元", "typed into prose",
                          line_of("  zh: 摘要")),
         "unclosed": ("  zh: 摘要", "  zh: 最多 {cap", "unmatched brace", line_of("  zh: 摘要"))}


@pytest.mark.parametrize("case", ["billion_laughs", "self_alias", "bad_name", *EDITS])
def test_the_real_check_command_never_prints_a_traceback(tmp_path, case):
    root = make_data(tmp_path)
    folder = root / "qz-2025-18"
    if case == "bad_name":
        (folder / "measures" / "9.1b.yaml").write_text(MEASURE, encoding="utf-8")
    elif case in EDITS:
        old, new, _, _ = EDITS[case]
        (folder / "measures" / "9.1.yaml").write_text(MEASURE.replace(old, new),
                                                      encoding="utf-8")
    else:
        (folder / "glossary.yaml").write_text(fixture(f"{case}.yaml"), encoding="utf-8")
    # bounded memory: without the fix, billion laughs fails fast here instead of filling the box
    proc = subprocess.run(["bash", "-c", f"ulimit -v 2000000; {sys.executable} -m generator "
                           f"check --data {root}"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "policy_data/qz-2025-18/" in proc.stderr and " / " in proc.stderr
    if case in EDITS:
        line = EDITS[case][3]
        assert f"policy_data/qz-2025-18/measures/9.1.yaml:{line}:" in proc.stderr
        assert EDITS[case][2] in proc.stderr
