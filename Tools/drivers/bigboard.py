#!/usr/bin/env python3
"""The big room of Tools/bench-rooms (BIGBOARD=MB): fills one whiteboard room
of a running `huddle serve` with a board of about MB megabytes through the
room's real inputs, then has a client join that room every EVERY seconds,
read its whole streamed snapshot (acknowledging each `snapshot-chunk`) and
leave, and reports each join's snapshot bytes and time.

    bigboard.py HOST PORT MEGABYTES EVERY DRAWERS

Raw Engine.IO v4 / Socket.IO v5 over WebSocket (the `websockets` package of
Tests/Interop/requirements.txt), no permessage-deflate (as the C driver)
unless BIGJOIN_DEFLATE=1, asyncio in one thread.

1. Fill. DRAWERS clients (the room's capacity: every seat taken, so that the
   load driver's clients, which join-or-create by kind, never land in this
   room) join the first whiteboard room and draw 2000 strokes of
   ceil(MB * 1e6 / 8000) points (at most 4096) in appends of 256 points:
   4 bytes a point, 2000 x 2000 points = 16 MB for MEGABYTES=16, under the
   board limit of 16,711,680 bytes. Every input is sent with an ack; each
   drawer sends at most 150 inputs a second (the socket's rate is 200/s)
   and keeps at most 32 unanswered. When every input is answered it prints
   `filled ...` on stderr.
2. On SIGUSR1: one drawer leaves (a seat for the joiner), then every EVERY
   seconds (or at once when a join took longer) a new connection joins,
   reassembles the snapshot from its chunks (each offset checked against
   the bytes so far, the total against the announced length, the header's
   state length against the total), leaves (`leave`, which frees the seat at
   once; a disconnect would hold it for the grace period) and closes.
3. On SIGUSR2 (or SIGTERM): prints one JSON object on stdout (the fill, and
   one record per join: room, snapshot bytes, chunks, and the seconds from
   opening the connection to the join answer and to the snapshot's last
   byte) and exits.

BIGJOIN_DEFLATE=1 in the environment makes the joiners offer
permessage-deflate, as browsers do (the drawers never do).
"""
import asyncio
import json
import math
import os
import random
import signal
import struct
import sys
import time

import websockets

NAMESPACE = "/rooms"
STROKES = 2000
MAX_POINTS_PER_STROKE = 4096
POINTS_PER_APPEND = 256
INPUTS_PER_SECOND = 150
UNANSWERED = 32


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def snapshot_state_length(data):
    """The header of a snapshot (docs/room-protocol.md "Snapshot"): checks
    that header + state + hash is the whole buffer; returns the state length."""
    at = 1  # format
    length, at = read_varint(data, at)  # kind
    at += length
    _, at = read_varint(data, at)  # logicVersion
    length, at = read_varint(data, at)  # roomID
    at += length
    _, at = read_varint(data, at)  # tick
    _, at = read_varint(data, at)  # operationSequence
    members, at = read_varint(data, at)
    for _ in range(members):
        length, at = read_varint(data, at)
        at += length
    state, at = read_varint(data, at)
    if at + state + 8 != len(data):
        raise ValueError(f"snapshot of {len(data)} bytes: header + state {state} + hash do not add up")
    return state


def parse(text):
    """A Socket.IO packet of /rooms: (type, attachments, ack id, data)."""
    kind = int(text[0])
    at = 1
    attachments = 0
    dash = text.find("-", at)
    if kind in (5, 6) and dash > 0:
        attachments = int(text[at:dash])
        at = dash + 1
    if text.startswith(NAMESPACE, at):
        at = text.index(",", at) + 1
    ack = None
    start = at
    while at < len(text) and text[at].isdigit():
        at += 1
    if at > start:
        ack = int(text[start:at])
    data = json.loads(text[at:]) if at < len(text) else None
    return kind, attachments, ack, data


