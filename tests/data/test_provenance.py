"""Results that say which rules they used (issue 23), on the fictional amendment raising 3.1's
cap from a date: a share link made under the rules without the amendment (the token of the
documents it used, the figure it showed, the values it bound) opened under the rules with it
says what changed — the amending document, both figures, and the parameter, old → new, from its
date, with the amending clause; a link whose rules are unchanged, or whose token is no token,
gets no notice. The same for a self-check link. The rules are read the way a reuser reads them:
the published ``data/<document>/rules.json`` files, merged by ``read_bundles`` (and by
``python -m calc --rules``). Figures come from the data or from calc, never typed."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import calc
from calc.__main__ import main
from calc.catalog import read_bundles
from calc.parameters import values_on
from calc.provenance import SHORT, assess_changes, changes_since, parse_token, token, used
from calc.selfcheck import assess_with
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.data.open_data import INDEX, publish
from tests.documents import AMENDMENT, SUCCESSOR, data_with

ROOT = Path(__file__).resolve().parents[2]
REAL = "qz-2025-18"
MEASURE = "3.1"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``data/`` as the site publishes it for the real data and the fixtures: one rules.json
    per document, and the index with their SHA-256."""
    folder = tmp_path_factory.mktemp("published")
    policies = load_all(data_with(folder))
    return publish(folder / "site", bundle(policies), policies)


def rules_file(published: Path, document: str) -> str:
    return str(published / document / "rules.json")


def listed(published: Path) -> dict[str, dict[str, Any]]:
    """The documents ``data/index.json`` lists, by id."""
    index = json.loads((published / INDEX).read_text(encoding="utf-8"))
    return {d["id"]: d for d in index["documents"]}


def without_amendment(published: Path) -> calc.Catalog:
    """Every published document but the amendment: the site before it was published."""
    return calc.Catalog(read_bundles([rules_file(published, d) for d in listed(published)
                                      if d != AMENDMENT]))


def with_amendment(published: Path) -> calc.Catalog:
    return calc.Catalog(read_bundles([rules_file(published, d) for d in listed(published)]))


def the_change(catalog: calc.Catalog) -> dict[str, Any]:
    (change,) = catalog.docs[AMENDMENT].data["amends"]["changes"]
    assert change["measure"] == MEASURE
    return dict(change)


def amended_on(catalog: calc.Catalog) -> dt.date:
    return dt.date.fromisoformat(str(the_change(catalog)["from"]))


def far_above_both_caps(catalog: calc.Catalog) -> str:
    """A fee whose award is the cap under either rules: twice what the amended cap pays for."""
    measure = catalog.get(MEASURE)
    rate = Decimal(values_on(measure.parameters, amended_on(catalog))["rate"].value)
    return str(calc.to_fen(Decimal(str(the_change(catalog)["value"])) / rate * 2))


def share_link(catalog: calc.Catalog, fee: str, day: dt.date) -> tuple[dict[str, Any],
                                                                        calc.Estimate]:
    """What a link made on ``catalog``'s site stores (as calc.api answers it and the page
    puts it in the link), and the estimate it showed."""
    measure = catalog.get(MEASURE)
    shown = calc.estimate(MEASURE, {"fee": fee}, day, using=catalog)
    bound = {n: v.value for n, v in values_on(measure.parameters, day).items()}
    return {"rules": token(used(catalog, [measure], day)), "award": str(shown.award),
            "parameters": bound}, shown


# ---------------------------------------------------------------- an estimate's link


def reopened(made: calc.Catalog, opened: calc.Catalog, after: calc.Catalog) -> tuple[
        dt.date, dict[str, Any], calc.Estimate, calc.Estimate]:
    """A link made on ``made``'s site 30 days after the amendment's date, for a fee above both
    caps, and opened on ``opened``'s: the day, what it stores, what it showed, what it shows."""
    day = amended_on(after) + dt.timedelta(days=30)
    fee = far_above_both_caps(after)
    stored, then = share_link(made, fee, day)
    return day, stored, then, calc.estimate(MEASURE, {"fee": fee}, day, using=opened)


