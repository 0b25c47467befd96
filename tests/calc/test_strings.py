"""The one string table (calc/strings.py): every key in zh and en with the same placeholders, no
text twice, and no user-visible Chinese literal anywhere else in the code."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from calc import STRINGS

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Where Chinese may stand outside the table, and why.
ALLOWED: dict[str, set[str] | None] = {
    # Readers of what people type: the Chinese number words and units a figure may be written
    # with (万, 亿, 元, full-width digits, 是/否), recognised, never shown.
    # Readers of what people type: the Chinese number words, units and punctuation a figure or
    # an answer may be written with (万, 亿, 元, 是/否, 负, 。，、), recognised, never shown.
    "calc/inputs.py": set("万亿元是否负。，、"),
    # The ways the Chinese clause may write a figure (元, 万元, 亿元, full-width ％), matched
    # against the official text; the forms are Chinese because the clause is.
    "generator/data/parameters.py": set("万亿元％、"),
    # How a figure typed by hand into prose looks (30 万元, 5，000 元, 30％): detected, never shown.
    "generator/data/figures.py": set("万亿元，％"),
    # The full-width colon a Chinese keyboard types after a YAML key: detected, never shown.
    "generator/data/yaml_source.py": {"："},
    # Clause numbering of the official text (三（一）): parsed (to link a clause, to label it
    # Art. 3(1) in English), never shown.
    "generator/site/views.py": set("一二三四五六七八九十（）"),
    "calc/fmt.py": set("一二三四五六七八九十（）"),
    # The editors' page shows a misspelt key as the build reports it: the example is content.
    "generator/site/editors.py": set("拼错的字段"),
    # The build's workload exercises calc's reading of Chinese number forms in the browser.
    "web/build/calc_workload.py": set("１万"),
}
SOURCES = ("calc", "generator", "web", "scripts")
JS_STRING = re.compile(r"""(["'`])(?:\\.|(?!\1)[^\\])*\1""")
JS_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_zh_and_en_with_the_same_placeholders() -> None:
    for key, texts in STRINGS.items():
        assert set(texts) == {"zh", "en"}, key
        assert texts["zh"].strip() and texts["en"].strip(), key
        assert fields(texts["zh"]) <= fields(texts["en"]) | {"numeral"}, key
        assert fields(texts["en"]) <= fields(texts["zh"]) | {"id"}, key


def test_no_two_keys_say_the_same_in_both_languages() -> None:
    seen: dict[tuple[str, str], str] = {}
    twice = []
    for key, texts in STRINGS.items():
        pair = (texts["zh"], texts["en"])
        if pair in seen:
            twice.append((seen[pair], key))
        seen.setdefault(pair, key)
    assert not twice


def _python_literals(path: Path) -> list[tuple[int, str]]:
    """String literals of a module that are not docstrings, with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            docstrings.add(id(node.body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def _js_literals(path: Path) -> list[tuple[int, str]]:
    text = JS_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), path.read_text(encoding="utf-8"))
    return [(text.count("\n", 0, m.start()) + 1, m.group()) for m in JS_STRING.finditer(text)]


def chinese_outside_the_table() -> list[str]:
    found = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "calc/strings.py" or "node_modules" in rel or not path.is_file():
                continue
            if path.suffix == ".py":
                literals = _python_literals(path)
            elif path.suffix in {".js", ".mjs"}:
                literals = _js_literals(path)
            elif path.suffix in {".html", ".md"} and "templates" in path.parts:
                # Templates: words come from say()/ui[...]; Jinja comments may explain in Chinese.
                text = re.sub(r"\{##.*?##\}", "", path.read_text(encoding="utf-8"), flags=re.S)
                literals = [(n, line) for n, line in enumerate(text.splitlines(), 1)]
            else:
                continue
            allowed = ALLOWED.get(rel, set())
            for line, literal in literals:
                chars = set(CJK.findall(literal))
                if chars and allowed is not None and not chars <= allowed:
                    found.append(f"{rel}:{line}: {literal[:60]!r}")
    return found


def test_no_user_visible_chinese_lives_outside_the_table() -> None:
    assert chinese_outside_the_table() == []
