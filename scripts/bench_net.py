"""Network benchmark of the in-browser calculator: what a visitor on a phone link pays.

The built site and, beside it, the naive integration (stock ``loadPyodide()`` +
``loadPackage(wheel)`` in a module worker, started on the first input: the one scripts/bench.py
builds) are served together by nginx with the production deploy/nginx.conf and its ``.br``
files (generator/serve/preview.py). Headless Chromium on a fresh persistent profile opens measure
3.1 on an emulated phone link, cold (empty profile) and warm (second visit, same profile), and
times navigation → first computed result. The links are emulated below the browser by
default (scripts/netlink.py: a proxy whose connections share one link), because Chromium's own
emulation (``--emulation cdp``: CDP ``Network.emulateNetworkConditions``) does not throttle a
service worker's fetches: a page the service worker controls looked faster than it is. Bytes are
counted from nginx's access log (``$body_bytes_sent`` of every request logged before the first
result), and every throttled run is checked against the link: time ≥ bytes / bandwidth.

Test-only: the measure page is served with a larger ``watchdogMs`` in its calculator config so
the 20 s start-up watchdog of web/calculator.js cannot cut a slow start short; nothing else in
the served files differs from the build.

    python scripts/bench_net.py [--site site] [--runs 3] [--json reports/net-bench.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, CDPSession, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))
from bench import NAIVE_PAGE_JS as NAIVE_PAGE  # noqa: E402 - the naive page and worker, once
from bench import NAIVE_WORKER  # noqa: E402
from netlink import Link  # noqa: E402

from generator.serve import preview  # noqa: E402
from generator.serve.precompress import precompress  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# name → (download bits/s, round-trip ms); None: no emulation.
PROFILES: dict[str, tuple[float, int] | None] = {
    "loopback": None, "4g": (20e6, 40), "slow": (5e6, 150)}
CRAWL = ("1.6mbit", (1.6e6, 150))  # must complete; the project only, cold then warm
UPLOAD = 2e6
BYTES_TARGET = 4.0e6  # bytes to the first result, cold
COLD_TARGETS = {"loopback": 0.35, "4g": 0.35, "slow": 0.5}  # × naive
WARM_TARGET = 0.25  # × naive, every profile
NAIVE_DIR = "assets/pyodide/naive"  # under assets/pyodide/: nginx caches it like the site's
WATCHDOG_MS = 600_000
SNAPSHOT_WAIT_S = 120
NO_SERVICE_WORKER = """Object.defineProperty(Navigator.prototype, "serviceWorker", {
  configurable: true, get() { return undefined; } });
