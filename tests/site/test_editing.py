"""What an editor's change does to the site: a new cap shows on the page and in the worked example;
markup in YAML text is escaped; a broken file stops the build, names itself, and leaves the
previous site as it was."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from calc.fmt import Money
from generator.data.parameters import amount_text
from tests.data.amend import amend, settle
from tests.data.test_policy import POLICY

from .conftest import DOCUMENT, Build, build, edit, text_of

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert('qz')</script>"


def measure_file(data: Path, measure_id: str) -> Path:
    return data / DOCUMENT / "measures" / f"{measure_id}.yaml"


def test_an_amended_cap_appears_everywhere_and_the_old_figure_nowhere_outside_the_law(
        data_copy: Path, tmp_path: Path, site: Build) -> None:
    """The 3.1 cap edit of issue 13, done as the law would do it (clause, translation, value):
    the page, its English twin and the home table show the new figure, and the old one is left
    only in the verbatim clause text, which is the law's own words."""
    cap = POLICY.measure("3.1").parameters["annual_cap"]
    lowered = cap.number * 5 / 6
    old = {lang: amount_text(cap.number, lang) for lang in ("zh", "en")}
    new = {lang: amount_text(lowered, lang) for lang in ("zh", "en")}
    before = text_of(site.page("measures/3.1/"))
    assert old["zh"] in before and new["zh"] not in before
    amend(measure_file(data_copy, "3.1"), "annual_cap", str(lowered))
    stale = build(tmp_path / "stale", data_copy)  # the worked examples that hit the cap disagree
    assert stale.returncode != 0 and "3.1.yaml:" in stale.output
    assert settle(data_copy, "3.1")  # the editor gives them their new results
    after = build(tmp_path / "site", data_copy)
    assert after.returncode == 0, after.output
    for lang, path in (("zh", "measures/3.1/"), ("en", "en/measures/3.1/")):
        page = after.page(path)
        head, law = page.split('<div class="qz-official">')
        outside_the_law = text_of(head + law.split("</div>", 1)[1])
        assert new[lang] in outside_the_law, lang
        # as a policy figure: "CNY 300,000.00" can still be a computed step (30% of 1,000,000)
        assert not re.search(re.escape(old[lang]) + r"(?![.,]?\d)", outside_the_law), lang
    zh = after.page("measures/3.1/")
    facts = text_of(zh.split('class="qz-most">')[1].split("</td>")[0])
    assert facts.strip() == new["zh"]
    # a worked example that hit the cap now stops at the new one (calc uses the new value)
    assert Money(lowered).local("zh") in text_of(zh.split('id="examples"')[1])
    assert new["zh"] in text_of(after.page("./"))


def test_markup_in_yaml_text_is_escaped_everywhere(data_copy: Path, tmp_path: Path) -> None:
    path = measure_file(data_copy, "3.1")
    edit(path, "  zh: 优化人工智能算力资源服务", f'  zh: "优化人工智能算力资源服务{SCRIPT}"')
    edit(path, "summary:\n  zh: ", f"summary:\n  zh: {SCRIPT}")
    edit(path, "  - zh: 使用算力资源租用服务", f"  - zh: {SCRIPT}使用算力资源租用服务")
    edit(path, "title: {zh: 算力服务费补助,", f'title: {{zh: "算力服务费补助{SCRIPT}",')
    edit(path, "      zh: 服务费 {in.fee}，按全额", f"      zh: {SCRIPT}服务费 {{in.fee}}，按全额")
    edit(data_copy / DOCUMENT / "glossary.yaml", "term: {zh: 算力,", f'term: {{zh: "算力{SCRIPT}",')
    after = build(tmp_path / "site", data_copy)
    assert after.returncode == 0, after.output
    for file in after.site.rglob("*"):
        if file.is_file() and file.suffix in {".html", ".json", ".xml"}:
            text = file.read_text(encoding="utf-8")
            assert "<script>alert" not in text, file
            assert "&amp;lt;script" not in text, file  # escaped once, not twice
    page = after.page("measures/3.1/")
    assert page.count("&lt;script&gt;alert(") >= 6
    assert "<title>3.1 优化人工智能算力资源服务&lt;script&gt;alert(" in page
    assert SCRIPT in text_of(page)  # shown as text


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("measure_id", "old", "new", "field"), [
    ("3.1", "value: 300000", "value: 300000.5", "annual_cap.value"),
    ("5.1", "funding: shared", "funding: sharde", "funding"),
    ("1.1", "departments: [", "departmnets: [", "departmnets"),
])
def test_a_broken_yaml_file_stops_the_build_names_it_and_keeps_the_old_site(
        site: Build, data_copy: Path, tmp_path: Path, measure_id: str, old: str, new: str,
        field: str) -> None:
    previous = tmp_path / "site"
    shutil.copytree(site.site, previous)
    before = digest(previous)
    edit(measure_file(data_copy, measure_id), old, new)
    broken = build(previous, data_copy)
    assert broken.returncode != 0
    assert "Traceback" not in broken.output
    assert f"policy_data/{DOCUMENT}/measures/{measure_id}.yaml:" in broken.output
    assert field in broken.output
    assert "政策数据有" in broken.output and "the policy data has" in broken.output
    assert digest(previous) == before


def test_the_editors_page_shows_a_real_error_report(site: Build) -> None:
    for path in ("for-editors/", "en/for-editors/"):
        page = text_of(site.page(path))
        assert "the policy data has 2 error(s)" in page
        assert f"policy_data/{DOCUMENT}/measures/1.1.yaml:" in page
        assert "sumary" in page and "unknown field" in page
        # the drift guard's own report: a parameter changed without its clause
        assert "disagrees with the clause it cites" in page and "与所引条文不符" in page


def test_a_worked_example_calc_refuses_fails_the_strict_build(data_copy: Path,
                                                               tmp_path: Path) -> None:
    edit(measure_file(data_copy, "3.1"), 'inputs: {fee: "60000"}', 'inputs: {fee: "6万元整"}')
    broken = build(tmp_path / "site", data_copy)
    assert broken.returncode != 0
    assert f"policy_data/{DOCUMENT}/measures/3.1.yaml:" in broken.output
    assert "6万元整" in broken.output and "cannot read" in broken.output
    assert "Traceback" not in broken.output
