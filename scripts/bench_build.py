"""Build-scaling benchmark: full build time and peak memory for the real data and for synthetic
data of 10× and 100× the measures, and the rebuild time after one YAML edit under `mkdocs serve`.

With ``--documents 1,10,50`` it measures documents instead (issue 23): the real document and N
fictional county documents (copies of tests/documents' county fixture, 示例, each with its own id
and number and two measures adding to 3.1 and 5.1): the build time and its growth per document,
``make check`` (``python -m generator check``) on each, and the browser self-check across them —
from the last input to the answer on the page, once the calculator is ready.

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


def build_once(data: Path, site: Path, cold: bool = False) -> tuple[float, int, float]:
    """Wall seconds, the peak resident memory (KiB) and the CPU seconds (user + system: what
    the others' load does not change much) of one `mkdocs build` in a fresh process; ``cold``:
    with the page caches emptied first."""
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
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


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


FIXTURE = ROOT / "tests" / "documents" / "example-county-2026"


def documents(count: int, target: Path) -> None:
    """The real data and ``count`` fictional county documents (never deployed)."""
    shutil.copytree(DATA, target)
    for k in range(1, count + 1):
        folder = target / f"{FIXTURE.name}-{k}"
        shutil.copytree(FIXTURE, folder)
        path = folder / "document.yaml"
        text = path.read_text("utf-8").replace(f"id: {FIXTURE.name}", f"id: {folder.name}", 1)
        # a number of its own: the fixture's serial number (its last digits) replaced
        path.write_text(re.sub(r"^(number: .*\D)\d+(\D)$", rf"\g<1>{100 + k}\2", text, count=1,
                               flags=re.M), "utf-8")


def check_seconds(data: Path, runs: int) -> list[tuple[float, float]]:
    """Wall and CPU seconds of ``python -m generator check`` (what ``make check`` runs)."""
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "check", "--data", str(data)],
                                cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"make check failed for {data}")
        found.append((time.perf_counter() - start, usage.ru_utime + usage.ru_stime))
    return found


SELF_CHECK = """async (fee) => {
  const root = document.querySelector("[data-qz-selfcheck]");
  const rows = root.querySelector("[data-slot=rows]");
  const field = root.querySelector('form [name="compute_fee"]');
  const changed = new Promise((done) => new MutationObserver((_, seen) => {
    seen.disconnect(); done(performance.now());
  }).observe(rows, {childList: true}));
  const start = performance.now();
  field.value = fee;
  field.dispatchEvent(new Event("input", {bubbles: true}));
  return (await changed) - start;
}"""


def selfcheck_ms(site: Path, inputs: int) -> list[float]:
    """Milliseconds from an input on the self-check (compute fee, the gate opened) to the rows
    of the answer, ``inputs`` times, once the calculator is ready; Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from generator.serve.static_server import serving
    from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

    found = []
    with serving(site) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{server.url}self-check/#sc=1&has_compute_rental=yes&compute_fee=60000")
        page.wait_for_selector('[data-qz-selfcheck][data-state="ready"]', timeout=120_000)
        page.wait_for_selector("[data-qz-selfcheck] [data-slot=rows] tr", timeout=120_000)
        for k in range(inputs):
            found.append(page.evaluate(SELF_CHECK, str(60_000 + 1_000 * (k + 1))))
        browser.close()
    return found


def bench_documents(counts: list[int], runs: int, out: Path) -> None:
    report: dict[str, object] = {"documents": [], "uptime": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for count in counts:
            data = work / f"documents-{count}" / "policy_data"
            documents(count, data)
            site = work / f"site-documents-{count}"
            cold = build_once(data, site, cold=True)
            warm = [build_once(data, site) for _ in range(runs)]
            checks = check_seconds(data, runs)
            clicks = selfcheck_ms(site, 20) if count == 10 else []
            row = {"documents": count + 1, "fixtures": count, "pages": pages(site),
                   "cold_s": round(cold[0], 3),
                   "median_s": round(statistics.median(t for t, _, _ in warm), 3),
                   "cpu_median_s": round(statistics.median(c for _, _, c in warm), 3),
                   "runs_s": [round(t, 3) for t, _, _ in warm],
                   "check_median_s": round(statistics.median(t for t, _ in checks), 3),
                   "check_cpu_median_s": round(statistics.median(c for _, c in checks), 3),
                   "peak_rss_mib": round(cold[1] / 1024, 1)}
            if clicks:
                row["selfcheck_input_to_answer_ms"] = {
                    "median": round(statistics.median(clicks), 1), "max": round(max(clicks), 1),
                    "runs": [round(c, 1) for c in clicks]}
            report["documents"].append(row)  # type: ignore[attr-defined]
            print(json.dumps(row), flush=True)
    rows = report["documents"]  # type: ignore[assignment]
    first = rows[0]  # type: ignore[index]
    for row in rows[1:]:  # type: ignore[index]
        added = row["fixtures"] - first["fixtures"]
        row["s_per_added_document"] = round((row["median_s"] - first["median_s"]) / added, 3)
        row["cpu_s_per_added_document"] = round(
            (row["cpu_median_s"] - first["cpu_median_s"]) / added, 3)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"report → {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--documents", default="",
                        help="document counts (fictional county documents beside the real one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "reports" / "build-bench.json"))
    args = parser.parse_args()
    if args.documents:
        bench_documents([int(n) for n in args.documents.split(",")], args.runs, Path(args.out))
        return
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
            times = [t for t, *_ in runs]
            built = pages(work / f"site-{scale}")
            row = {"scale": scale, "measures": count, "pages": built,
                   "cold_s": round(cold[0], 3),
                   "median_s": round(statistics.median(times), 3),
                   "runs_s": [round(t, 3) for t in times],
                   "ms_per_page": round(1000 * statistics.median(times) / built, 2),
                   "peak_rss_mib": round(max(m for _, m, _ in [cold, *runs]) / 1024, 1)}
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