"""
# What the naive page must never download: the project's runtime and its service worker.
PROJECT_ONLY = re.compile(
    r"^(sw\.js|snapshot\.bin|calc_stdlib\.zip|calc-worker\..*|calculator\..*\.js)$")

STAGES = """() => Object.fromEntries(performance.getEntriesByType("mark")
  .filter((m) => m.name.startsWith("qz-calc:"))
  .map((m) => [m.name.slice(8), Math.round(m.startTime)]))"""
# The access log as the benchmark writes it: when each response was done, to the millisecond, so
# a visit counts exactly the bytes sent before its first result.
LOG_FORMAT = """log_format qzbench '$msec $status $body_bytes_sent "$request"';"""
LOG_LINE = re.compile(
    r'^(?P<done>\d+\.\d+) (?P<status>\d{3}) (?P<bytes>\d+) "(?:GET|HEAD) (?P<path>\S+) ')


@dataclass
class Visit:
    ms: float
    bytes: int
    files: dict[str, int]  # file name → bytes, for the requests before the first result
    stages: dict[str, int]  # the project's worker: boot stage → ms after navigation
    engine: str | None  # the project's worker: how it started (core, snapshot, full)


def _overlay(site: Path, www: Path, files: dict[str, bytes]) -> None:
    """``www`` serves ``site`` (symlinks) with ``files`` (relative path → bytes) added or put
    in place of the site's own; a replaced file's stale compressed siblings are left out."""
    dirs = {Path(rel).parents[i].as_posix() for rel in files
            for i in range(len(Path(rel).parents) - 1)} | {"."}
    replaced = set(files) | {f"{rel}{suffix}" for rel in files for suffix in (".br", ".gz")}
    for rel in sorted(dirs):
        target = www / rel
        target.mkdir(parents=True, exist_ok=True)
        source = site / rel
        for child in source.iterdir() if source.is_dir() else ():
            child_rel = (Path(rel) / child.name).as_posix()
            if child_rel not in dirs and child_rel not in replaced:
                (target / child.name).symlink_to(child)
    for rel, data in files.items():
        (www / rel).parent.mkdir(parents=True, exist_ok=True)
        (www / rel).write_bytes(data)


def build_root(site: Path, measure: str, work: Path, snapshot: bool = True) -> Path:
    """The folder nginx serves: the site, the naive integration, the test-only watchdog (and,
    with ``snapshot=False``, a page that never keeps the snapshot: to see what it is worth)."""
    page = site / "measures" / measure / "index.html"
    html = page.read_text(encoding="utf-8")
    ours, count = re.subn(r'"watchdogMs":\d+', f'"watchdogMs":{WATCHDOG_MS}', html)
    if count != 1:
        sys.exit(f"{page}: no calculator config with a watchdog")
    if not snapshot:
        ours = re.sub(r'"snapshot":"[^"]*"', '"snapshot":null', ours)
    naive = re.sub(r'<script type="application/json" id="qz-calc-config">.*?</script>\n?', "",
                   html, flags=re.S)
    naive = re.sub(r'<script type="module" src="[^"]*/calculator\.[0-9a-f]+\.js"></script>\n?',
                   "", naive)
    naive = re.sub(r'<link rel="modulepreload" href="[^"]*/calc-worker\.[0-9a-f]+\.js">\n?', "",
                   naive)
    naive = naive.replace("</body>", f'<script type="module" src="/{NAIVE_DIR}/page.js">'
                                      "</script>\n</body>")
    # The naive integration has no service worker: the theme's would precache the project's
    # runtime (and pages) while the naive page downloads its own, on the same link.
    naive, count = re.subn(r'(<script src="[^"]*/qz-head\.js")',
                           f'<script src="/{NAIVE_DIR}/no-sw.js"></script>\n\\1', naive)
    if count != 1:
        sys.exit(f"{page}: no qz-head.js script to put the naive page's no-sw.js before")
    stock = ROOT / "node_modules" / "pyodide"
    wheel = next(site.glob("assets/pyodide/*/calc-*.whl"))
    files = {f"measures/{measure}/index.html": ours.encode(),
             f"measures/{measure}/naive.html": naive.encode(),
             f"{NAIVE_DIR}/worker.js": NAIVE_WORKER.replace("WHEEL", wheel.name).encode(),
             f"{NAIVE_DIR}/page.js": NAIVE_PAGE.replace("NAIVE_DIR", f"/{NAIVE_DIR}").encode(),
             f"{NAIVE_DIR}/no-sw.js": NO_SERVICE_WORKER.encode(),
             f"{NAIVE_DIR}/{wheel.name}": wheel.read_bytes()}
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json"):
        files[f"{NAIVE_DIR}/pyodide/{name}"] = (stock / name).read_bytes()
    www = work / "www"
    _overlay(site, www, files)
    # The same .br/.gz treatment the build gives the site (generator/serve/precompress.py, cached).
    precompress(www / NAIVE_DIR)
    precompress(www / "measures" / measure)
    return www


class AccessLog:
    def timed_since_mark(self) -> list[tuple[float, str, int]]:
        """(done, epoch s; path; body bytes) of each request logged since :meth:`mark`."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode("utf-8", "replace")
        return [(float(m["done"]), m["path"], int(m["bytes"]))
                for m in map(LOG_LINE.search, text.splitlines()) if m]

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def since_mark(self, until_ms: float | None = None) -> list[tuple[str, int, int]]:
        """(path, status, body bytes) of each request logged since :meth:`mark` (and done by
        ``until_ms``, epoch ms, if given)."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode("utf-8", "replace")
        return [(m["path"], int(m["status"]), int(m["bytes"]))
                for m in map(LOG_LINE.search, text.splitlines())
                if m and (until_ms is None or float(m["done"]) * 1000 <= until_ms)]


def _launch(pw: Playwright, profile: Path) -> tuple[BrowserContext, Page, CDPSession]:
    context = pw.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    page = context.pages[0] if context.pages else context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    return context, page, cdp


def _emulate(cdp: CDPSession, link: tuple[float, int] | None) -> None:
    if link is None:
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                      "downloadThroughput": -1,
                                                      "uploadThroughput": -1})
        return
    bits, rtt = link
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": rtt, "downloadThroughput": bits / 8,
        "uploadThroughput": UPLOAD / 8})


def _visit(page: Page, log: AccessLog, url: str, naive: bool, field: str, value: str) -> Visit:
    page.goto("about:blank")
    time.sleep(0.5)
    log.mark()
    page.goto(url, timeout=180_000)
    if naive:
        page.fill(f'[data-qz-calc] [name="{field}"]', value)  # the first input starts Python
    page.wait_for_selector("[data-qz-calc] [data-result][data-award]", state="attached",
                           timeout=300_000)
    mark = "naive:first-result" if naive else "qz-calc:first-result"
    ms, epoch = page.evaluate(f"""() => {{
      const start = performance.getEntriesByName('{mark}')[0].startTime;
      return [start, performance.timeOrigin + start];
    }}""")
    time.sleep(0.2)  # nginx writes its log line as the last byte goes
    requests = log.since_mark(until_ms=float(epoch))
    if os.environ.get("QZ_BENCH_TRACE"):
        start = float(epoch) - float(ms)
        for done, path, size in log.timed_since_mark():
            print(f"    {done * 1000 - start:8.0f} ms {size:9d} {path}", flush=True)
    files: dict[str, int] = {}
    for path, _status, size in requests:
        name = path.split("?")[0].rsplit("/", 1)[-1] or "/"
        files[name] = files.get(name, 0) + size
    stages: dict[str, int] = {} if naive else page.evaluate(STAGES)
    engine = None if naive else page.get_attribute("[data-qz-calc]", "data-engine")
    return Visit(float(ms), sum(size for _, _, size in requests), files, stages, engine)


KEPT = """async (snapshot) => navigator.serviceWorker.controller !== null
  && (!snapshot || (await (await caches.open("qz-calc-snapshot")).keys()).length > 0)"""


def _wait_for_later_visits(page: Page, log: AccessLog, timeout: float,
                           snapshot: bool) -> tuple[int, int]:
    """After the first result the site's service worker installs (it keeps this build's runtime
    and pages) and the project's worker keeps the snapshot (if the page has one): wait until
    both are done (the visitor stays on the page; a returning one comes back later), so the
    warm visit starts as a returning visitor's does and shares the link with neither. Returns
    the bytes nginx logged for the snapshot and for everything since the visit began but after
    its first result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not page.evaluate(KEPT, snapshot):
        time.sleep(0.25)
    time.sleep(0.2)  # nginx writes its log line as the last byte goes
    done = log.since_mark()
    kept = sum(size for path, status, size in done
               if path.endswith("/snapshot.bin") and status == 200)
    return kept, sum(size for _, _, size in done)


