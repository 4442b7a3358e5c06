#!/usr/bin/env python3
"""Holds N slow connections (slowloris) against a server, for Tools/bench --slow.

Each connection sends a request line and one header, then one more header
line every --trickle seconds, and never ends its headers. A connection the
server closes is opened again (a real attacker keeps the pressure up), so
about N are held during the whole run. On SIGTERM or SIGINT it prints one
line, `SLOW key=value ...`: how many were opened, how many the server
closed, how long those lived (min, median, max seconds), how many connects
were refused, and how many were open at the end.

    Tools/drivers/slow-connections.py --port 3000 --count 5000
"""
import argparse
import asyncio
import signal
import statistics
import time


class Pressure:
    def __init__(self, port, count, trickle):
        self.port, self.count, self.trickle = port, count, trickle
        self.opened = self.refused = self.open = 0
        self.lifetimes = []
        self.ready = asyncio.Event()

    async def hold_one(self):
        """One slot: a slow connection, reopened whenever it is closed."""
        while True:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                self.refused += 1
                await asyncio.sleep(0.5)
                continue
            self.opened += 1
            self.open += 1
            if self.open >= self.count:
                self.ready.set()
            started = time.monotonic()
            try:
                writer.write(b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                await writer.drain()
                while True:
                    try:
                        data = await asyncio.wait_for(reader.read(4096), self.trickle)
                    except asyncio.TimeoutError:
                        writer.write(b"X-Slow: 1\r\n")
                        await writer.drain()
                        continue
                    if not data:
                        break  # closed by the server (after its 408, or at once)
            except (ConnectionError, OSError):
                pass
            self.open -= 1
            self.lifetimes.append(time.monotonic() - started)
            writer.close()

    def summary(self):
        lives = sorted(self.lifetimes)
        figure = lambda v: f"{v:.1f}"
        return (f"SLOW opened={self.opened} closed_by_server={len(lives)} open_now={self.open} refused={self.refused} "
                f"lifetime_min_s={figure(lives[0]) if lives else 'NA'} "
                f"lifetime_median_s={figure(statistics.median(lives)) if lives else 'NA'} "
                f"lifetime_max_s={figure(lives[-1]) if lives else 'NA'}")


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--trickle", type=float, default=10.0, help="seconds between header lines")
    args = parser.parse_args()
    pressure = Pressure(args.port, args.count, args.trickle)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    slots = []
    for index in range(args.count):
        slots.append(asyncio.create_task(pressure.hold_one()))
        if index % 200 == 199:
            await asyncio.sleep(0.05)  # ramp up without a SYN flood
    await pressure.ready.wait()
    print(f"READY open={pressure.open}", flush=True)
    await stop.wait()
    print(pressure.summary(), flush=True)
    for slot in slots:
        slot.cancel()


if __name__ == "__main__":
    asyncio.run(main())
