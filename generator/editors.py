"""A real error report for the editors' page: the loader run on a deliberately broken copy.

The page then shows exactly what an editor will see, and cannot drift from the loader's wording.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from .load import DataError, load_all
from .model import Policy


def broken_example(data_root: Path, policy: Policy) -> str:
    """The report for one measure with a mistyped value and an unknown key ("" if not possible)."""
    source = data_root / policy.document.id
    if not policy.measures or not (source / "document.yaml").is_file():
        return ""
    measure = policy.measures[0]
    with tempfile.TemporaryDirectory(prefix="qz-editors-") as tmp:
        folder = Path(tmp) / "policy_data" / policy.document.id
        (folder / "measures").mkdir(parents=True)
        for name in ("document.yaml", "glossary.yaml"):
            shutil.copy(source / name, folder / name)
        text = (source / "measures" / f"{measure.id}.yaml").read_text(encoding="utf-8")
        text = re.sub(r"^funding: (\w+)", r"funding: \1x", text, count=1, flags=re.M)
        text = text.rstrip("\n") + "\nsumary:\n  zh: 拼错的字段\n  en: a misspelt key\n"
        (folder / "measures" / f"{measure.id}.yaml").write_text(text, encoding="utf-8")
        try:
            load_all(folder.parent)
        except DataError as error:
            return error.report()
    return ""