def test_a_link_made_before_the_amendment_names_what_changed(published: Path) -> None:
    before, after = without_amendment(published), with_amendment(published)
    change = the_change(after)
    day, stored, then, now = reopened(before, after, after)
    assert now.award != then.award  # the fixture's premise: the amendment changes this figure

    notice = changes_since(after, stored, after.get(MEASURE), day, now.award)
    assert notice is not None
    (document,) = notice["documents"]  # the real document is as it was: only the new one
    amending = after.docs[AMENDMENT]
    assert (document["document"], document["number"]) == (AMENDMENT, amending.number)
    assert document["sha256"] == listed(published)[AMENDMENT]["sha256"]
    assert (notice["stored_award"], notice["award"]) == (str(then.award), str(now.award))
    for lang in ("zh", "en"):
        for award in (then.award, now.award):
            assert calc.Money(award).local(lang) in notice[lang]

    (parameter,) = notice["parameters"]
    name = str(change["parameter"])
    old, new = stored["parameters"][name], str(change["value"])
    assert (parameter["name"], Decimal(parameter["old"]), Decimal(parameter["new"])) == (
        name, Decimal(old), Decimal(new))
    assert (parameter["from"], parameter["document"]) == (change["from"], AMENDMENT)
    assert change["ref"] in parameter["ref"] and amending.number in parameter["ref"]
    assert change["ref_en"] in parameter["ref_en"]
    for lang, ref in (("zh", change["ref"]), ("en", change["ref_en"])):
        sentence = parameter[lang]
        assert name in sentence and ref in sentence and amending.number in sentence
        was, becomes = (calc.Amount(Decimal(v)).local(lang) for v in (old, new))
        assert was in sentence and sentence.index(was) < sentence.index(becomes)  # old → new
        assert calc.Day(amended_on(after)).local(lang) in sentence


def test_a_link_whose_rules_did_not_change_gets_no_notice(published: Path) -> None:
    before, after = without_amendment(published), with_amendment(published)
    fee = far_above_both_caps(after)
    later = amended_on(after) + dt.timedelta(days=30)
    stored, shown = share_link(after, fee, later)
    assert changes_since(after, stored, after.get(MEASURE), later, shown.award) is None
    # a day before the amendment's date the same documents apply as before it was published
    earlier = amended_on(after) - dt.timedelta(days=1)
    stored, shown = share_link(before, fee, earlier)
    assert changes_since(after, stored, after.get(MEASURE), earlier, shown.award) is None


def test_a_link_made_under_an_amendment_since_withdrawn_cites_the_measures_own_clause(
        published: Path) -> None:
    before, after = without_amendment(published), with_amendment(published)
    change = the_change(after)
    day, stored, then, now = reopened(after, before, after)
    notice = changes_since(before, stored, before.get(MEASURE), day, now.award)
    assert notice is not None and notice["documents"] == []  # nothing new: one went away
    assert (notice["stored_award"], notice["award"]) == (str(then.award), str(now.award))
    assert then.award != now.award
    (parameter,) = notice["parameters"]
    own = before.get(MEASURE).data["parameters"][change["parameter"]]
    assert (parameter["old"], parameter["document"]) == (str(change["value"]), REAL)
    assert parameter["from"] is None and parameter["ref"] == parameter["ref_en"] == own["ref"]
    assert Decimal(parameter["new"]) == Decimal(
        before.get(MEASURE).parameters[change["parameter"]][0].value)


@pytest.mark.parametrize("rules", [None, "", 42, "qz-2025-18", "qz-2025-18:XYZ",
                                   "qz-2025-18:0123456789abcdef", "Qz:01234567",
                                   "qz-2025-18:01234567,,x:01234567"])
def test_a_token_that_is_no_token_is_ignored(published: Path, rules: Any) -> None:
    before, after = without_amendment(published), with_amendment(published)
    day = amended_on(after) + dt.timedelta(days=30)
    stored, shown = share_link(before, far_above_both_caps(after), day)
    assert parse_token(rules) is None
    assert changes_since(after, {**stored, "rules": rules}, after.get(MEASURE), day,
                         shown.award) is None


def test_a_token_names_each_document_by_the_start_of_its_published_hash(
        published: Path) -> None:
    after = with_amendment(published)
    day = amended_on(after)
    documents = used(after, [after.get(MEASURE)], day)
    hashes = {d: listed(published)[d]["sha256"][:SHORT] for d in (REAL, AMENDMENT)}
    assert parse_token(token(documents)) == hashes
    assert [d["document"] for d in used(after, [after.get(MEASURE)],
                                        day - dt.timedelta(days=1))] == [REAL]


