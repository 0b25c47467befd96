"""No broken internal link or anchor in the built site, and the checker does catch them."""

from __future__ import annotations

from pathlib import Path

from .links import broken, parse


def test_built_site_has_no_broken_internal_link(built_site: Path) -> None:
    checked = sum(len(parse(p).links) for p in built_site.rglob("*.html"))
    assert checked > 1000  # the checker really read the pages
    assert broken(built_site) == []


def test_checker_finds_a_missing_page_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h2 id="top">t</h2>\n<a href="a/">ok</a> <a href="#top">ok</a>\n'
        '<a href="b/">gone</a> <a href="a/#nowhere">no anchor</a> '
        '<img src="/x.png"> <a href="https://example.org/">off-site</a>', "utf-8")
    (tmp_path / "a" / "index.html").write_text('<p id="here">x</p><a href="../#top">up</a>',
                                               "utf-8")
    assert broken(tmp_path) == [
        "index.html:3: b/ (no file b/index.html)",
        "index.html:3: a/#nowhere (no id 'nowhere')",
        "index.html:3: /x.png (no file x.png)",
    ]
