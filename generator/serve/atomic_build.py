"""Build the site without ever leaving a half site behind (``make site``), and tell a complete
build from a partial one (``make preview``, deploy/README.md).

MkDocs empties its output folder first and writes into it for seconds: a build that is killed or
fails would leave ``site/`` half written. Here MkDocs builds into a hidden folder next to
``site/`` (``.site.build-<pid>``); only when it succeeded is a stamp written into it,
``.complete``, holding the hash of the policy data it was built from and of every file in it,
and the folder is swapped with ``site/`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``; two
renames elsewhere, repaired by the next build if they are interrupted). Until then ``site/``
stays byte for byte the previous build. Before the stamp, the build's bytes are checked
(generator/serve/site_check.py: every ``.br``/``.gz`` decompresses to the file beside it, every
zip passes its CRC): a build that fails this is not published.

A build holds a lock (``.site.lock-<pid>``, flock) while its scratch folders exist; the next
build removes the scratch folders whose lock nobody holds. The kernel drops a lock when its
process dies, also when a SIGKILLed build lingers as a zombie whose pid is still taken.

    python -m generator.serve.atomic_build [SITE] [mkdocs build options]
        build and publish to SITE
    python -m generator.serve.atomic_build check [SITE]
        exit 1 unless SITE is complete and its siblings and zips are sound
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from generator.serve import site_check

ROOT = Path(__file__).resolve().parents[2]
STAMP = ".complete"
_RENAME_EXCHANGE = 2  # linux/fs.h


class Incomplete(Exception):
    """The folder is not a complete build (no stamp, or files differ from it)."""


def data_folder() -> Path:
    """The policy data MkDocs builds from (mkdocs.yml: QZ_POLICY_DATA, else policy_data/)."""
    return ROOT / os.environ.get("QZ_POLICY_DATA", "policy_data")


def tree_digest(folder: Path, skip: str = "") -> tuple[int, str]:
    """(number of files, sha256 over every file's path and content) of ``folder``."""
    total = hashlib.sha256()
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name == skip:
            continue
        total.update(name.encode("utf-8") + b"\0")
        with path.open("rb") as file:
            total.update(hashlib.file_digest(file, "sha256").digest())
        count += 1
    return count, total.hexdigest()


def stamp(site: Path, data: Path) -> dict[str, object]:
    """Write ``site/.complete``: the build is whole. Written last, after every other file."""
    files, tree = tree_digest(site, skip=STAMP)
    record: dict[str, object] = {"data": tree_digest(data)[1], "files": files, "tree": tree}
    (site / STAMP).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def check(site: Path, data: Path | None = None) -> dict[str, object]:
    """The stamp of ``site`` if the folder is exactly what the build stamped (and, given
    ``data``, was built from that data); raises Incomplete otherwise."""
    try:
        record = json.loads((site / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise Incomplete(f"{site} has no valid {STAMP} stamp ({error}): it is not a complete "
                         "build; run `make site`") from None
    files, tree = tree_digest(site, skip=STAMP)
    if not isinstance(record, dict) or (record.get("files"), record.get("tree")) != (files,
                                                                                      tree):
        raise Incomplete(f"{site} differs from its {STAMP} stamp ({files} files now): partial or "
                         "altered since it was built; run `make site`")
    if data is not None and record.get("data") != tree_digest(data)[1]:
        raise Incomplete(f"{site} was built from other data than {data}; run `make site`")
    sound(site)
    return record


def sound(site: Path) -> None:
    """Raises Incomplete naming the first few siblings or zips of ``site`` that are wrong."""
    wrong = list(site_check.problems(site))
    if wrong:
        shown = "; ".join(wrong[:5]) + (f"; and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        raise Incomplete(f"{site} has {len(wrong)} wrong file(s): {shown}; delete .cache/ "
                         "and run `make site`")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # glibc < 2.28
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _scratch(site: Path, kind: str, pid: int | None = None) -> Path:
    return site.parent / f".{site.name}.{kind}-{os.getpid() if pid is None else pid}"


@contextlib.contextmanager
def _locked(site: Path) -> Iterator[None]:
    """Hold this build's lock while the block runs. The lock file is created already locked
    (locked under a temporary name, then renamed), so no other build ever finds it unlocked."""
    fd, tmp = tempfile.mkstemp(prefix=f".{site.name}.locking-", dir=site.parent)
    lock = _scratch(site, "lock")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(tmp, lock)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def _abandoned(site: Path, pid: str) -> bool:
    """No living build holds the lock of build ``pid`` (or it never had one)."""
    try:
        fd = os.open(_scratch(site, "lock", int(pid)), os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # releases the lock again, if taken
    return True


def recover(site: Path) -> None:
    """Undo what a killed build left: a previous site moved aside by the two-rename fallback
    goes back, and the scratch folders and locks of builds no process holds a lock for go."""
    site.parent.mkdir(parents=True, exist_ok=True)
    for path in sorted(site.parent.glob(f".{site.name}.*-*")):
        kind, _, pid = path.name.removeprefix(f".{site.name}.").rpartition("-")
        if kind not in ("build", "old", "lock") or not pid.isdigit() \
                or not _abandoned(site, pid):
            continue
        if kind == "old" and not site.exists():
            path.rename(site)
        elif kind == "lock":
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


def publish(built: Path, site: Path) -> None:
    """Put the finished build ``built`` at ``site``; the previous site is removed after."""
    previous = _swap(built, site)
    if previous is not None:
        shutil.rmtree(previous)


def _swap(built: Path, site: Path) -> Path | None:
    """Put ``built`` at ``site`` in one step; returns where the previous site now is."""
    if not site.exists():
        built.rename(site)
        return None
    if _exchange(built, site):
        return built  # now the previous site
    old = _scratch(site, "old")
    site.rename(old)
    built.rename(site)  # killed between the two renames: recover() puts `old` back
    return old


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """A Ctrl+C (SIGINT) during the block takes effect when it is over, so that what the build
    then says it did is what it did (one just after the swap must not report the site as
    unchanged). Signal handlers belong to the main thread; elsewhere nothing is held."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def build(site: Path, options: list[str]) -> int:
    """``mkdocs build --strict`` into a scratch folder, published to ``site`` on success."""
    published: list[Path | None] = []  # where the previous site went, once swapped
    try:
        recover(site)
        with _locked(site):
            try:
                return _build(site, options, published)
            finally:
                for leftover in (_scratch(site, "build"), *(p for p in published if p)):
                    shutil.rmtree(leftover, ignore_errors=True)
    except KeyboardInterrupt:
        done = "replaced by the new build" if published else "left as it was"
        print(f"interrupted: {site}/ {done}", file=sys.stderr)
        return 130


def _build(site: Path, options: list[str], published: list[Path | None]) -> int:
    from mkdocs.__main__ import cli  # in this process: killing it stops the whole build

    scratch = _scratch(site, "build")
    code: int | str | None = 1
    try:
        cli.main(["build", "--strict", "--site-dir", str(scratch.resolve()), *options],
                 prog_name="mkdocs")
    except SystemExit as done:
        code = done.code
    if code not in (0, None):
        print(f"build failed: {site}/ left as it was", file=sys.stderr)
        return code if isinstance(code, int) else 1
    try:
        sound(scratch)
    except Incomplete as error:
        print(f"build failed: {error}; {site}/ left as it was", file=sys.stderr)
        return 1
    record = stamp(scratch, data_folder())
    with _interrupts_held():
        published.append(_swap(scratch, site))
    print(f"INFO    -  published {site}/: {record['files']} files, "
          f"{STAMP} tree {str(record['tree'])[:12]}", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        site = Path(argv[1] if len(argv) > 1 else "site")
        try:
            record = check(site, data_folder())
        except Incomplete as error:
            print(f"check: {error}", file=sys.stderr)
            return 1
        print(f"{site}/ is a complete build: {record['files']} files, "
              f"tree {str(record['tree'])[:12]}, data {str(record['data'])[:12]}")
        return 0
    site = Path(argv[0] if argv and not argv[0].startswith("-") else "site")
    options = argv[1:] if argv and not argv[0].startswith("-") else argv
    return build(site, options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
