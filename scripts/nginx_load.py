"""Load benchmark of deploy/nginx.conf: can one client holding many half-open connections keep
honest visitors out?

nginx (generator/serve/preview.py) serves a built site on 127.0.0.1. An attacker opens ``--attack``
connections from one loopback address (127.0.0.2), sends half a request header on each and
holds it, reopening any the server closes; once they are open, ``--clients`` honest keep-alive
clients, each from its own loopback address (127.1.x.y, as visitors have their own addresses;
nothing leaves the machine), fetch the home page ``--requests`` times over one connection, a
second apart. A request fails when it gets no complete 200 answer within 10 s (a browser
reconnects once when an idle keep-alive connection was closed, so does a client here).

Bounded: at most 4,000 attacking and 2,000 honest connections, and everything stops after
``--seconds`` (at most 180) whatever happens.

    .venv/bin/python scripts/nginx_load.py [--site site] [--conf deploy/nginx.conf]
        [--attack 1600] [--clients 1000] [--requests 3] [--seconds 90] [--json FILE]

Numbers are reported, not asserted (tests/deploy/test_nginx.py checks the configuration).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.serve.preview import CONF, running  # noqa: E402 - after the path is set

HOST = "127.0.0.1"
ATTACKER = "127.0.0.2"
TIMEOUT = 10.0
MAX_ATTACK, MAX_CLIENTS, MAX_SECONDS = 4000, 2000, 180.0


@dataclass
class Attack:
    open_now: int = 0
    peak_open: int = 0
    opened: int = 0
    closed_by_server: int = 0
    failed_to_open: int = 0


@dataclass
class Honest:
    ok: int = 0
    failed: int = 0
    reconnects: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)

    def fail(self, why: str) -> None:
        self.failed += 1
        self.errors[why] = self.errors.get(why, 0) + 1


async def hold(port: int, attack: Attack, stop: float) -> None:
    """One attacking slot: a connection with half a request header, reopened when closed."""
    while time.monotonic() < stop:
        writer = None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(HOST, port, local_addr=(ATTACKER, 0)), TIMEOUT)
            writer.write(b"GET / HTTP/1.1\r\nHost: qz\r\n")  # never the blank line
            await writer.drain()
            attack.opened += 1
            attack.open_now += 1
            attack.peak_open = max(attack.peak_open, attack.open_now)
            try:
                await asyncio.wait_for(reader.read(1), max(0.0, stop - time.monotonic()))
                attack.closed_by_server += 1
            except TimeoutError:
                pass
            except OSError:  # closed with a reset (reset_timedout_connection)
                attack.closed_by_server += 1
            finally:
                attack.open_now -= 1
        except (OSError, TimeoutError):
            attack.failed_to_open += 1
            await asyncio.sleep(0.2)
        finally:
            if writer is not None:
                writer.close()
        await asyncio.sleep(0.01)


async def answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the server keeps the connection) of one whole HTTP/1.1 answer."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])
               if k}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


async def visitor(index: int, port: int, requests: int, honest: Honest, stop: float) -> None:
    source = f"127.1.{index // 250}.{index % 250 + 1}"
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    for number in range(requests):
        if time.monotonic() >= stop:
            break
        started = time.monotonic()
        for attempt in (1, 2):
            fresh = connection is None
            try:
                if connection is None:
                    connection = await asyncio.wait_for(
                        asyncio.open_connection(HOST, port, local_addr=(source, 0)), TIMEOUT)
                reader, writer = connection
                writer.write(b"GET / HTTP/1.1\r\nHost: qz\r\nConnection: keep-alive\r\n\r\n")
                status, keep = await asyncio.wait_for(answer(reader), TIMEOUT)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
                if connection is not None:
                    connection[1].close()
                    connection = None
                if not fresh and attempt == 1:  # an idle keep-alive connection closed: again
                    honest.reconnects += 1
                    continue
                honest.fail(type(error).__name__)
                break
            if status == 200:
                honest.ok += 1
                honest.seconds.append(time.monotonic() - started)
            else:
                honest.fail(f"HTTP {status}")
            if not keep:
                connection[1].close()
                connection = None
            break
        if number + 1 < requests:
            await asyncio.sleep(1.0)
    if connection is not None:
        connection[1].close()


async def run(port: int, attackers: int, clients: int, requests: int,
              seconds: float) -> dict[str, object]:
    start = time.monotonic()
    stop = start + seconds
    attack, honest = Attack(), Honest()
    holders = [asyncio.create_task(hold(port, attack, stop)) for _ in range(attackers)]
    while attack.open_now < attackers and time.monotonic() < min(stop, start + 15):
        await asyncio.sleep(0.1)  # the attack is in place before the visitors come
    ramp = time.monotonic() - start
    open_at_ramp = attack.open_now
    visitors = [asyncio.create_task(visitor(i, port, requests, honest, stop))
                for i in range(clients)]
    # Bounded: whatever is still waiting at the deadline is stopped and counted as unanswered.
    await asyncio.wait(visitors, timeout=max(0.0, stop - time.monotonic()) + 1)
    for task in visitors:
        task.cancel()
    await asyncio.gather(*visitors, return_exceptions=True)
    visits = time.monotonic() - start - ramp
    for task in holders:
        task.cancel()
    await asyncio.gather(*holders, return_exceptions=True)
    times = sorted(honest.seconds)
    return {
        "attack": asdict(attack),
        "attack_open_when_visitors_came": open_at_ramp,
        "attack_ramp_seconds": round(ramp, 2),
        "honest_requests": clients * requests,
        "honest_ok": honest.ok,
        "honest_failed": honest.failed,
        "honest_unanswered": clients * requests - honest.ok - honest.failed,
        "honest_reconnects": honest.reconnects,
        "honest_errors": honest.errors,
        "latency_p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
        "latency_p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1) if times else None,
        "latency_max_ms": round(times[-1] * 1000, 1) if times else None,
        "visit_phase_seconds": round(visits, 2),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--conf", type=Path, default=CONF)
    parser.add_argument("--attack", type=int, default=1600)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    attackers = max(0, min(args.attack, MAX_ATTACK))
    clients = max(1, min(args.clients, MAX_CLIENTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    if not (args.site / "index.html").is_file():
        print(f"nginx_load: {args.site} is not a built site (run `make site`)", file=sys.stderr)
        return 1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = attackers + clients + 256
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed), hard))
    with running(args.site, conf=args.conf) as nginx:
        port = int(nginx.url.rsplit(":", 1)[1].rstrip("/"))
        result = asyncio.run(run(port, attackers, clients, max(1, args.requests), seconds))
    conf = args.conf.resolve()
    result = {"conf": str(conf.relative_to(ROOT) if conf.is_relative_to(ROOT) else conf),
              "attack_connections": attackers,
              "honest_clients": clients, **result}
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
