"""Build-scaling benchmark: full build time and peak memory for the real data and for synthetic
data of 10× and 100× the measures, and the rebuild time after one YAML edit under `mkdocs serve`.

Each scale is built once cold (no segmentation, template or page-compression cache: the first
build after a checkout, or after every text changed) and then ``--runs`` times warm (a
rebuild); the peak memory is that of the largest build process (its own ru_maxrss).

    .venv/bin/python scripts/bench_build.py [--scales 1,10,100] [--runs 3] [--out FILE]

Numbers are reported, not asserted: speed targets live here, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "policy_data"
MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def synthetic(scale: int, target: Path) -> int:
    """Copy the data with every measure repeated ``scale`` times under new ids (1.1 → 1.101 …)."""
    shutil.copytree(DATA, target)
    measures = sorted((target / "qz-2025-18" / "measures").glob("*.yaml"))
    for copy in range(1, scale):
        for path in measures:
            chapter, number = path.stem.split(".")
            new_id = f"{chapter}.{int(number) + 100 * copy}"
            text = re.sub(r'^id: "[\d.]+"', f'id: "{new_id}"', path.read_text("utf-8"), count=1,
                          flags=re.M)
            (path.parent / f"{new_id}.yaml").write_text(text, "utf-8")
    return len(measures) * scale


# Caches that hold per-page work: word segmentation of the search text, compiled templates and
# the compressed copies of pages. A cold build starts without them (the first build after a
# checkout, or after every text changed). The Pyodide runtime (.cache/qz-pyodide) and the
# compressed runtime files (≥ RUNTIME_BYTES) are kept: they depend on the calculator, not on
# the pages, and take 20–40 s to make from nothing.
CACHE = ROOT / ".cache"
PAGE_CACHES = (CACHE / "qz-segments", CACHE / "qz-jinja")
RUNTIME_BYTES = 256 * 1024


def empty_page_caches() -> None:
    for folder in PAGE_CACHES:
        shutil.rmtree(folder, ignore_errors=True)
    for path in (CACHE / "qz-precompress").glob("*"):
        if path.is_file() and path.stat().st_size < RUNTIME_BYTES:
            path.unlink()


def build_once(data: Path, site: Path, cold: bool = False) -> tuple[float, int]:
    """Wall seconds and the peak resident memory (KiB) of one `mkdocs build` in a fresh process;
    ``cold``: with the page caches emptied first."""
    if cold:
        empty_page_caches()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen([*MKDOCS, "build", "--strict", "-q", "-d", str(site)], cwd=ROOT,
                                env={**ENV, "QZ_POLICY_DATA": str(data)},
                                stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)  # this process's own peak memory
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-2000:]
            raise SystemExit(f"build failed for {data}:\n{tail}")
    return elapsed, usage.ru_maxrss


def pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_rebuild(workdir: Path) -> float:
    """Seconds from saving an edited 3.1.yaml until `mkdocs serve` serves the change. The edit is
    to the summary: a changed cap would (rightly) fail the build until the examples follow."""
    data = workdir / "serve-data"
    shutil.copytree(DATA, data)
    port = free_port()
    log = (workdir / "serve.log").open("w")
    server = subprocess.Popen([*MKDOCS, "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=ROOT, env={**ENV, "QZ_POLICY_DATA": str(data)},
                              stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}/measures/3.1/"
    try:
        marker = "BENCH-EDIT-MARKER"
        _wait_for(url, lambda body: "3.1" in body, 180)
        path = data / "qz-2025-18" / "measures" / "3.1.yaml"
        text = path.read_text("utf-8").replace("summary:\n  zh: ", f"summary:\n  zh: {marker}", 1)
        assert marker in text
        start = time.perf_counter()
        path.write_text(text, "utf-8")
        _wait_for(url, lambda body: marker in body, 180)
        return time.perf_counter() - start
    except SystemExit:
        print((workdir / "serve.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def _wait_for(url: str, ready: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if ready(response.read().decode("utf-8")):  # type: ignore[operator]
                    return
                last = "served, but without the expected text"
        except OSError as error:
            last = error
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {url}: {last}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "reports" / "build-bench.json"))
    args = parser.parse_args()
    report: dict[str, object] = {"scales": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for scale in (int(s) for s in args.scales.split(",")):
            data = work / f"data-{scale}"
            count = synthetic(scale, data) if scale > 1 else len(list(
                (DATA / "qz-2025-18" / "measures").glob("*.yaml")))
            source = data if scale > 1 else DATA
            cold = build_once(source, work / f"site-{scale}", cold=True)
            runs = [build_once(source, work / f"site-{scale}") for _ in range(args.runs)]
            times = [t for t, _ in runs]
            built = pages(work / f"site-{scale}")
            row = {"scale": scale, "measures": count, "pages": built,
                   "cold_s": round(cold[0], 3),
                   "median_s": round(statistics.median(times), 3),
                   "runs_s": [round(t, 3) for t in times],
                   "ms_per_page": round(1000 * statistics.median(times) / built, 2),
                   "peak_rss_mib": round(max(m for _, m in [cold, *runs]) / 1024, 1)}
            report["scales"].append(row)  # type: ignore[attr-defined]
            print(json.dumps(row), flush=True)
        base = report["scales"][0]  # type: ignore[index]
        for row in report["scales"]:  # type: ignore[attr-defined]
            row["ratio_to_real"] = round(row["median_s"] / base["median_s"], 2)
            row["cold_ratio_to_real"] = round(row["cold_s"] / base["cold_s"], 2)
        report["serve_rebuild_s"] = round(serve_rebuild(work), 3)
        print(f"serve rebuild after one YAML edit: {report['serve_rebuild_s']} s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"report → {out}")


if __name__ == "__main__":
    main()
