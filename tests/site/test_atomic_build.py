"""``make site`` (generator/serve/atomic_build.py) publishes a build only when it is whole: a build
killed at any point leaves the previous site byte for byte as it was, a complete build replaces
it with a stamped site, and ``check`` (what ``make preview`` and the deploy README run) refuses a
partial or altered one, or one whose compressed siblings or zips are wrong. A killed build's
scratch folders go with the next build, decided by its lock, not by whether its pid is taken;
a Ctrl+C says truly whether the site was replaced."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest

from generator.serve import atomic_build, preview, site_check
from generator.serve.atomic_build import STAMP, Incomplete, check, publish, recover

from .conftest import DATA, DOCUMENT, ROOT, edit

pytestmark = pytest.mark.slow

BUILD = [sys.executable, "-m", "generator.serve.atomic_build"]


def manifest(site: Path) -> dict[str, str]:
    """Every file of ``site`` (stamp included) → sha256 of its bytes."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def environment(data: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("QZ_POLICY_DATA", None)
    if data is not None:
        env["QZ_POLICY_DATA"] = str(data)
    return env


@dataclass(frozen=True)
class KillPoint:
    name: str
    reached: Callable[[float, list[str], Path], bool]  # (seconds, output lines, site) → kill now


def after(seconds: float) -> KillPoint:
    return KillPoint(f"after {seconds} s", lambda t, lines, site: t >= seconds)


def on_line(text: str) -> KillPoint:
    return KillPoint(f"at “{text}”", lambda t, lines, site: any(text in ln for ln in lines))


def compressing() -> KillPoint:
    """While the build writes its compressed siblings (the last stage, after every page): a
    404.html.br newer than the build's start, wherever it is written."""
    def reached(t: float, lines: list[str], site: Path) -> bool:
        started = time.time() - t
        return any(p.stat().st_mtime >= started
                   for p in site.parent.glob("*/404.html.br") if p.is_file())
    return KillPoint("while compressing", reached)


def kill_points() -> list[KillPoint]:
    return [after(0.1), after(0.5), after(1.0),
            on_line("Cleaning site directory"),
            on_line("Building documentation to directory"),
            on_line("Building 'en' documentation"),
            compressing(),
            on_line("Documentation built in")]