def test_a_link_without_a_figure_or_values_still_says_the_rules_changed(
        published: Path) -> None:
    before, after = without_amendment(published), with_amendment(published)
    day = amended_on(after) + dt.timedelta(days=30)
    stored, _ = share_link(before, far_above_both_caps(after), day)
    now = calc.estimate(MEASURE, {"fee": far_above_both_caps(after)}, day, using=after)
    assert changes_since(after, [stored], after.get(MEASURE), day, now.award) is None
    notice = changes_since(after, {"rules": stored["rules"], "award": "NaN",
                                   "parameters": "x"}, after.get(MEASURE), day, now.award)
    assert notice is not None and notice["stored_award"] is None
    assert notice["parameters"] == []  # no stored values: nothing to compare, nothing invented
    assert [d["document"] for d in notice["documents"]] == [AMENDMENT]
    assert calc.Money(now.award).local("en") in notice["en"]


# ---------------------------------------------------------------- a self-check's link


def _checked(catalog: calc.Catalog, report: dict[str, Any]) -> list[calc.MeasureRules]:
    return [catalog.get(row["key"]) for row in report["rows"]]


def test_a_self_check_link_made_before_the_amendment_names_what_changed(
        published: Path) -> None:
    before, after = without_amendment(published), with_amendment(published)
    change = the_change(after)
    day = amended_on(after) + dt.timedelta(days=30)
    profile = {"has_compute_rental": "yes", "compute_fee": far_above_both_caps(after)}
    then = assess_with(before, profile, day)
    stored = {"rules": token(used(before, _checked(before, then), day)),
              "totals": then["totals"]}
    now = assess_with(after, profile, day)
    assert now["totals"] != then["totals"]

    notice = assess_changes(after, stored, _checked(after, now), day, now["totals"])
    assert notice is not None
    assert [d["document"] for d in notice["documents"]] == [AMENDMENT]
    assert (notice["stored_totals"], notice["totals"]) == (then["totals"], now["totals"])
    (parameter,) = notice["parameters"]
    name = str(change["parameter"])
    original = after.get(MEASURE).parameters[name][0].value
    assert (parameter["measure"], parameter["name"]) == (MEASURE, name)
    assert (Decimal(parameter["old"]), Decimal(parameter["new"])) == (
        Decimal(original), Decimal(str(change["value"])))
    assert parameter["document"] == AMENDMENT and change["ref_en"] in parameter["en"]
    for lang in ("zh", "en"):
        for totals in (then["totals"], now["totals"]):
            assert calc.Money(Decimal(totals["entitlements"])).local(lang) in notice[lang]

    unchanged = {"rules": token(used(after, _checked(after, now), day)),
                 "totals": now["totals"]}
    for same in (unchanged, {**stored, "rules": "no token"}, "not a link"):
        assert assess_changes(after, same, _checked(after, now), day, now["totals"]) is None


# ---------------------------------------------------------------- published rules files


def test_published_files_merge_into_one_bundle_each_document_once(published: Path) -> None:
    real, amending = rules_file(published, REAL), rules_file(published, AMENDMENT)
    merged = read_bundles([real, amending, real])
    assert merged["format"] == calc.FORMAT
    assert [d["document"]["id"] for d in merged["documents"]] == [REAL, AMENDMENT]
    catalog = calc.Catalog(merged)  # the engine reports the hashes anyone can check
    assert catalog.rules_sha256 == {d: listed(published)[d]["sha256"] for d in (REAL, AMENDMENT)}
    assert len(catalog.get(MEASURE).parameters[the_change(catalog)["parameter"]]) == 2
    whole = Path(published.parent / "whole.json")  # a whole bundle beside a document's file
    whole.write_bytes(calc.published({"format": calc.FORMAT,
                                      "documents": merged["documents"]}))
    again = read_bundles([str(whole), amending])
    assert [d["document"]["id"] for d in again["documents"]] == [REAL, AMENDMENT]


def _unreadable(folder: Path) -> dict[str, tuple[str, str]]:
    """Rules files no one can use, by name: (what is in it, the reason the error gives)."""
    (folder / "folder.json").mkdir()
    (folder / "latin1.json").write_bytes("{\"documents\": [\"é\"]}".encode("latin-1"))
    (folder / "broken.json").write_text("{\"documents\": [", encoding="utf-8")
    (folder / "list.json").write_text("[]", encoding="utf-8")
    (folder / "no-documents.json").write_text("{\"documents\": {}}", encoding="utf-8")
    return {"missing.json": "FileNotFoundError", "folder.json": "IsADirectoryError",
            "latin1.json": "UnicodeDecodeError", "broken.json": "JSONDecodeError",
            "list.json": "documents", "no-documents.json": "documents"}


