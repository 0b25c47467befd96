"""Build the browser runtime of the calculator: the ``calc`` wheel, the site's pyodide-lock.json,
a stdlib precompiled by Pyodide's own CPython, the core zip a page starts with (only the stdlib
modules ``calc`` was seen to import, and ``calc`` itself), and a memory snapshot with ``calc``
imported, which a page fetches after its first result, for later visits.

Every step is cached under ``.cache/qz-pyodide/`` by a hash of what it reads, so a rebuild that
changed nothing costs a few hashes; each output is written atomically (a failed step leaves no
half file) with its own key and the sha256 of every file it holds (``SHA256SUMS``), checked on
every use: an entry that does not match (damaged, or a sound step copied under another key) is a
miss, rebuilt with one warning line. The result is a
:class:`Runtime`: file names and cached paths, hashed into one directory name so the site can
serve them as immutable; :func:`install` copies them (never links: a site must not change when
the cache does). Their ``.br`` and ``.gz`` siblings come from the same pipeline as every other
file of the site (generator/serve/precompress.py), with the runtime's own settings.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


# A damaged cache entry is a miss, not a failure: its one warning line must not abort a
# `mkdocs build --strict` (which counts the warnings of mkdocs' own loggers), so it has its own.
class _Stderr(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        print(f"WARNING -  {record.getMessage()}", file=sys.stderr)  # whatever stderr is now


cache_log = logging.getLogger("qz.cache.pyodide")  # beside generator/cache_check.py's qz.cache
if not cache_log.handlers:
    cache_log.addHandler(_Stderr())
    cache_log.propagate = False

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
NODE_SCRIPT = WEB / "build" / "pyodide-build.mjs"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STDLIB = "python_stdlib.zip"  # the full stdlib, precompiled: loaded only if the core lacks a module
CORE = "calc_stdlib.zip"  # what a page starts with: calc and the stdlib modules it needs
SUMS = "SHA256SUMS"  # in every cached step's folder: its key, and each file's sha256
LOCK = "pyodide-lock.json"
SNAPSHOT = "snapshot.bin"
EPOCH = "315532800"  # 1980-01-01: wheel entries get fixed timestamps, so equal input, equal bytes
KEEP = 3  # cached versions kept per step (a snapshot is 31 MB)
IN_USE_SECONDS = 3600  # a version used this recently is never removed


class BuildError(Exception):
    """A step of the runtime build failed; the message says which and why."""


@dataclass(frozen=True)
class Inputs:
    root: Path  # the project: calc/ and node_modules/ are here
    cache: Path
    optimize: int  # 0 or 2: the stdlib .pyc optimisation level
    snapshot: bool

    @property
    def pyodide(self) -> Path:
        return self.root / "node_modules" / "pyodide"


@dataclass(frozen=True)
class Runtime:
    """What goes under ``assets/pyodide/<dirname>/``: file name → cached source file."""

    version: str
    dirname: str
    files: dict[str, Path]
    wheel: str
    snapshot: str | None
    core: str = CORE
    full: str = STDLIB
    core_integrity: str = ""  # "sha256-<base64>": the worker's fetch refuses other bytes


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:16]


def _run(step: str, command: list[str], **env: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600,
                              env={**os.environ, **env}, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"{step}: {error}") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise BuildError(f"{step} failed ({done.returncode}):\n{tail}")
    return done.stdout


def _sums(folder: Path) -> Any:
    try:
        return json.loads((folder / SUMS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _older(folder: Path) -> bool:
    """A step folder of the previous format (``SHA256SUMS`` a bare name → sha256 table, bound
    to no key): rebuilt without a warning, it is not damage."""
    sums = _sums(folder)
    return isinstance(sums, dict) and bool(sums) and all(
        isinstance(v, str) for v in sums.values()) and "files" not in sums


def _zips_sound(folder: Path, names: Iterable[str]) -> bool:
    """Every zip and wheel of the step passes its own CRC check."""
    try:
        for name in names:
            if name.endswith((".zip", ".whl")):
                with zipfile.ZipFile(folder / name) as archive:
                    if archive.testzip() is not None:
                        return False
    except (OSError, zipfile.BadZipFile, zlib.error):
        return False
    return True


def _intact(folder: Path) -> bool:
    """The folder is its key's step (``SHA256SUMS`` names it, so a sound step copied under
    another key fails) and every file the step wrote is there with the sha256 it had when it
    was written, each zip passing its CRC check."""
    sums = _sums(folder)
    if not isinstance(sums, dict) or sums.get("step") != folder.name:
        return False
    files = sums.get("files")
    try:
        return isinstance(files, dict) and bool(files) and all(
            sha256(folder / name) == digest for name, digest in files.items()) and {
            p.name for p in folder.iterdir()} == {*files, SUMS} and _zips_sound(folder, files)
    except OSError:
        return False


def _cached(cache: Path, kind: str, key: str) -> Path:
    """The folder of one cached step, verified: a folder that fails :func:`_intact` is removed
    (with one warning) so the step runs again; an intact one is marked as used now. Older
    versions of the same kind beyond ``KEEP`` go (:func:`_evict`)."""
    folder = cache / f"{kind}-{key}"
    if folder.exists() and not _intact(folder):
        if not _older(folder):
            cache_log.warning(f"qz-pyodide: cached {kind} step {folder.name} is damaged or "
                              "another key's step; rebuilding it")
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.unlink(missing_ok=True)
    elif folder.is_dir():
        with contextlib.suppress(OSError):  # evicted meanwhile (unused for an hour): built again
            os.utime(folder)
    _evict(cache, kind, folder)
    return folder


def _evict(cache: Path, kind: str, keep: Path) -> None:
    """Remove the versions of a step beyond the ``KEEP`` most recently used, but none used in
    the last ``IN_USE_SECONDS``: builds run side by side (the tests' parallel workers, an editor's
    preview beside `make site`) and another one may still be copying from it."""
    now = time.time()
    used: list[tuple[float, Path]] = []
    for path in cache.glob(f"{kind}-*"):
        with contextlib.suppress(OSError):  # removed meanwhile by another build
            used.append((path.stat().st_mtime, path))
    others = sorted((entry for entry in used if entry[1] != keep), reverse=True)
    for mtime, old in others[KEEP - 1:]:
        if now - mtime >= IN_USE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def _publish(tmp: Path, folder: Path) -> Path:
    """Record the step's key and the sha256 of each file, then move the finished step into
    place in one rename (another build may have won the race: its folder is kept if intact)."""
    files = {p.name: sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()}
    sums = {"step": folder.name, "files": files}
    (tmp / SUMS).write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    try:
        tmp.rename(folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not _intact(folder):
            raise BuildError(f"{folder}: could not be written") from None
    os.utime(folder)
    return folder


def _sources(calc_dir: Path) -> Iterable[Path]:
    for path in sorted(calc_dir.rglob("*")):
        rel = path.relative_to(calc_dir).parts
        if path.is_file() and rel[0] not in {"build", "dist"} and not any(
                p == "__pycache__" or p.endswith(".egg-info") for p in rel) and (
                path.suffix == ".py" or path.name == "pyproject.toml"):
            yield path


def build_wheel(inputs: Inputs, rules_json: str) -> Path:
    """The pure-Python ``calc`` wheel with this rules bundle inside, built by pip from a clean
    copy of ``calc/`` (so the tree gets no build/ or egg-info, and a stale rules.json is never
    packed)."""
    calc_dir = inputs.root / "calc"
    sources = list(_sources(calc_dir))
    key = _key(EPOCH, rules_json, *(f"{p.relative_to(calc_dir)}\0" for p in sources),
               *(p.read_bytes() for p in sources))
    folder = _cached(inputs.cache, "wheel", key)
    if not folder.is_dir():
        inputs.cache.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=inputs.cache))
        src = tmp / "src"
        for path in sources:
            target = src / path.relative_to(calc_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        (src / "rules.json").write_text(rules_json, encoding="utf-8")
        _run("building the calc wheel",
             [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
              "--no-build-isolation", str(src), "-w", str(tmp / "out")],
             SOURCE_DATE_EPOCH=EPOCH, PYTHONDONTWRITEBYTECODE="1")
        shutil.rmtree(src)
        for wheel in (tmp / "out").glob("*.whl"):
            wheel.rename(tmp / wheel.name)
        shutil.rmtree(tmp / "out")
        _publish(tmp, folder)
    wheels = list(folder.glob("calc-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one pure calc wheel in {folder}, found {wheels}")
    return wheels[0]


def _closure(packages: dict[str, dict[str, object]], name: str) -> set[str]:
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += [str(d) for d in packages[current].get("depends", [])]  # type: ignore[attr-defined]
    return found


def build_lock(inputs: Inputs, wheel: Path) -> Path:
    """A folder holding the wheel and the site's copy of pyodide-lock.json with it added by
    ``pyodide lockfile add-wheels`` (offline). Entries for wheels the site does not ship (the npm
    package has none) are dropped, so nothing can ask for a missing file."""
    stock = inputs.pyodide / LOCK
    key = _key(sha256(stock), sha256(wheel))
    folder = _cached(inputs.cache, "lock", key)
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=inputs.cache))
        shutil.copyfile(wheel, tmp / wheel.name)
        cli = Path(sys.executable).parent / "pyodide"
        _run("pyodide lockfile add-wheels",
             [str(cli), "lockfile", "add-wheels", "--input", str(stock), "--output",
              str(tmp / LOCK), "--base-path", str(tmp), str(tmp / wheel.name)])
        lock = json.loads((tmp / LOCK).read_text(encoding="utf-8"))
        keep = _closure(lock["packages"], "calc")
        lock["packages"] = {k: v for k, v in lock["packages"].items() if k in keep}
        (tmp / LOCK).write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n",
                                encoding="utf-8")
        _publish(tmp, folder)
    return folder


def _node(step: str, *args: str) -> str:
    node = shutil.which("node")
    if node is None:
        raise BuildError(f"{step}: Node.js is not installed (needed to run Pyodide at build time)")
    return _run(step, [node, str(NODE_SCRIPT), *args])


def _script_key() -> str:
    return _key(*(p.read_bytes() for p in sorted((WEB / "build").iterdir()) if p.is_file()))


def precompile_stdlib(inputs: Inputs, version: str) -> Path:
    """The stdlib zip as .pyc compiled inside Pyodide under Node (≈4 s, then cached)."""
    stock = inputs.pyodide / STDLIB
    key = _key(version, sha256(stock), str(inputs.optimize), _script_key())
    folder = _cached(inputs.cache, "stdlib", key)
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=inputs.cache))
        _node("precompiling the Python stdlib in Pyodide", "stdlib", str(inputs.pyodide),
              str(stock), str(tmp / STDLIB), str(inputs.optimize))
        _publish(tmp, folder)
    return folder / STDLIB


SPARSE_MAGIC = b"QZSNAP1\0"
PAGE = 4096


def sparse(raw: bytes) -> bytes:
    """The snapshot without its zero pages (19 of its 31 MB): ``magic, size, runs, 0``, then
    ``(offset, length)`` per run of non-zero pages, then the runs' bytes; all little-endian u32.
    The worker rebuilds the full memory image (web/calc-worker.js, ``unpack``): less to move
    through the browser into the worker, which is where a start spends its time."""
    zero = bytes(PAGE)
    runs: list[tuple[int, int]] = []
    start = None
    for offset in range(0, len(raw), PAGE):
        empty = raw[offset:offset + PAGE] == zero[:len(raw) - offset]
        if not empty and start is None:
            start = offset
        elif empty and start is not None:
            runs.append((start, offset - start))
            start = None
    if start is not None:
        runs.append((start, len(raw) - start))
    head = struct.pack("<8sIII", SPARSE_MAGIC, len(raw), len(runs), 0)
    table = b"".join(struct.pack("<II", offset, length) for offset, length in runs)
    return head + table + b"".join(raw[o:o + n] for o, n in runs)


def build_core(inputs: Inputs, version: str, stdlib: Path, wheel: Path, rules_json: str) -> Path:
    """The core zip: Pyodide runs ``calc`` under Node on the full precompiled stdlib (import,
    every worked example, the self-check, error answers: web/build/calc_workload.py) and keeps
    the stdlib modules that were loaded, their line tables dropped (a third of their size),
    plus ``calc`` compiled and qz_fallback, which loads anything else from the full zip (≈3 s,
    then cached)."""
    key = _key(version, sha256(stdlib), sha256(wheel), rules_json, str(inputs.optimize),
               _script_key())
    folder = _cached(inputs.cache, "core", key)
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=inputs.cache))
        rules = tmp / "rules.json"
        rules.write_text(rules_json, encoding="utf-8")
        _node("finding the stdlib modules calc needs", "core", str(inputs.pyodide), str(stdlib),
              str(wheel), str(rules), str(tmp / CORE), str(inputs.optimize))
        rules.unlink()
        _publish(tmp, folder)
    return folder / CORE


def make_snapshot(inputs: Inputs, version: str, core: Path, rules_json: str) -> Path:
    """A Pyodide memory snapshot taken on the core zip after running the whole workload
    (≈2 s, then cached), stored sparse."""
    key = _key(version, sha256(core), rules_json, _script_key(), SPARSE_MAGIC)
    folder = _cached(inputs.cache, "snapshot", key)
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=inputs.cache))
        raw = tmp / "memory.bin"
        rules = tmp / "rules.json"
        rules.write_text(rules_json, encoding="utf-8")
        _node("making the Pyodide memory snapshot", "snapshot", str(inputs.pyodide),
              str(core), str(rules), str(raw))
        (tmp / SNAPSHOT).write_bytes(sparse(raw.read_bytes()))
        raw.unlink()
        rules.unlink()
        _publish(tmp, folder)
    return folder / SNAPSHOT


def pyodide_version(inputs: Inputs) -> str:
    meta = inputs.pyodide / "package.json"
    if not meta.is_file():
        raise BuildError(f"{inputs.pyodide} is missing: run `make setup` (npm ci) first")
    return str(json.loads(meta.read_text(encoding="utf-8"))["version"])


def build_runtime(inputs: Inputs, rules_json: str) -> Runtime:
    version = pyodide_version(inputs)
    inputs.cache.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(inputs, rules_json)
    lock_dir = build_lock(inputs, wheel)
    stdlib = precompile_stdlib(inputs, version)
    core = build_core(inputs, version, stdlib, wheel, rules_json)
    files = {name: inputs.pyodide / name for name in RUNTIME_FILES}
    files |= {STDLIB: stdlib, CORE: core, LOCK: lock_dir / LOCK, wheel.name: lock_dir / wheel.name}
    if inputs.snapshot:
        files[SNAPSHOT] = make_snapshot(inputs, version, core, rules_json)
    digests = {name: sha256(path) for name, path in sorted(files.items())}
    dirname = f"{version}-{_key(*(f'{n}={d}' for n, d in digests.items()))[:10]}"
    integrity = "sha256-" + base64.b64encode(bytes.fromhex(digests[CORE])).decode()
    return Runtime(version, dirname, files, wheel.name, SNAPSHOT if inputs.snapshot else None,
                   core_integrity=integrity)


def install(files: dict[str, Path], target: Path) -> None:
    """Copy the files under ``target``: never a hard link into the cache, so damage to the cache
    cannot reach a built site (``shutil.copyfile`` lets the kernel share blocks, a reflink, where
    the filesystem can). Each file is written beside its place and renamed into it."""
    for name, source in files.items():
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(dest)
