"""What the qz-pyodide plugin puts in the built site: the calc wheel with the current rules, the
lock file that lists it with its sha256, the precompiled stdlib, the snapshot, compressed
siblings, and nothing that points off the site; and the cache it is built from, verified on
every use (a damaged entry is rebuilt) and copied, never linked, into the site."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
import struct
import zipfile
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest

from generator.data.bundle import bundle
from generator.runtime import pyodide_build as pb

from .calcpage import policies


def _runtime(site: Path) -> Path:
    (folder,) = list((site / "assets" / "pyodide").iterdir())
    return folder


def test_the_lock_lists_the_shipped_wheel_with_its_sha256(built_site: Path) -> None:
    runtime = _runtime(built_site)
    lock = json.loads((runtime / pb.LOCK).read_text(encoding="utf-8"))
    assert set(lock["packages"]) == {"calc"}  # nothing the site does not ship
    entry = lock["packages"]["calc"]
    wheel = runtime / entry["file_name"]
    assert entry["file_name"].endswith("-py3-none-any.whl") and "/" not in entry["file_name"]
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert entry["imports"] == ["calc"]
    assert lock["info"]["python"].startswith("3.14")


def test_the_wheel_carries_calc_and_the_current_rules(built_site: Path) -> None:
    (wheel,) = _runtime(built_site).glob("calc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        rules = json.loads(archive.read("calc/rules.json"))
    assert {"calc/__init__.py", "calc/api.py", "calc/engine.py"} <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert rules == json.loads(json.dumps(bundle(list(policies()))))


def test_the_stdlib_is_bytecode_for_the_runtime_python(built_site: Path) -> None:
    with zipfile.ZipFile(_runtime(built_site) / pb.STDLIB) as archive:
        names = archive.namelist()
        magic = archive.read("json/decoder.pyc")[:4]
    assert "json/decoder.py" not in names and "decimal.pyc" in names
    assert magic != b"\0\0\0\0"  # a CPython 3.14 magic number, checked by Pyodide at import


def test_every_runtime_file_has_the_siblings_nginx_serves(built_site: Path) -> None:
    """One pipeline (generator/serve/precompress.py): .br and .gz, nothing nginx would not
    serve (no .zst)."""
    runtime = _runtime(built_site)
    names = {path.name for path in runtime.iterdir()}
    files = {name for name in names if not name.endswith((".br", ".gz"))}
    assert not any(name.endswith(".zst") for name in names), sorted(names)
    for name in files - {next(n for n in files if n.endswith(".whl"))}:  # a wheel is deflated
        raw = (runtime / name).read_bytes()
        assert brotli.decompress((runtime / f"{name}.br").read_bytes()) == raw, name
        assert gzip.decompress((runtime / f"{name}.gz").read_bytes()) == raw, name


def test_the_page_config_gives_each_runtime_file_its_decoded_size(built_site: Path) -> None:
    """``sizes`` (the worker's progress total) names every file the worker may fetch, by name,
    with the size it counts (after HTTP decoding); siblings are not URLs and are not listed."""
    html = (built_site / "measures" / "3.1" / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="qz-calc-config">(.*?)</script>',
                      html)
    assert found is not None
    sizes = json.loads(found.group(1))["sizes"]
    runtime = _runtime(built_site)
    files = {p.name: p.stat().st_size for p in runtime.iterdir()
             if not p.name.endswith((".br", ".gz"))}
    assert sizes == files


def test_the_sparse_snapshot_restores_every_byte() -> None:
    raw = bytes(pb.PAGE * 3) + b"\1\2\3" + bytes(pb.PAGE * 2 - 3) + b"tail"
    packed = pb.sparse(raw)
    magic, size, runs, _ = struct.unpack_from("<8sIII", packed)
    assert (magic, size, runs) == (pb.SPARSE_MAGIC, len(raw), 2)
    memory = bytearray(size)
    data = 20 + runs * 8
    for i in range(runs):
        offset, length = struct.unpack_from("<II", packed, 20 + i * 8)
        memory[offset:offset + length] = packed[data:data + length]
        data += length
    assert bytes(memory) == raw and len(packed) < len(raw)


def test_the_built_snapshot_is_sparse(built_site: Path) -> None:
    assert (_runtime(built_site) / pb.SNAPSHOT).read_bytes().startswith(pb.SPARSE_MAGIC)


def test_our_files_name_no_other_site(built_site: Path) -> None:
    ours = [_runtime(built_site) / pb.LOCK, *(built_site / "assets" / "calc").glob("*.js")]
    for path in ours:
        assert "://" not in path.read_text(encoding="utf-8"), path


def _rules_json() -> str:
    """The rules bundle as the plugin passes it (generator/runtime/plugin/plugin.py, ``_rules``)."""
    return json.dumps(bundle(list(policies())), ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)


@pytest.fixture(scope="module")
def cache_copy(tmp_path_factory: pytest.TempPathFactory, built_site: Path) -> Path:
    """A copy of the steps of the project's runtime cache that the session's site build used
    (warm: every step a hit), not the whole folder, where builds of other workers come and go."""
    project = pb.Inputs(root=pb.ROOT, cache=pb.ROOT / ".cache" / "qz-pyodide", optimize=2,
                        snapshot=True)
    target = tmp_path_factory.mktemp("cache") / "qz-pyodide"
    for step in {path.parent for path in pb.build_runtime(project, _rules_json()).files.values()
                 if path.is_relative_to(project.cache)}:
        shutil.copytree(step, target / step.name)
    return target


@pytest.mark.parametrize("damaged", ["snapshot", "wheel", "stdlib", "core"])
def test_a_damaged_cache_entry_is_rebuilt_with_one_warning(
        cache_copy: Path, tmp_path: Path, damaged: str, capfd: pytest.CaptureFixture[str],
) -> None:
    inputs = pb.Inputs(root=pb.ROOT, cache=cache_copy, optimize=2, snapshot=True)
    good = pb.build_runtime(inputs, _rules_json())
    expected = {name: pb.sha256(path) for name, path in good.files.items()}
    names = {"snapshot": pb.SNAPSHOT, "wheel": good.wheel, "stdlib": pb.STDLIB,
             "core": pb.CORE}
    victim = good.files[names[damaged]]
    site = tmp_path / "site"
    pb.install(good.files, site)
    assert victim.is_relative_to(cache_copy)
    with victim.open("r+b") as handle:  # truncated, as a full disk or a killed copy leaves it
        handle.truncate(victim.stat().st_size // 2)
    truncated = victim.stat().st_size
    assert pb.sha256(site / names[damaged]) == expected[names[damaged]]  # a copy, not a link
    capfd.readouterr()

    again = pb.build_runtime(inputs, _rules_json())
    warnings = [line for line in capfd.readouterr().err.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "qz-pyodide" in warnings[0], warnings
    now = {name: pb.sha256(path) for name, path in again.files.items()}
    if damaged == "snapshot":  # a memory image is not byte-reproducible: a whole new one
        snap = again.files[pb.SNAPSHOT]
        assert pb._intact(snap.parent) and snap.read_bytes().startswith(pb.SPARSE_MAGIC)
        assert snap.stat().st_size > truncated * 1.5
        expected |= {n: d for n, d in now.items() if n.startswith(pb.SNAPSHOT)}
    else:
        assert again.dirname == good.dirname
    assert now == expected
    rebuilt = tmp_path / "rebuilt"
    pb.install(again.files, rebuilt)
    for name, digest in expected.items():
        assert pb.sha256(rebuilt / name) == digest, name
        assert (rebuilt / name).stat().st_nlink == 1, name


def _rewrite_sums(folder: Path) -> None:
    """Make ``SHA256SUMS`` agree with the folder's files again, as a tool that "repairs"
    checksums would: the folder then passes every check but the one against its contents."""
    sums = json.loads((folder / pb.SUMS).read_text(encoding="utf-8"))
    sums["files"] = {name: pb.sha256(folder / name) for name in sums["files"]}
    (folder / pb.SUMS).write_text(json.dumps(sums), encoding="utf-8")


def _break_crc(folder: Path) -> None:
    """Change one byte of the wheel's rules.json data: the zip's CRC no longer matches."""
    [wheel] = folder.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        info = archive.getinfo("calc/rules.json")
    blob = bytearray(wheel.read_bytes())
    name_len, extra_len = struct.unpack("<HH", blob[info.header_offset + 26:
                                                    info.header_offset + 30])
    data = info.header_offset + 30 + name_len + extra_len
    blob[data + info.compress_size // 2] ^= 0xFF
    wheel.write_bytes(bytes(blob))
    _rewrite_sums(folder)


def _other_keys_step(cache: Path, folder: Path, inputs: pb.Inputs) -> None:
    """Put the sound wheel step of other rules (another key) in ``folder``'s place."""
    other = pb.build_wheel(inputs, _rules_json().replace("泉州", "示例", 1)).parent
    assert other != folder
    shutil.rmtree(folder)
    shutil.copytree(other, folder)


@pytest.mark.parametrize("fault", ["another key's step", "a zip failing its CRC"])
def test_a_sound_looking_wrong_step_is_rebuilt_with_one_warning(
        cache_copy: Path, tmp_path: Path, fault: str, capfd: pytest.CaptureFixture[str],
) -> None:
    cache = tmp_path / "qz-pyodide"
    shutil.copytree(cache_copy, cache)
    inputs = pb.Inputs(root=pb.ROOT, cache=cache, optimize=2, snapshot=False)
    rules = _rules_json()
    wheel = pb.build_wheel(inputs, rules)
    expected = pb.sha256(wheel)
    if fault == "another key's step":
        _other_keys_step(cache, wheel.parent, inputs)
    else:
        _break_crc(wheel.parent)
    capfd.readouterr()
    again = pb.build_wheel(inputs, rules)
    warnings = [line for line in capfd.readouterr().err.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and wheel.parent.name in warnings[0], warnings
    assert pb.sha256(again) == expected
    with zipfile.ZipFile(again) as archive:
        assert archive.testzip() is None
        assert archive.read("calc/rules.json").decode("utf-8") == rules


def test_pages_name_the_core_zip_with_its_sha256(built_site: Path) -> None:
    """The worker fetches the core zip with this SRI hash: other bytes are refused."""
    html = (built_site / "measures" / "3.1" / "index.html").read_text(encoding="utf-8")
    config = json.loads(html.split('id="qz-calc-config">', 1)[1].split("</script>", 1)[0])
    name, integrity = config["stdlib"].split("#")
    digest = hashlib.sha256((_runtime(built_site) / name).read_bytes()).digest()
    assert name == pb.CORE
    assert integrity == "sha256-" + base64.b64encode(digest).decode()
    assert config["fullStdlib"] == pb.STDLIB and config["snapshot"] == pb.SNAPSHOT


def test_the_worker_script_is_asked_for_beside_the_head_script_that_starts_it(
        built_site: Path) -> None:
    """A modulepreload ahead of the theme's head script: on a phone link the worker's script
    then arrives with it, not one round trip after it (bench: slow-link boot 1.0 → 0.7 s)."""
    for page in ("measures/3.1/index.html", "en/self-check/index.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        config = json.loads(html.split('id="qz-calc-config">', 1)[1].split("</script>", 1)[0])
        preload = f'<link rel="modulepreload" href="{config["worker"]}">'
        head_script = re.search(r'<script src="[^"]*qz-head\.js"', html)
        assert head_script is not None and preload in html, page
        assert html.index(preload) < head_script.start(), page
