"""A python-socketio (AsyncClient) member of the /rooms namespace that keeps
what it learnt — the snapshot, the document rebuilt from operations, the
position table mirrored from deltas — and lets tests wait for conditions on
it (never for time to pass).

AsyncClient is used on purpose: python-engineio's threaded client handles
each message on its own thread, so arrival order is not guaranteed; the
asyncio client starts one task per message in arrival order and these
handlers finish their work before awaiting."""
import asyncio

import socketio

import rooms_wire as wire

NAMESPACE = "/rooms"


class RoomClient:
    def __init__(self, url, transport="websocket", fate=lambda tick: "ack"):
        """`fate(tick)` decides what happens to each delta: "ack" (apply and
        acknowledge), "noack" (apply, lose the ack), "lose" (never arrives)."""
        self.url = url
        self.transport = transport
        self.fate = fate
        self.sio = socketio.AsyncClient(reconnection=False)
        self.changed = asyncio.Event()
        self.answer = None
        self.snapshot = None
        self.doc = None
        self.arena = None
        self.arena_ops = []
        self.sequence = 0
        self.faults = []
        self.errors = []
        self.closed = []          # room-closed payloads
        self.operation_log = []   # (sequence, operation tag) of every operation applied
        self.disconnected = asyncio.Event()
        self.mirror = wire.Mirror()
        self.deltas = {"applied": 0, "lost": 0, "bytes": 0, "older_baseline": 0}
        self.sio.on("delta", self._delta, namespace=NAMESPACE)
        self.sio.on("ops", self._ops, namespace=NAMESPACE)
        self.sio.on("room-error", self._error, namespace=NAMESPACE)
        self.sio.on("room-closed", self._closed, namespace=NAMESPACE)
        self.sio.on("disconnect", self._disconnected, namespace=NAMESPACE)

    async def connect(self):
        await self.sio.connect(self.url, namespaces=[NAMESPACE], transports=[self.transport], wait_timeout=10)
        return self

    async def close(self):
        await self.sio.disconnect()
        http = getattr(self.sio.eio, "http", None)
        if http is not None and not http.closed:
            await http.close()


    # ---- requests ------------------------------------------------------------

    async def join(self, kind):
        """Joins; the snapshot is adopted inside the ack callback, before any
        later packet is handled."""
        done = asyncio.get_running_loop().create_future()

        def answered(answer):
            if "snapshot" in answer:
                self._adopt(answer)
            if not done.done():
                done.set_result(answer)

        await self.sio.emit("join", {"kind": kind}, namespace=NAMESPACE, callback=answered)
        return await asyncio.wait_for(done, 10)

    async def rejoin(self, previous, sequence="keep"):
        """`rejoin {seat, sequence}` with `previous`'s seat, carrying on from
        its document (what a client keeps across a reconnection); the missed
        operations (or a snapshot) are applied inside the ack callback, before
        any later packet. `sequence=None` omits it (the document was lost)."""
        self.doc, self.arena, self.sequence = previous.doc, previous.arena, previous.sequence
        self.answer, self.snapshot, self.mirror = previous.answer, previous.snapshot, previous.mirror
        request = {"seat": previous.answer["seat"]}
        if sequence == "keep":
            request["sequence"] = previous.sequence
        elif sequence is not None:
            request["sequence"] = sequence
        done = asyncio.get_running_loop().create_future()

        def answered(answer):
            if "snapshot" in answer:
                self._adopt(answer)
            elif "operations" in answer:
                self.answer = answer
                self._ops(answer["operations"])
            if not done.done():
                done.set_result(answer)

        await self.sio.emit("rejoin", request, namespace=NAMESPACE, callback=answered)
        return await asyncio.wait_for(done, 10)

    async def call(self, event, data=None):
        return await self.sio.call(event, data, namespace=NAMESPACE, timeout=10)

    async def send(self, data):
        await self.sio.emit("input", data, namespace=NAMESPACE)

    async def send_acked(self, data):
        return await self.sio.call("input", data, namespace=NAMESPACE, timeout=10)

    @property
    def member(self):
        return self.answer["member"] if self.answer else None

    @property
    def slot(self):
        if self.doc:
            return next((s for s, m in self.doc["members"].items() if m["id"] == self.member), None)
        if self.arena:
            return next((s for s, p in self.arena["players"].items() if p["member"] == self.member), None)
        return None

    # ---- waiting ---------------------------------------------------------------

    async def wait_until(self, what, predicate, timeout=10):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self

    # ---- handlers (run in arrival order) -----------------------------------------

    def _touch(self):
        self.changed.set()

    def _adopt(self, answer):
        self.answer = answer
        self.snapshot = wire.decode_snapshot(answer["snapshot"])
        self.sequence = self.snapshot["operationSequence"]
        if self.snapshot["kind"] == "whiteboard":
            self.doc = wire.decode_whiteboard(self.snapshot["state"])
            table = {slot: m["cursor"] for slot, m in self.doc["members"].items() if m["cursor"]}
        else:
            self.arena = wire.decode_arena(self.snapshot["state"])
            table = {slot: (p["x"] >> 4, p["y"] >> 4) for slot, p in self.arena["players"].items()}
        self.mirror.adopt(table, self.snapshot["tick"])
        self._touch()

    def _ops(self, data):
        for sequence, _tick, payload in wire.decode_operations(data):
            if sequence <= self.sequence:
                continue
            if sequence != self.sequence + 1:
                self.faults.append(f"gap {self.sequence} -> {sequence}")
            self.sequence = sequence
            self.operation_log.append((sequence, payload[0] if payload else None))
            try:
                if self.doc is not None:
                    wire.apply_whiteboard(self.doc, payload)
                else:
                    self.arena_ops.append(payload)
            except Exception as error:  # recorded, asserted empty by the tests
                self.faults.append(f"operation {sequence}: {error!r}")
        self._touch()
        # returning nothing: python-socketio acknowledges the packet

    async def _delta(self, data):
        fate = self.fate(wire.Reader(data[1:]).varint())
        if fate == "lose":
            self.deltas["lost"] += 1
            return
        reader = wire.Reader(data)
        fmt, tick = reader.u8(), reader.varint()
        if fmt == 2 and reader.varint() > 1:
            self.deltas["older_baseline"] += 1
        try:
            applied = self.mirror.receive(data)
        except Exception as error:
            self.faults.append(f"delta {tick}: {error!r}")
            return
        self.deltas["applied"] += 1
        self.deltas["bytes"] += len(data)
        self._touch()
        if applied is not None and fate == "ack":
            await self.sio.emit("delta-ack", applied, namespace=NAMESPACE)

    def _error(self, error):
        self.errors.append(error)
        self._touch()

    def _closed(self, payload):
        self.closed.append(payload)
        self._touch()

    def _disconnected(self, *reason):
        self.disconnected.set()
        self._touch()


class Clients:
    """Every client a test opens, closed when the test ends (pass or fail)."""

    def __init__(self, url):
        self.url = url
        self.opened = []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        for client in self.opened:
            await client.close()

    async def connect(self, **options):
        client = await RoomClient(self.url, **options).connect()
        self.opened.append(client)
        return client

    async def members(self, count, kind="whiteboard", **options):
        clients = []
        for _ in range(count):
            client = await self.connect(**options)
            answer = await client.join(kind)
            assert "error" not in answer, answer
            clients.append(client)
        return clients
