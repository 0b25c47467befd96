"""The real policy data with one edit, for tests of what the loader says about a mistake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.data.load import DataError, load_all

REAL = Path(__file__).resolve().parents[2] / "policy_data" / "qz-2025-18"


def problems_after(tmp_path: Path, path: str, old: str, new: str) -> tuple[list[str], int]:
    """The loader's problems with a copy of the real data where ``old`` (in ``path``, relative
    to the document's folder) became ``new``, and the line ``old`` stood on."""
    root = tmp_path / "policy_data"
    shutil.copytree(REAL.parent, root)
    target = root / REAL.name / path
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_all(root)
    return [str(p) for p in error.value.problems], text[: text.index(old)].count("\n") + 1
