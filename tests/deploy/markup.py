"""Markup in a built page that would run or restyle it outside the site's own files: inline
scripts (JSON data blocks are fine), style elements and attributes, event-handler attributes,
and the hostile-data payload's image. The CSP test and the hostile-data test both scan with it."""

from __future__ import annotations

from html.parser import HTMLParser


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append(f"<script {names}>")
        if tag == "style" or "style" in names:
            self.found.append(f"style on <{tag}>")
        if tag == "img" and names.get("src") == "x":
            self.found.append(f"<img {names}>")
        self.found += [f"{name} on <{tag}>" for name in names if name.startswith("on")]


def active_markup(html: str) -> list[str]:
    """Each offending element or attribute of ``html``, described."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found