def killed_build(command: list[str], point: KillPoint, site: Path) -> bool:
    """Run ``command`` and SIGKILL it (and anything it started) at ``point``; False if it
    finished before the point was reached."""
    lines: list[str] = []
    with subprocess.Popen(command, cwd=ROOT, env=environment(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          start_new_session=True) as process:
        reader = threading.Thread(target=lambda: lines.extend(process.stdout or []),
                                  daemon=True)
        reader.start()
        start = time.monotonic()
        while process.poll() is None and time.monotonic() - start < 300:
            if point.reached(time.monotonic() - start, list(lines), site):
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        returncode = process.wait()
        reader.join(timeout=10)
    return returncode == -signal.SIGKILL


def intact_after_kills(command: list[str], site: Path) -> list[tuple[str, bool, bool]]:
    """For each kill point: (its name, whether the build was killed there, whether ``site``
    was byte-identical afterwards)."""
    before = manifest(site)
    results = []
    for point in kill_points():
        killed = killed_build(command, point, site)
        results.append((point.name, killed, site.is_dir() and manifest(site) == before))
    return results


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete earlier build, of slightly different data, so that any file of the next
    build showing up in it is noticed."""
    root = tmp_path_factory.mktemp("atomic")
    data = root / "policy_data"
    shutil.copytree(DATA, data)
    edit(data / DOCUMENT / "measures" / "1.1.yaml", "summary:\n  zh: ", "summary:\n  zh: 旧版。")
    site = root / "site"
    done = subprocess.run([*BUILD, str(site)], cwd=ROOT, env=environment(data),
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "旧版。" in (site / "measures" / "1.1" / "index.html").read_text(encoding="utf-8")
    check(site, data)
    return site


def test_a_build_killed_at_any_point_leaves_the_previous_site_byte_identical(
        previous: Path) -> None:
    results = intact_after_kills([*BUILD, str(previous)], previous)
    finished = [name for name, killed, _ in results if not killed]
    assert not finished, f"the build finished before {finished}: not kill points"
    broken = [name for name, _, intact in results if not intact]
    print(f"kill points leaving the previous site intact: {len(results) - len(broken)}"
          f"/{len(results)}")
    assert not broken, f"the previous site changed when killed {broken}"
    check(previous)  # still exactly what its stamp says


def test_a_complete_build_replaces_the_site_and_clears_what_killed_builds_left(
        previous: Path) -> None:
    before = manifest(previous)
    done = subprocess.run([*BUILD, str(previous)], cwd=ROOT, env=environment(),
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    after = manifest(previous)
    assert after != before and after.keys() == before.keys()
    assert "旧版。" not in (previous / "measures" / "1.1" / "index.html").read_text("utf-8")
    assert check(previous, DATA)["files"] == len(after) - 1
    assert [p.name for p in previous.parent.iterdir() if p.name.startswith(".")] == []


def test_a_failed_build_publishes_nothing(previous: Path, tmp_path: Path) -> None:
    data = tmp_path / "policy_data"
    shutil.copytree(DATA, data)
    edit(data / DOCUMENT / "measures" / "3.1.yaml", "value: 300000", "value: many")
    before = manifest(previous)
    done = subprocess.run([*BUILD, str(previous)], cwd=ROOT, env=environment(data),
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode != 0
    assert f"{previous}/ left as it was" in done.stdout + done.stderr
    assert manifest(previous) == before
    assert [p.name for p in previous.parent.iterdir() if p.name.startswith(".")] == []


def test_check_refuses_a_partial_or_altered_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    (site / "en" / "index.html").write_text("<p>Home</p>", encoding="utf-8")
    with pytest.raises(Incomplete, match=r"no valid \.complete"):
        check(site)
    atomic_build.stamp(site, DATA)
    assert check(site, DATA)["files"] == 2
    (site / "en" / "index.html").unlink()  # an rsync or copy cut short
    with pytest.raises(Incomplete, match=r"differs from its \.complete"):
        check(site)
    (site / "en" / "index.html").write_text("<p>Home!</p>", encoding="utf-8")
    with pytest.raises(Incomplete, match="differs"):
        check(site)
    (site / "en" / "index.html").write_text("<p>Home</p>", encoding="utf-8")
    check(site)
    with pytest.raises(Incomplete, match="other data"):
        check(site, tmp_path)
    (site / STAMP).write_text("{half", encoding="utf-8")
    with pytest.raises(Incomplete, match="no valid"):
        check(site)


def small_site(site: Path) -> dict[str, bytes]:
    """A page and a script with their siblings, and a zip, as the build writes them."""
    files = {"index.html": "<p>泉州市数字经济</p>\n".encode() * 100,
             "search/search_index.json": b'{"docs": []}' * 100}
    for name, data in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.with_name(path.name + ".br").write_bytes(brotli.compress(data))
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, mtime=0))
    with zipfile.ZipFile(site / "calc_stdlib.zip", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("calc/__init__.py", "VALUE = 'ok'\n" * 50)
    return files


def test_check_refuses_a_sibling_that_is_another_files_or_a_zip_failing_its_crc(
        tmp_path: Path) -> None:
    site = tmp_path / "site"
    small_site(site)
    atomic_build.stamp(site, DATA)
    check(site, DATA)
    home = site / "index.html.br"
    good = home.read_bytes()
    home.write_bytes((site / "search" / "search_index.json.br").read_bytes())
    atomic_build.stamp(site, DATA)  # stamped as it is: the stamp alone cannot tell
    with pytest.raises(Incomplete, match=r"index\.html\.br does not decompress to index\.html"):
        check(site, DATA)
    home.write_bytes(good)
    blob = bytearray((site / "calc_stdlib.zip").read_bytes())
    blob[blob.index(b"VALUE") + 3] ^= 0x20  # a stored member's data: its CRC no longer fits
    (site / "calc_stdlib.zip").write_bytes(bytes(blob))
    atomic_build.stamp(site, DATA)
    with pytest.raises(Incomplete, match=r"calc_stdlib\.zip fails its CRC check"):
        check(site, DATA)
    assert atomic_build.main(["check", str(site)]) == 1


def test_siblings_without_their_file_or_that_do_not_decompress_are_named(
        tmp_path: Path) -> None:
    site = tmp_path / "site"
    small_site(site)
    assert list(site_check.problems(site)) == []
    (site / "index.html.gz").write_bytes(b"\x1f\x8b not gzip")
    (site / "gone.js.br").write_bytes(brotli.compress(b"x"))
    assert [p.split(" ", 1)[0] for p in site_check.problems(site)] == ["gone.js.br",
                                                                        "index.html.gz"]


def _fake_mkdocs(monkeypatch: pytest.MonkeyPatch, pages: dict[str, bytes]) -> None:
    """``mkdocs build`` writing ``pages`` into the site dir it is given, in this process."""
    from mkdocs.__main__ import cli

    def main(args: list[str], prog_name: str) -> None:
        target = Path(args[args.index("--site-dir") + 1])
        for name, data in pages.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)
        raise SystemExit(0)

    monkeypatch.setattr(cli, "main", main)


def _previous_site(root: Path) -> Path:
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    return site


def test_a_build_whose_sibling_is_wrong_is_not_published(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    site = _previous_site(tmp_path)
    page = "<p>新</p>".encode() * 200
    _fake_mkdocs(monkeypatch, {"index.html": page, "index.html.br": brotli.compress(b"other")})
    assert atomic_build.build(site, []) == 1
    assert "index.html.br does not decompress" in capsys.readouterr().err
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_ctrl_c_just_after_the_swap_says_the_site_was_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    site = _previous_site(tmp_path)
    _fake_mkdocs(monkeypatch, {"index.html": b"new"})
    exchange = atomic_build._exchange

    def exchange_then_interrupt(a: Path, b: Path) -> bool:
        swapped = exchange(a, b)
        assert swapped, "this file system cannot exchange two folders"
        os.kill(os.getpid(), signal.SIGINT)  # the user's Ctrl+C, the moment the swap is done
        time.sleep(0.1)
        return swapped

    monkeypatch.setattr(atomic_build, "_exchange", exchange_then_interrupt)
    assert atomic_build.main([str(site)]) == 130
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert f"interrupted: {site}/ replaced by the new build" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the previous one removed


def test_a_killed_builds_scratch_goes_even_while_its_pid_is_taken(tmp_path: Path) -> None:
    """A SIGKILLed build not yet reaped (a zombie) keeps its pid, and so may an unrelated
    process that got the same number: its lock is what tells."""
    site = tmp_path / "site"
    site.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from generator.serve import atomic_build as a; site = Path(sys.argv[1]); "
         "ctx = a._locked(site); ctx.__enter__(); a._scratch(site, 'build').mkdir(); "
         "(a._scratch(site, 'build') / 'big').write_bytes(bytes(1 << 20)); "
         "print('ready', flush=True); time.sleep(600)", str(site)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        scratch = tmp_path / f".site.build-{holder.pid}"
        recover(site)
        assert scratch.is_dir()  # its build is alive and holds the lock: left alone
        os.kill(holder.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # dead, not reaped: a zombie with its pid
            with open(f"/proc/{holder.pid}/stat", encoding="ascii") as stat:
                if stat.read().split(") ", 1)[1].startswith("Z"):
                    break
            time.sleep(0.01)
        os.kill(holder.pid, 0)  # the pid is still taken
        recover(site)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    (tmp_path / f".site.build-{os.getpid()}").mkdir()  # a live pid that never took a lock
    recover(site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_swapping_in_a_build_and_recovering_from_an_interrupted_fallback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, new = tmp_path / "site", tmp_path / ".site.build-1"
    for folder, text in ((site, "old"), (new, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    publish(new, site)
    assert (site / "index.html").read_text() == "new" and not new.exists()

    # Where the file system cannot exchange two folders, two renames: a build killed between
    # them leaves no site/, only the previous one aside; the next build puts it back.
    monkeypatch.setattr(atomic_build, "_exchange", lambda a, b: False)
    dead = 2**22 + 1  # above the default pid_max: no process has it
    aside = tmp_path / f".site.old-{dead}"
    site.rename(aside)
    (tmp_path / f".site.build-{dead}").mkdir()
    recover(site)
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    newer = tmp_path / ".site.build-2"
    newer.mkdir()
    (newer / "index.html").write_text("newer", encoding="utf-8")
    publish(newer, site)
    assert (site / "index.html").read_text() == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_preview_refuses_a_site_that_is_not_a_complete_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>half</p>", encoding="utf-8")
    assert preview.main([str(site), "0"]) == 1
    assert "no valid .complete stamp" in capsys.readouterr().err


def test_make_site_and_the_preview_use_it() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\n\t$(PY) -m generator.serve.atomic_build site\n" in makefile
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    assert "python -m generator.serve.atomic_build check site" in readme
