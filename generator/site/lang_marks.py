"""Chinese text on a page in another language carries lang="zh".

English pages quote Chinese on purpose (the document's number 泉政办规〔2025〕18号, a term such
as 揭榜挂帅, the language switch's 中文). A screen reader reads each run in the language of its
element: outside a lang="zh" element it spells the characters with an English voice, or skips
them. Each run of Chinese in the body's text, outside such an element, is wrapped in
``<span lang="zh" class="qz-zh">``; the head (the title cannot hold markup), attributes, scripts
and styles are left as they are.
"""

from __future__ import annotations

import re

MARK = '<span lang="zh" class="qz-zh">'  # a class of its own: tests tell these from quotes
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# A run: Chinese characters and punctuation, with the digits and spaces between them
# (〔2025〕18号 is one run, not five).
RUN = re.compile(rf"[{_CJK}](?:[{_CJK}\d\s:./-]*[{_CJK}])?")
_TOKEN = re.compile(
    r"(?P<raw><(?P<rawtag>script|style|textarea|template)\b.*?</(?P=rawtag)\s*>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<tag></?(?P<name>[A-Za-z][\w-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>)"
    r"|(?P<text>[^<]+)"
    r"|(?P<other><)", re.S | re.I)
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def _lang_of(attrs: str) -> str | None:
    found = _LANG.search(attrs)
    return None if found is None else next(g for g in found.groups() if g is not None)


def mark_chinese(html: str) -> str:
    """``html`` with each run of Chinese in the body's text, outside lang="zh", marked."""
    start = re.search(r"<body\b", html, re.I)
    if start is None:
        return html
    out = [html[:start.start()]]
    stack: list[tuple[str, bool]] = []  # open elements: (name, inside Chinese)
    for token in _TOKEN.finditer(html, start.start()):
        text = token.group("text")
        if text is not None and not (stack and stack[-1][1]):
            out.append(RUN.sub(lambda m: f"{MARK}{m.group(0)}</span>", text))
            continue
        out.append(token.group(0))
        name = (token.group("name") or "").lower()
        if not name or token.group("tag").endswith("/>") or name in _VOID:
            continue
        if token.group("tag").startswith("</"):
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == name:
                    del stack[depth:]
                    break
        else:
            lang = _lang_of(token.group("attrs"))
            inherited = bool(stack) and stack[-1][1]
            stack.append((name, inherited if lang is None else lang.lower().startswith("zh")))
    return "".join(out)
