"""An emulated phone link for the network benchmark: a TCP proxy in front of nginx whose
connections all share one downlink and one uplink of a given bandwidth and round-trip time.

Why not only Chromium's emulation (CDP ``Network.emulateNetworkConditions``): it throttles the
page and its dedicated worker, but not a service worker's own fetches. Measured here (Chromium
156, 5 Mbit/s, 150 ms): on a second visit the page's HTML, which the service worker revalidates
with nginx, came back 5–9 ms after navigation started, with the emulation also sent to the
service worker's target through ``Target.setAutoAttach``. A page controlled by a service worker
then looked faster than a phone would find it. Below the browser every request pays alike.

The model, per direction: a chunk read from one side joins the link's one queue (its bytes leave
at the link's rate, after the chunks before it on any connection) and arrives half a round trip
after it left. A new connection pays one round trip for its handshake before its first request
goes out. Not modelled: TCP slow start, loss; the queue is deep (nginx writes into it at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

CHUNK = 16 * 1024  # bytes per scheduling step: 26 ms at 5 Mbit/s


class Wire:
    """One direction of the link: bytes leave in order, at ``rate`` bytes/s."""

    def __init__(self, bits_per_s: float) -> None:
        self.rate = bits_per_s / 8
        self.free = 0.0  # loop time at which the last queued byte has left

    def send(self, now: float, size: int) -> float:
        """When a chunk of ``size`` bytes queued at ``now`` has left."""
        self.free = max(now, self.free) + size / self.rate
        return self.free


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, wire: Wire,
                delay: float, first_delay: float = 0.0) -> None:
    """Copies ``reader`` to ``writer`` through ``wire``: each chunk arrives ``delay`` s after it
    left (``first_delay`` more for the first one: the handshake)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            at, data = await queue.get()
            wait = at - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                break
            writer.write(data)
            await writer.drain()

    delivering = asyncio.create_task(deliver())
    extra = first_delay
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            queue.put_nowait((wire.send(loop.time(), len(data)) + delay + extra, data))
            extra = 0.0
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((wire.free + delay, b""))
    with contextlib.suppress(ConnectionError, OSError):
        await delivering
    with contextlib.suppress(ConnectionError, OSError, RuntimeError):
        writer.close()


class Link:
    """Listens on 127.0.0.1 (an ephemeral port: :attr:`port`) and forwards to ``target``."""

    def __init__(self, target_port: int, down_bits: float, up_bits: float, rtt_ms: float) -> None:
        self.target_port = target_port
        self.down = Wire(down_bits)
        self.up = Wire(up_bits)
        self.half = rtt_ms / 2000
        self.rtt = rtt_ms / 1000
        self.port = 0

    async def _serve(self, client_r: asyncio.StreamReader,
                     client_w: asyncio.StreamWriter) -> None:
        writers = [client_w]
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
            writers.append(server_w)
            await asyncio.gather(
                _pump(client_r, server_w, self.up, self.half, first_delay=self.rtt),
                _pump(server_r, client_w, self.down, self.half),
                return_exceptions=True)
        except (OSError, asyncio.CancelledError):
            pass  # nginx refused, or the link stopped with this connection open
        finally:
            for writer in writers:
                writer.close()

    @contextlib.contextmanager
    def running(self) -> Iterator[Link]:
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        stop: asyncio.Future[None] | None = None

        async def main() -> None:
            nonlocal stop
            server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            stop = loop.create_future()
            ready.set()
            await stop
            server.close()  # open connections are closed as their tasks are cancelled
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0.05)  # the closed transports finish closing

        def run() -> None:
            try:
                loop.run_until_complete(main())
            finally:
                loop.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait(10)
        try:
            yield self
        finally:
            if stop is not None:
                loop.call_soon_threadsafe(stop.set_result, None)
            thread.join(10)