class Client:
    """One /rooms connection: answers pings, acknowledges every `ops` and
    `snapshot-chunk`, resolves the acks of its own events, counts errors."""

    def __init__(self, url, on_chunk=None, deflate=False):
        self.url = url
        self.deflate = deflate
        self.on_chunk = on_chunk
        self.next_id = 0
        self.waiting = {}
        self.errors = 0
        self.error_samples = []
        self.pending = None  # an event (or ack) waiting for its binary attachment

    async def open(self):
        self.ws = await websockets.connect(self.url, compression="deflate" if self.deflate else None, max_size=None, ping_interval=None)
        self.connected = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self.read())
        await self.connected

    async def read(self):
        try:
            async for message in self.ws:
                if isinstance(message, bytes):
                    await self.on_binary(message)
                else:
                    await self.on_text(message)
        except websockets.ConnectionClosed:
            pass
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(ConnectionError("closed"))

    async def on_text(self, text):
        if text[0] == "0":
            await self.ws.send(f"40{NAMESPACE},")
            return
        if text[0] == "2":
            await self.ws.send("3")
            return
        if text[0] != "4":
            return
        kind, attachments, ack, data = parse(text[1:])
        if kind == 0:
            self.connected.set_result(True)
        elif kind == 4:
            self.connected.set_exception(ConnectionError(text))
        elif kind in (3, 6):
            if attachments:
                self.pending = ("ack", ack, data)
            elif ack in self.waiting:
                self.waiting.pop(ack).set_result((data[0], None))
        elif kind in (2, 5):
            if attachments:
                self.pending = ("event", ack, data)
            else:
                await self.on_event(ack, data, None)

    async def on_binary(self, payload):
        what, ack, data = self.pending
        self.pending = None
        if what == "ack":
            if ack in self.waiting:
                self.waiting.pop(ack).set_result((data[0], payload))
        else:
            await self.on_event(ack, data, payload)

    async def on_event(self, ack, data, payload):
        name = data[0]
        if name == "room-error":
            self.errors += 1
            if len(self.error_samples) < 3:
                self.error_samples.append(data[1])
        if name == "snapshot-chunk" and self.on_chunk:
            self.on_chunk(data[1], payload)
        if ack is not None:
            await self.ws.send(f"43{NAMESPACE},{ack}[]")

    async def emit(self, event, argument=None, payload=None):
        """Sends an event with an ack; returns a future of (answer, attachment)."""
        self.next_id += 1
        ack = self.next_id
        future = asyncio.get_running_loop().create_future()
        self.waiting[ack] = future
        if payload is not None:
            header = f'51-{NAMESPACE},{ack}["{event}",{{"_placeholder":true,"num":0}}]'
            await self.ws.send("4" + header)
            await self.ws.send(payload)
        else:
            body = json.dumps([event] if argument is None else [event, argument])
            await self.ws.send(f"42{NAMESPACE},{ack}{body}")
        return future

    async def close(self):
        await self.ws.close()
        await self.reader


def stroke_inputs(stroke_id, points, rng):
    """The inputs of one stroke: begin, appends of 256 points (a random walk), end."""
    yield bytes([0x02]) + varint(stroke_id) + struct.pack("<IB", rng.randrange(0x1000000), 3)
    x, y = rng.randrange(4096), rng.randrange(4096)
    left = points
    while left > 0:
        count = min(left, POINTS_PER_APPEND)
        left -= count
        run = bytearray([0x03]) + varint(stroke_id) + varint(count)
        for _ in range(count):
            x = min(max(x + rng.randrange(9) - 4, 0), 4095)
            y = min(max(y + rng.randrange(9) - 4, 0), 4095)
            run += struct.pack("<HH", x, y)
        yield bytes(run)
    yield bytes([0x04]) + varint(stroke_id)


async def draw(client, index, drawers, points, stats):
    """Drawer `index` draws strokes index+1, index+1+drawers, … paced and windowed."""
    rng = random.Random(7 + index)
    interval = 1 / INPUTS_PER_SECOND
    next_send = time.monotonic()
    window = asyncio.Semaphore(UNANSWERED)

    async def answered(future):
        try:
            answer, _ = await future
            if "error" in answer:
                stats["refused"] += 1
                if len(stats["refusals"]) < 3:
                    stats["refusals"].append(answer)
            else:
                stats["applied"] += 1
        finally:
            window.release()

    tasks = []
    for stroke in range(index, STROKES, drawers):
        for data in stroke_inputs(stroke + 1, points, rng):
            await window.acquire()
            delay = next_send - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            next_send = max(next_send + interval, time.monotonic() - 0.1)
            tasks.append(asyncio.create_task(answered(await client.emit("input", payload=data))))
            stats["sent"] += 1
    await asyncio.gather(*tasks)


