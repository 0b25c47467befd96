"""A phone's processor for the benchmark: this process (and every process it starts after) in a
CPU-limited cgroup (cgroup v1, ``/sys/fs/cgroup/cpu``), and in a ``cpuacct`` group of the same
name that counts the CPU time they use.

Why not Chromium's own throttling: CDP ``Emulation.setCPUThrottlingRate`` slows the page's main
thread but not the calculator's worker (a 4× throttle left the naive page's warm start
unchanged). A cgroup quota caps the whole browser — page, workers, service worker, V8's
compiler threads — together, as one slow phone core would. Other work on the machine must not
take the group below its quota: the group gets a large CPU weight (``cpu.shares``), so under
load it still receives its quota and the quota is what binds (``cpu.stat``: the share of
periods in which the group was throttled, :meth:`Group.throttling`).

Enter after starting the servers that must not be limited (nginx) and before starting the
browser (its processes inherit the group). On leaving, every process still in the group goes
back to the group this one came from and the group is removed — also when the block raised,
and on SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

CGROUPS = Path("/sys/fs/cgroup")
PERIOD_US = 100_000
SHARES = 65_536  # 64× a process's default weight: the machine's other work cannot starve it


@dataclass(frozen=True)
class Group:
    """The limited group: ``cpu`` (the quota) and ``cpuacct`` (the CPU time its processes used:
    a figure the machine's other work does not change, unlike the wall time)."""

    cpu: Path
    cpuacct: Path

    def used_ns(self) -> int:
        """CPU time used by the group's processes so far, in ns."""
        return int((self.cpuacct / "cpuacct.usage").read_text())

    def throttling(self) -> dict[str, int]:
        """``cpu.stat`` so far: periods with work, periods cut short by the quota, and the time
        the processes waited for the next period (ns)."""
        stat = dict(line.split() for line in (self.cpu / "cpu.stat").read_text().splitlines())
        return {"periods": int(stat["nr_periods"]), "throttled": int(stat["nr_throttled"]),
                "throttled_ns": int(stat["throttled_time"])}


CONTROLLERS = ("cpu", "cpuacct")


def unavailable(root: Path = CGROUPS) -> str | None:
    """Why this machine cannot limit the CPU (no cgroup v1 cpu/cpuacct, not writable), or None."""
    for controller in CONTROLLERS:
        folder = root / controller
        if not (folder / "cgroup.procs").is_file():
            return f"no cgroup v1 {controller} controller under {root}"
        if not os.access(folder, os.W_OK):
            return f"{folder} is not writable (run as root)"
    return None


def _own_group(root: Path, controller: str) -> Path:
    """The cgroup of ``controller`` this process is in now (``/proc/self/cgroup``)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return root / path.lstrip("/")
    return root


def _move_all(source: Path, target: Path) -> None:
    for pid in (source / "cgroup.procs").read_text().split():
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
            (target / "cgroup.procs").write_text(pid)


def _remove(group: Path, home: Path) -> None:
    """Every process back home, then the group gone (the browser's last processes may still be
    ending: a few tries)."""
    for _ in range(50):
        _move_all(group, home)
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)
    group.rmdir()  # raises: the group could not be removed


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so the `finally` below runs


@contextmanager
def cpu_limited(cpus: float, name: str = "qz-phone", root: Path = CGROUPS) -> Iterator[Group]:
    """This process in a new cgroup capped at ``cpus`` CPUs (0.25: a quarter of one core) for
    the block; the group is gone afterwards."""
    controllers = CONTROLLERS
    why = unavailable(root)
    if why:
        raise RuntimeError(f"{why}: cannot limit the CPU")
    homes = {c: _own_group(root / c, c) for c in controllers}
    groups = {c: root / c / f"{name}-{os.getpid()}" for c in controllers}
    made: list[str] = []
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        for controller in controllers:
            groups[controller].mkdir()
            made.append(controller)
        cpu = groups["cpu"]
        (cpu / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (cpu / "cpu.cfs_quota_us").write_text(str(round(cpus * PERIOD_US)))
        (cpu / "cpu.shares").write_text(str(SHARES))
        for controller in controllers:
            (groups[controller] / "cgroup.procs").write_text(str(os.getpid()))
        yield Group(cpu, groups["cpuacct"])
    finally:
        try:
            for controller in made:
                _remove(groups[controller], homes[controller])
        finally:
            signal.signal(signal.SIGTERM, previous)


def load_average() -> tuple[float, float, float]:
    """What ``uptime`` shows: the 1, 5 and 15 minute load averages."""
    return os.getloadavg()