def test_an_unusable_rules_file_is_refused_by_name_in_both_languages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, published: Path) -> None:
    monkeypatch.chdir(tmp_path)  # short names: an error echoes at most 80 characters of one
    for name, reason in _unreadable(tmp_path).items():
        with pytest.raises(calc.CalcError) as error:
            read_bundles([rules_file(published, REAL), name])
        assert error.value.code == "error.read_rules"
        assert f"cannot read the rules file {name} ({reason})" in error.value.en
        assert f"无法读取规则文件 {name}（{reason}）" in error.value.zh


# ---------------------------------------------------------------- python -m calc --rules


@pytest.fixture
def own_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--rules`` replaces the rules calc computes with: put back this worker's afterwards."""
    monkeypatch.setattr(calc, "_catalog", calc._catalog)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_command_line_computes_with_the_published_files_given(
        published: Path, capsys: pytest.CaptureFixture[str], own_rules: None,
        lang: str) -> None:
    after = with_amendment(published)
    fee = far_above_both_caps(after)
    files = ["--rules", rules_file(published, REAL), "--rules", rules_file(published, AMENDMENT)]
    amending = after.docs[AMENDMENT]
    shown = {}
    for day in (amended_on(after) - dt.timedelta(days=1), amended_on(after)):
        # name=value after the options, as an editor types it
        assert main([*files, "estimate", MEASURE, "--on", day.isoformat(), "--lang", lang,
                     f"fee={fee}"]) == 0
        out = capsys.readouterr().out
        award = calc.estimate(MEASURE, {"fee": fee}, day, using=after).award
        assert calc.Money(award).local(lang) in out.splitlines()[0]
        shown[day] = out
    earlier, later = shown.values()
    applied = calc.STRINGS["print.documents"][lang]  # only when an amendment applies
    assert applied not in earlier and amending.number not in earlier
    (line,) = [row for row in later.splitlines() if row.startswith(applied)]
    for document in (after.docs[REAL], amending):
        assert document.number in line and document.title.local(lang) in line


def test_the_command_line_lists_and_describes_the_measures_of_the_files_given(
        published: Path, capsys: pytest.CaptureFixture[str], own_rules: None) -> None:
    """The successor's file alone: its measures, not the packaged document's."""
    files = ["--rules", rules_file(published, SUCCESSOR)]
    catalog = calc.Catalog(read_bundles(files[1:]))
    (key,) = catalog.ids()
    measure = catalog.get(key)
    title = measure.data["title"]
    assert main([*files, "list"]) == 0
    (row,) = capsys.readouterr().out.splitlines()
    assert row.split()[:2] == [key, measure.end.isoformat()]
    assert f"{title['zh']} / {title['en']}" in row
    assert main([*files, "describe", key]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{key} {title['zh']} / {title['en']}"
    inputs = measure.data["inputs"]
    assert len(lines) == 1 + len(inputs)
    for item, line in zip(inputs, lines[1:], strict=True):
        assert line.startswith(f"  {item['name']} ({item['type']}")
        assert f"{item['label']['zh']} / {item['label']['en']}" in line


def test_an_unusable_rules_file_on_the_command_line_exits_2_in_both_languages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        own_rules: None) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert main(["--rules", "broken.json", "list"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert "无法读取规则文件 broken.json（JSONDecodeError）" in captured.err
    assert "cannot read the rules file broken.json (JSONDecodeError)" in captured.err


def test_a_real_process_merges_two_published_files(published: Path) -> None:
    after = with_amendment(published)
    fee = far_above_both_caps(after)
    day = amended_on(after)
    done = subprocess.run([sys.executable, "-m", "calc", "--rules", rules_file(published, REAL),
                           "--rules", rules_file(published, AMENDMENT), "estimate", MEASURE,
                           f"fee={fee}", "--on", day.isoformat(), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    want = calc.estimate(MEASURE, {"fee": fee}, day, using=after)
    assert (answer["award"], answer["city"], answer["county"]) == (
        str(want.award), str(want.city), str(want.county))
    assert Decimal(answer["award"]) == calc.to_fen(Decimal(str(the_change(after)["value"])))
