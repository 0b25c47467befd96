"""Helpers of the site suite. The ``site`` fixture (tests/conftest.py) is the real data's site,
built once per run (a real ``mkdocs build --strict`` in a subprocess); other builds
(``build``) use a copy of the data, changed the way an editor would."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from tests.builds import ROOT, Build, build  # noqa: F401  (the suite imports them from here)

DATA = ROOT / "policy_data"
DOCUMENT = "qz-2025-18"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of ``policy_data/`` to change; errors name files as ``policy_data/…``."""
    target = tmp_path / "policy_data"
    shutil.copytree(DATA, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a YAML file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def text_of(html: str) -> str:
    """The visible text of a page, roughly: tags dropped, entities decoded, whitespace squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
