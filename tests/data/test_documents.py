"""Documents as data (issue 23): the fictional fixtures (tests/documents, 示例) load beside the
real document, and every editor mistake of the issue's list is refused by ``make check`` (the
real command, in a subprocess) at file:line in both languages, with no traceback — a copied
document folder included, which is refused, never dropped."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from generator.data.load import load_all
from tests.documents import ALL, AMENDMENT, COUNTY, SUCCESSOR, data_with

ROOT = Path(__file__).resolve().parents[2]
REAL = "qz-2025-18"


def test_the_fixture_documents_load_beside_the_real_one(tmp_path: Path) -> None:
    policies = load_all(data_with(tmp_path))
    assert sorted(p.document.id for p in policies) == sorted([REAL, *ALL])
    by_id = {p.document.id: p for p in policies}
    assert by_id[AMENDMENT].document.amends is not None
    assert by_id[AMENDMENT].measures == []
    assert {m.supplements.measure for m in by_id[COUNTY].measures if m.supplements} == {
        "3.1", "5.1"}
    assert [r.document for r in by_id[SUCCESSOR].document.replaces] == [REAL]
    for policy in policies:  # plainly fictional: 示例 in the number and title of each
        if policy.document.id != REAL:
            assert "示例" in policy.document.number and "示例" in policy.document.title.zh


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "check", "--data", str(root)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)


def _line(path: Path, pattern: str) -> int:
    """The line of ``path`` (1-based) where ``pattern`` (a regular expression) first matches."""
    text = path.read_text(encoding="utf-8")
    found = re.search(pattern, text, re.M)
    assert found, (pattern, path)
    return text[: found.start()].count("\n") + 1


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _copy(root: Path, folder: str, id_: str | None = None, number: str | None = None) -> Path:
    shutil.copytree(root / REAL, root / folder)
    document = root / folder / "document.yaml"
    if id_:
        _replace(document, f"id: {REAL}", f"id: {id_}")
    if number:
        _replace(document, "number: 泉政办规〔2025〕18号", f"number: {number}")
    return document


# Each mistake: how it is made in a scratch copy (real data + fixtures), and where and what
# the report says: (file, a pattern for its line, English words, Chinese words).
Mistake = Callable[[Path], tuple[Path, str, str, str]]


def copied_folder(root: Path) -> tuple[Path, str, str, str]:
    return _copy(root, "qz-2025-18-copy"), r"^id:", "duplicate document id qz-2025-18", \
        "文件编号 qz-2025-18 重复"


def copied_folder_renamed(root: Path) -> tuple[Path, str, str, str]:
    path = _copy(root, "qz-2025-18-copy", id_="qz-2025-18-copy")
    number = "泉政办规〔2025〕18号"
    return path, r"^number:", f"duplicate document number {number}", f"文号 {number} 重复"


def two_roots(root: Path) -> tuple[Path, str, str, str]:
    path = _copy(root, "qz-2026-1", id_="qz-2026-1", number="泉政办规〔2026〕1号")
    return path, r"^default:", "already has default: true", "只能有一份"


def folder_not_named_after_id(root: Path) -> tuple[Path, str, str, str]:
    shutil.move(root / AMENDMENT, root / "renamed")
    return root / "renamed" / "document.yaml", r"^id:", "name the folder after its id", \
        "文件夹须以 id 命名"


def _edit(file: str, old: str, new: str, english: str, chinese: str) -> Mistake:
    """A mistake made by one edit of ``file`` (relative to the data folder), named where the
    new text stands."""

    def make(root: Path) -> tuple[Path, str, str, str]:
        path = root / file
        _replace(path, old, new)
        return path, "^" + re.escape(new) if new.startswith(" ") else re.escape(new), \
            english, chinese

    return make


AMENDED = f"{AMENDMENT}/document.yaml"
missing_document = _edit(AMENDED, "  document: qz-2025-18", "  document: qz-2099-1",
                         "no document with id qz-2099-1", "没有编号为 qz-2099-1 的文件")
missing_parameter = _edit(AMENDED, "parameter: annual_cap", "parameter: yearly_cap",
                          "measure 3.1 has no parameter yearly_cap", "措施 3.1 没有参数 yearly_cap")
change_outside_window = _edit(AMENDED, "from: 2027-01-01", "from: 2031-01-01",
                              "outside the window of the amended document qz-2025-18",
                              "不在被修订文件 qz-2025-18 的有效期")
value_not_in_its_clause = _edit(AMENDED, "value: 400000", "value: 450000",
                                "disagrees with the clause it cites", "与所引条文不符")
missing_supplemented_measure = _edit(f"{COUNTY}/measures/1.1.yaml", 'measure: "3.1"',
                                     'measure: "3.9"', "document qz-2025-18 has no measure 3.9",
                                     "文件 qz-2025-18 中没有措施 3.9")

stacking_not_in_the_text = _edit(f"{COUNTY}/measures/1.1.yaml", "“可与市级补助累加享受”",
                                 "“可与市级补助叠加享受”", "is not in the clause text",
                                 "不在本条原文")


def yml_file(root: Path) -> tuple[Path, str, str, str]:
    path = root / REAL / "measures" / "9.9.yml"
    shutil.copy(root / REAL / "measures" / "3.1.yaml", path)
    return path, r"\A", "ends in .yml and would never be read", "以 .yml 结尾，不会被读取"


def folder_without_document(root: Path) -> tuple[Path, str, str, str]:
    (root / "drafts" / "measures").mkdir(parents=True)
    shutil.copy(root / REAL / "measures" / "3.1.yaml", root / "drafts" / "measures" / "3.1.yaml")
    return root / "drafts", "", "has no document.yaml", "中没有 document.yaml"


MISTAKES = {"copied_folder": copied_folder, "copied_folder_renamed": copied_folder_renamed,
            "two_roots": two_roots, "folder_not_named_after_id": folder_not_named_after_id,
            "missing_document": missing_document, "missing_parameter": missing_parameter,
            "change_outside_window": change_outside_window,
            "value_not_in_its_clause": value_not_in_its_clause,
            "missing_supplemented_measure": missing_supplemented_measure,
            "stacking_not_in_the_text": stacking_not_in_the_text, "yml_file": yml_file,
            "folder_without_document": folder_without_document}


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_each_editor_mistake_fails_check_at_its_line_in_both_languages(
        tmp_path: Path, mistake: Mistake) -> None:
    root = data_with(tmp_path)
    path, pattern, english, chinese = mistake(root)
    done = _check(root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    shown = path.relative_to(tmp_path).as_posix()
    line = _line(path, pattern) if pattern else 1
    found = [row for row in done.stderr.splitlines() if f"{shown}:{line}:" in row]
    assert found, done.stderr
    assert any(english in row and chinese in row for row in found), done.stderr


def test_the_real_data_and_the_fixtures_pass_check(tmp_path: Path) -> None:
    done = _check(data_with(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- an amendment in time


@pytest.fixture(scope="module")
def fixture_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rules bundle of the real data and the fixtures, as ``make bundle`` writes it."""
    folder = tmp_path_factory.mktemp("bundle")
    root = data_with(folder)
    target = folder / "rules.json"
    done = subprocess.run([sys.executable, "-m", "generator", "bundle", str(target), "--data",
                           str(root)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    return target


def _amendment(bundle_path: Path) -> tuple[dict[str, object], dict[str, object]]:
    """The amending document and its one change of 3.1, as the bundle has them."""
    import json

    data = json.loads(bundle_path.read_text(encoding="utf-8"))
    (entry,) = [d for d in data["documents"] if d["document"]["id"] == AMENDMENT]
    (change,) = entry["document"]["amends"]["changes"]
    return entry["document"], change


def test_an_estimate_cites_the_law_in_force_on_its_date(fixture_bundle: Path) -> None:
    """3.1 amended from a date: the day before, the original cap and its own clause; from that
    day, the amended cap, quoting the amending clause and naming the amending document."""
    import datetime as dt
    import json

    import calc

    catalog = calc.Catalog(json.loads(fixture_bundle.read_text(encoding="utf-8")))
    document, change = _amendment(fixture_bundle)
    measure = catalog.get("3.1")
    original = measure.parameters[str(change["parameter"])][0]
    day = dt.date.fromisoformat(str(change["from"]))
    huge = "1000000000"  # a fee far above either cap
    before = calc.estimate("3.1", {"fee": huge}, day - dt.timedelta(days=1), using=catalog)
    after = calc.estimate("3.1", {"fee": huge}, day, using=catalog)
    assert before.award == calc.to_fen(Decimal(original.value))
    assert after.award == calc.to_fen(Decimal(str(change["value"])))
    own = _citing(measure.data["parts"], str(change["parameter"]))
    assert [s for s in before.steps if s["ref"] == own]
    assert all(str(document["number"]) not in s["ref"] for s in before.steps)
    (cited,) = [s for s in after.steps if str(document["number"]) in s["ref"]]
    assert str(change["ref"]) in cited["ref"] and document["title"]["zh"] in cited["ref"]
    assert str(change["ref_en"]) in cited["ref_en"]
    assert document["title"]["en"] in cited["ref_en"]


def _citing(node: object, name: str) -> str | None:
    """The ``ref`` of the rule node whose own figure names parameter ``name``."""
    if isinstance(node, list):
        return next((r for item in node if (r := _citing(item, name))), None)
    if not isinstance(node, dict):
        return None
    if {"param": name} in node.values():
        return str(node["ref"])
    return next((r for item in node.values() if (r := _citing(item, name))), None)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_command_line_cites_the_amendment_from_its_date(fixture_bundle: Path,
                                                             lang: str) -> None:
    import datetime as dt

    import calc

    document, change = _amendment(fixture_bundle)
    day = dt.date.fromisoformat(str(change["from"]))
    shown = {}
    for on in (day - dt.timedelta(days=1), day):
        done = subprocess.run([sys.executable, "-m", "calc", "--rules", str(fixture_bundle),
                               "estimate", "3.1", "fee=1000000000", "--on", on.isoformat(),
                               "--lang", lang], capture_output=True, text=True, cwd=ROOT,
                              timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        shown[on] = done.stdout
    amended = calc.Money(Decimal(str(change["value"])))
    assert amended.local(lang) in shown[day]
    assert amended.local(lang) not in shown[day - dt.timedelta(days=1)]
    ref = change["ref"] if lang == "zh" else change["ref_en"]
    assert f"{document['number']}" in shown[day] and str(ref) in shown[day]
    assert str(document["number"]) not in shown[day - dt.timedelta(days=1)]
    applied = calc.STRINGS["print.documents"][lang]  # the documents applied, once amended
    assert applied in shown[day] and applied not in shown[day - dt.timedelta(days=1)]


def test_adding_a_document_leaves_the_root_documents_rules_and_hash_unchanged(
        tmp_path: Path) -> None:
    """A county's measure linking to a profile field the root document also defines must not
    redefine it: the root's published rules (and the hash printouts name) stay as they were."""
    import calc
    from generator.data.bundle import bundle

    alone = calc.Catalog(bundle(load_all(ROOT / "policy_data"))).rules_sha256[REAL]
    beside = calc.Catalog(bundle(load_all(data_with(tmp_path)))).rules_sha256[REAL]
    assert alone == beside


# ---------------------------------------------------------------- an amended window

EXTENSION = """\
    - measure: "8.2"
      end: {end}
      from: 2026-12-01
      ref: 二
      ref_en: Art. 2
      text:
        zh: 二、八（二）的有效期延长至 2027 年 6 月 30 日。（示例条文，虚构）
        en: 2. Article 8(2) stays in force until 30 June 2027. (Example clause, fictional)
"""


def _extended(tmp_path: Path, end: str) -> Path:
    root = data_with(tmp_path)
    path = root / AMENDMENT / "document.yaml"
    path.write_text(path.read_text(encoding="utf-8") + EXTENSION.format(end=end),
                    encoding="utf-8")
    return root


def test_an_amended_window_end_counts_from_its_date(tmp_path: Path) -> None:
    """An amendment that moves a measure's end: the estimate the day after the old end is no
    longer refused once the change applies, and the end is the one the clause states."""
    import datetime as dt

    import calc
    from generator.data.bundle import bundle

    root = _extended(tmp_path, "2027-06-30")
    catalog = calc.Catalog(bundle(load_all(root)))
    measure = catalog.get("8.2")
    ((_, first), (start, new)) = measure.window.ends
    assert measure.status(first + dt.timedelta(days=1)) in calc.IN_FORCE
    assert measure.status(new + dt.timedelta(days=1)) == "expired"
    assert measure.window.end_on(start - dt.timedelta(days=1)) == first


def test_an_amended_end_its_clause_does_not_state_fails_at_its_line(tmp_path: Path) -> None:
    root = _extended(tmp_path, "2027-07-31")
    done = _check(root)
    path = root / AMENDMENT / "document.yaml"
    line = _line(path, r"end: 2027-07-31")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{AMENDMENT}/document.yaml:{line}:" in done.stderr
    assert "the new end 2027-07-31 is not in the amending clause" in done.stderr
    assert "新的截止日 2027-07-31 未出现在修订条文" in done.stderr
