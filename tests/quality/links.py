"""Internal link checker for the built site: every href/src that stays on the site resolves to a
built file, and every ``#anchor`` to an element id (or ``<a name>``) in the page it points to.

    python -m tests.quality.links site
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINKING = {"href", "src"}
# Schemes that leave the site or run code; off-site links are a different test's business
# (no request leaves the origin).
SKIP_SCHEMES = {"http", "https", "mailto", "tel", "javascript", "data", "blob"}


@dataclass
class Page(HTMLParser):
    """The ids a page defines and the links it makes (with the line of each)."""

    ids: set[str] = field(default_factory=set)
    links: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in LINKING and not (tag == "link" and ("rel", "preconnect") in attrs):
                self.links.append((self.getpos()[0], value))


@cache
def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def target(site: Path, page: Path, url: str) -> Path:
    """The file a relative or root-relative URL names, as a static server maps it."""
    path = unquote(urlsplit(url).path)
    base = site if path.startswith("/") else page.parent
    found = (base / path.lstrip("/")).resolve() if path else page
    return found / "index.html" if found.is_dir() or path.endswith("/") else found


def broken(site: Path) -> list[str]:
    """One line per broken internal link or anchor: ``page:line: url (why)``."""
    site = site.resolve()
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        for line, url in parse(page).links:
            parts = urlsplit(url)
            if parts.scheme in SKIP_SCHEMES or parts.netloc:
                continue
            where = f"{page.relative_to(site)}:{line}: {url}"
            file = target(site, page, url)
            if not file.is_relative_to(site):
                problems.append(f"{where} (leaves the site)")
            elif not file.is_file():
                problems.append(f"{where} (no file {file.relative_to(site)})")
            elif parts.fragment and file.suffix == ".html" and \
                    unquote(parts.fragment) not in parse(file).ids:
                problems.append(f"{where} (no id {parts.fragment!r})")
    return problems


def main() -> int:
    problems = broken(Path(sys.argv[1] if len(sys.argv) > 1 else "site"))
    print("\n".join(problems) or "no broken internal link")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
