"""scripts/cpulimit.py, the phone processor of `make bench`: a process in the group gets no more
than its quota of CPU time, the group counts what it used, and the group is gone afterwards —
also when the measured block fails."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
# In a child process: the test runner itself is never limited.
CHILD = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from cpulimit import cpu_limited
    out = {}
    try:
        with cpu_limited(0.25, name="qz-test") as group:
            out["groups"] = [str(group.cpu), str(group.cpuacct)]
            out["mine"] = open("/proc/self/cgroup").read()
            start, used = time.monotonic(), group.used_ns()
            while time.monotonic() - start < 1.0:
                pass  # as busy as it is allowed to be
            out["wall_s"] = time.monotonic() - start
            out["cpu_s"] = (group.used_ns() - used) / 1e9
            out["throttled"] = group.throttling()["throttled"]
            raise RuntimeError("the benchmark failed")
    except RuntimeError:
        out["raised"] = True
    print(json.dumps(out))
""")


def test_the_group_caps_the_cpu_counts_it_and_is_removed_after_a_failure() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD, str(SCRIPTS)], capture_output=True,
                          text=True, timeout=60, check=True)
    out = json.loads(done.stdout)
    assert out["raised"]
    assert any(line.endswith(f"/{Path(out['groups'][0]).name}")
               for line in out["mine"].splitlines() if ":cpu" in line)
    # A second of busy looping got about a quarter of a second (the first period may start
    # with a full quota), and the quota cut most periods short.
    assert 0.05 < out["cpu_s"] < 0.25 * out["wall_s"] + 0.1, out
    assert out["throttled"] >= 5, out
    assert not any(Path(group).exists() for group in out["groups"])