async def join_once(url):
    """Connects, joins, reads the whole snapshot, leaves, closes: one record."""
    buffer = bytearray()
    chunks = [0]
    done = asyncio.get_running_loop().create_future()
    expected = [None]

    def on_chunk(meta, payload):
        if done.done():
            return
        if meta["offset"] != len(buffer) or (expected[0] is not None and meta["total"] != expected[0]):
            done.set_exception(ValueError(f"chunk at {meta['offset']} of {meta['total']} after {len(buffer)} bytes"))
            return
        buffer.extend(payload)
        chunks[0] += 1
        if len(buffer) >= meta["total"] and not done.done():
            done.set_result(time.monotonic())

    client = Client(url, on_chunk, deflate=os.environ.get("BIGJOIN_DEFLATE") == "1")
    start = time.monotonic()
    await client.open()
    answer, attachment = await (await client.emit("join", {"kind": "whiteboard"}))
    answered = time.monotonic()
    if "error" in answer:
        await client.close()
        return {"error": answer["error"]}
    if "snapshotStream" in answer:
        expected[0] = answer["snapshotStream"]["length"]
        end = await asyncio.wait_for(done, 60)
        snapshot = bytes(buffer)
    else:
        end, snapshot = answered, attachment
    state = snapshot_state_length(snapshot)
    await (await client.emit("leave"))
    await client.close()
    return {"room": answer["room"], "bytes": len(snapshot), "stateBytes": state, "chunks": chunks[0],
            "streamed": "snapshotStream" in answer,
            "answerSeconds": round(answered - start, 4), "seconds": round(end - start, 4)}


async def main():
    host, port, megabytes, every, drawers = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    url = f"ws://{host}:{port}/socket.io/?EIO=4&transport=websocket"
    loop = asyncio.get_running_loop()
    start_joining, stop = asyncio.Event(), asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, start_joining.set)
    loop.add_signal_handler(signal.SIGUSR2, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    points = min(MAX_POINTS_PER_STROKE, math.ceil(megabytes * 1e6 / (4 * STROKES)))
    report = {"strokes": STROKES, "pointsPerStroke": points, "drawers": drawers,
              "joinerDeflate": os.environ.get("BIGJOIN_DEFLATE") == "1"}
    clients, rooms = [], set()
    for _ in range(drawers):
        client = Client(url)
        await client.open()
        answer, _ = await (await client.emit("join", {"kind": "whiteboard"}))
        if "error" in answer:
            raise SystemExit(f"drawer join refused: {answer}")
        rooms.add(answer["room"])
        clients.append(client)
    if len(rooms) != 1:
        raise SystemExit(f"the drawers landed in several rooms: {sorted(rooms)}")
    report["room"] = rooms.pop()
    stats = {"sent": 0, "applied": 0, "refused": 0, "refusals": []}
    began = time.monotonic()
    await asyncio.gather(*(draw(c, i, drawers, points, stats) for i, c in enumerate(clients)))
    report["fill"] = dict(stats, seconds=round(time.monotonic() - began, 1),
                          roomErrors=sum(c.errors for c in clients))
    log(f"filled {report['room']}: {stats['applied']} inputs applied, {stats['refused']} refused, "
        f"in {report['fill']['seconds']} s")

    joins = []

    async def joiner():
        await start_joining.wait()
        await (await clients[-1].emit("leave"))
        next_join = time.monotonic()
        while not stop.is_set():
            delay = next_join - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                    break
                except asyncio.TimeoutError:
                    pass
            next_join = max(next_join + every, time.monotonic())
            try:
                record = await join_once(url)
            except Exception as error:  # a failed join is reported, not fatal
                record = {"error": repr(error)}
            record["at"] = round(time.time(), 3)
            joins.append(record)

    task = asyncio.create_task(joiner())
    await stop.wait()
    await task
    report["joins"] = joins
    report["drawersRoomErrors"] = sum(c.errors for c in clients)
    print(json.dumps(report), flush=True)
    for client in clients:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