def _summary(got: list[Visit], link: tuple[float, int] | None, naive: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "median_ms": statistics.median(v.ms for v in got),
        "all_ms": [round(v.ms) for v in got],
        "bytes": int(statistics.median(v.bytes for v in got)),
        "files": got[len(got) // 2].files,
    }
    if not naive:
        entry["engine"] = sorted({str(v.engine) for v in got})
        entry["stages_median_ms"] = {k: statistics.median(v.stages[k] for v in got
                                                          if k in v.stages)
                                     for k in got[0].stages}
    if link is not None:
        # The emulation must have throttled every request, the worker's included.
        floor = [v.bytes * 8 / link[0] * 1000 for v in got]
        entry["throttled"] = all(v.ms >= f for v, f in zip(got, floor, strict=True))
        entry["floor_ms"] = round(statistics.median(floor))
    return entry


@contextmanager
def origin(nginx: preview.Nginx, link: tuple[float, int] | None, emulation: str) -> Iterator[str]:
    """The base URL a profile's browser uses: nginx itself, or (``emulation == "proxy"`` and a
    throttled profile) an emulated link in front of it."""
    if link is None or emulation != "proxy":
        yield nginx.url
        return
    port = urllib.parse.urlsplit(nginx.url).port
    assert port is not None, nginx.url
    with Link(port, link[0], UPLOAD, link[1]).running() as proxy:
        yield f"http://127.0.0.1:{proxy.port}/"


def measure_profile(pw: Playwright, log: AccessLog, work: Path, base: str, name: str,
                    link: tuple[float, int] | None, runs: int, variants: tuple[str, ...],
                    field: str, value: str, no_snapshot: bool = False,
                    emulation: str = "proxy") -> dict[str, Any]:
    """``runs`` rounds, each: every variant cold then warm in a fresh profile. The variants
    alternate so that the load of a shared machine weighs on both alike."""
    out: dict[str, Any] = {"link": None if link is None else
                           {"mbit_s": link[0] / 1e6, "rtt_ms": link[1]}}
    visits: dict[str, dict[str, list[Visit]]] = {v: {"cold": [], "warm": []} for v in variants}
    idle: list[int] = []
    total: list[int] = []
    for i in range(runs):
        for variant in variants:
            naive = variant == "naive"
            url = f"{base}measures/3.1/naive.html" if naive else \
                f"{base}measures/3.1/#calc=3.1&{field}={value}"
            context, page, cdp = _launch(pw, work / f"profile-{name}-{variant}-{i}")
            try:
                _emulate(cdp, link if emulation == "cdp" else None)
                for kind in ("cold", "warm"):
                    visit = _visit(page, log, url, naive, field, value)
                    visits[variant][kind].append(visit)
                    extra = ""
                    if not naive and kind == "cold":
                        snapshot, everything = _wait_for_later_visits(
                            page, log, SNAPSHOT_WAIT_S, snapshot=not no_snapshot)
                        idle.append(snapshot)
                        total.append(everything - visit.bytes)
                        extra = (f", then {idle[-1] / 1e6:.2f} MB snapshot, "
                                 f"{total[-1] / 1e6:.2f} MB in all")
                    print(f"{name:8} {variant:7} run {i + 1} {kind}: {visit.ms:8.0f} ms "
                          f"{visit.bytes / 1e6:6.2f} MB{extra} {visit.engine or ''} "
                          f"{visit.stages or ''}", flush=True)
            finally:
                context.close()
    for variant in variants:
        naive = variant == "naive"
        out[variant] = {kind: _summary(got, link, naive)
                        for kind, got in visits[variant].items()}
        if not naive and idle:
            # Downloaded after the first result (logged once the visit counted its bytes).
            out[variant]["snapshot_after_first_result_bytes"] = int(statistics.median(idle))
            # The snapshot and the service worker's install (this build's runtime and pages).
            out[variant]["after_first_result_bytes"] = int(statistics.median(total))
    return out


@contextmanager
def nginx_with_timed_log(root: Path) -> Iterator[preview.Nginx]:
    """generator/serve/preview.py's nginx (deploy/nginx.conf) with the benchmark's log format."""
    render = preview.render

    def timed(conf: str, site: Path, port: int, scratch: Path) -> str:
        text = render(conf, site, port, scratch)
        line = f"access_log {scratch / 'access.log'};"
        if text.count(line) != 1:
            raise preview.PreviewError(f"no single {line!r} in the rendered configuration")
        return text.replace(line, f"{LOG_FORMAT}\n    access_log {scratch / 'access.log'} qzbench;")

    preview.render = timed
    try:
        with preview.running(root) as nginx:
            yield nginx
    finally:
        preview.render = render


def run(args: argparse.Namespace) -> dict[str, Any]:
    site = Path(args.site).resolve()
    if not (site / "measures" / args.measure / "index.html").is_file():
        sys.exit(f"{site} has no measure page {args.measure}: run `make site` first")
    results: dict[str, Any] = {"runs": args.runs, "measure": args.measure,
                               "emulation": args.emulation, "profiles": {}}
    with tempfile.TemporaryDirectory(prefix="qz-bench-net-") as tmp:
        work = Path(tmp)
        www = build_root(site, args.measure, work, snapshot=not args.no_snapshot)
        with nginx_with_timed_log(www) as nginx, sync_playwright() as pw:
            log = AccessLog(nginx.scratch / "access.log")
            profiles = [(n, link) for n, link in PROFILES.items()
                        if not args.profiles or n in args.profiles]
            variants = ("ours",) if args.ours_only else ("ours", "naive")
            if not args.profiles or CRAWL[0] in args.profiles:
                profiles.append(CRAWL)
            for name, link in profiles:
                crawl = name == CRAWL[0]
                with origin(nginx, link, args.emulation) as base:
                    results["profiles"][name] = measure_profile(
                        pw, log, work, base, name, link, 1 if crawl else args.runs,
                        ("ours",) if crawl else variants, args.field, args.value,
                        args.no_snapshot, args.emulation)
        shutil.rmtree(www, ignore_errors=True)
    return summarize(results)


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    verdicts: dict[str, bool] = {}
    for name, profile in results["profiles"].items():
        if "naive" not in profile:
            verdicts[f"{name} completes"] = profile["ours"]["cold"]["median_ms"] > 0
            continue
        ours, naive = profile["ours"], profile["naive"]
        cold = ours["cold"]["median_ms"] / naive["cold"]["median_ms"]
        warm = ours["warm"]["median_ms"] / naive["warm"]["median_ms"]
        ratios[name] = {"cold": round(cold, 3), "warm": round(warm, 3)}
        verdicts[f"{name} cold ≤ {COLD_TARGETS[name]}× naive"] = cold <= COLD_TARGETS[name]
        verdicts[f"{name} warm ≤ {WARM_TARGET}× naive"] = warm <= WARM_TARGET
        stray = sorted(name for kind in ("cold", "warm") for name in naive[kind]["files"]
                       if PROJECT_ONLY.match(name))
        verdicts[f"{name}: the naive page fetched none of the project's files {stray}"] = \
            not stray
        for kind in ("cold", "warm"):
            if "throttled" in ours[kind]:
                verdicts[f"{name} {kind}: emulation throttled the worker"] = (
                    ours[kind]["throttled"] and naive[kind]["throttled"])
    # What a phone pays: the throttled profiles. On loopback a first visit takes the snapshot
    # too (web/calc-worker.js: a fast link starts from it), reported but not held to this.
    phone = [p["ours"]["cold"]["bytes"] for p in results["profiles"].values() if p["link"]]
    first = max(phone, default=0)
    if phone:
        verdicts[f"bytes to first result on a phone link ≤ {BYTES_TARGET / 1e6} MB"] = \
            first <= BYTES_TARGET
    return {**results, "bytes_to_first_result": first, "ratios": ratios, "verdicts": verdicts}


def table(r: dict[str, Any]) -> str:
    """The Markdown table for reports/README.md."""
    lines = ["| profile | bytes to first result (project / naive) | cold ms (project / naive, "
             "ratio) | warm ms (project / naive, ratio) |", "|---|---|---|---|"]
    for name, p in r["profiles"].items():
        ours = p["ours"]
        link = "no emulation" if p["link"] is None else \
            f"{p['link']['mbit_s']:g} Mbit/s, {p['link']['rtt_ms']} ms"
        if "naive" in p:
            naive = p["naive"]
            ratio = r["ratios"][name]
            lines.append(
                f"| {name} ({link}) | {ours['cold']['bytes'] / 1e6:.2f} / "
                f"{naive['cold']['bytes'] / 1e6:.2f} MB | {ours['cold']['median_ms']:.0f} / "
                f"{naive['cold']['median_ms']:.0f} ({ratio['cold']:.2f}×) | "
                f"{ours['warm']['median_ms']:.0f} / {naive['warm']['median_ms']:.0f} "
                f"({ratio['warm']:.2f}×) |")
        else:
            lines.append(f"| {name} ({link}) | {ours['cold']['bytes'] / 1e6:.2f} MB / — | "
                         f"{ours['cold']['median_ms']:.0f} / — | "
                         f"{ours['warm']['median_ms']:.0f} / — |")
    return "\n".join(lines)


def report(r: dict[str, Any]) -> None:
    print(f"\nMedians of {r['runs']} runs (the 1.6 Mbit/s run: 1), measure {r['measure']}, "
          f"links emulated by {r.get('emulation', 'cdp')}, "
          "navigation → first result, bytes from nginx's log\n")
    print(table(r))
    for verdict, ok in r["verdicts"].items():
        print(f"  {'meets' if ok else 'MISSES'}: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", default="3.1")
    parser.add_argument("--field", default="fee", help="a money input of that measure")
    parser.add_argument("--value", default="60000")
    parser.add_argument("--profiles", nargs="*", help=f"a subset of {[*PROFILES, CRAWL[0]]}")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="serve the page without the snapshot (what is it worth warm?)")
    parser.add_argument("--ours-only", action="store_true", help="skip the naive page")
    parser.add_argument("--emulation", choices=("proxy", "cdp"), default="proxy",
                        help="emulate the phone links below the browser (scripts/netlink.py) "
                             "or with Chromium's CDP emulation, which misses the service worker")
    parser.add_argument("--markdown", help="also write the table here")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = run(args)
    report(results)
    if args.markdown:
        Path(args.markdown).write_text(table(results) + "\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
