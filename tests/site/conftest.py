"""Build the site once per session (a real ``mkdocs build --strict`` in a subprocess) and give the
tests its pages; other builds use a copy of the data, changed the way an editor would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "policy_data"
DOCUMENT = "qz-2025-18"


@dataclass(frozen=True)
class Build:
    site: Path
    returncode: int
    output: str  # stdout and stderr together, as an editor sees them
    seconds: float

    def page(self, path: str) -> str:
        """The HTML of the page at a directory URL such as ``measures/3.1/`` or ``en/``."""
        return (self.site / path / "index.html").read_text(encoding="utf-8")

    def pages(self) -> set[str]:
        return {p.parent.relative_to(self.site).as_posix() + "/"
                for p in self.site.rglob("index.html")}


def build(site: Path, data: Path | None = None) -> Build:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("QZ_POLICY_DATA", None)
    if data is not None:
        env["QZ_POLICY_DATA"] = str(data)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    return Build(site, done.returncode, done.stdout + done.stderr, time.monotonic() - start)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    built = build(tmp_path_factory.mktemp("site") / "site")
    assert built.returncode == 0, built.output
    return built


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
