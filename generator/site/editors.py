"""A real error report for the editors' page: the loader run on a deliberately broken copy.

The page then shows exactly what an editor will see, and cannot drift from the loader's wording.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from generator.data.load import DataError, load_all
from generator.data.model import Policy


def broken_example(data_root: Path, policy: Policy) -> str:
    """The report for one measure with a mistyped value and an unknown key ("" if not possible)."""
    source = data_root / policy.document.id
    if not policy.measures or not (source / "document.yaml").is_file():
        return ""
    measure = policy.measures[0]
    with tempfile.TemporaryDirectory(prefix="qz-editors-") as tmp:
        folder = Path(tmp) / "policy_data" / policy.document.id
        # every file: prose may refer to any measure's parameters
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("profile.yaml"))
        text = (source / "measures" / f"{measure.id}.yaml").read_text(encoding="utf-8")
        text = re.sub(r"^funding: (\w+)", r"funding: \1x", text, count=1, flags=re.M)
        text = text.rstrip("\n") + "\nsumary:\n  zh: 拼错的字段\n  en: a misspelt key\n"
        (folder / "measures" / f"{measure.id}.yaml").write_text(text, encoding="utf-8")
        try:
            load_all(folder.parent)
        except DataError as error:
            return error.report()
    return ""


def unamended_example(data_root: Path, policy: Policy) -> tuple[str, str, str]:
    """(measure id, parameter name, report) for a parameter's value changed without its clause:
    the drift guard's real message ("" report if the data has no parameter)."""
    measure = next((m for m in policy.measures if m.parameters), None)
    source = data_root / policy.document.id
    if measure is None or not (source / "document.yaml").is_file():
        return "", "", ""
    name, parameter = next(iter(measure.parameters.items()))
    changed = (f"{parameter.number * 50:g}%" if parameter.is_rate
               else str(parameter.number * 2))
    with tempfile.TemporaryDirectory(prefix="qz-editors-") as tmp:
        folder = Path(tmp) / "policy_data" / policy.document.id
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("profile.yaml"))
        path = folder / "measures" / f"{measure.id}.yaml"
        text = path.read_text(encoding="utf-8")
        text = re.sub(rf"(^  {name}:\n    value: )\S+", rf"\g<1>{changed}", text, count=1,
                      flags=re.M)
        path.write_text(text, encoding="utf-8")
        try:
            load_all(folder.parent)
        except DataError as error:
            return measure.id, name, error.report()
    return measure.id, name, ""
