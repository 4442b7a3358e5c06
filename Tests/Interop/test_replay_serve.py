"""End-to-end test of `huddle replay ID --serve`: a recorded whiteboard
session streamed into the Socket.IO namespace /replay, watched by a
python-socketio client (frames, hashes, seek, pause, errors), the viewer
page served over HTTP, and a clean SIGTERM (exit 0)."""
import asyncio
import json
import sqlite3
import urllib.request

import pytest

from conftest import RunningServer
from test_cli import huddle, synthesize

socketio = pytest.importorskip("socketio")

NS = "/replay"
TIMEOUT = 10


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A whiteboard session of 1300 ticks (snapshots at 600 and 1200) and its recorded hashes."""
    db = tmp_path_factory.mktemp("replay-serve") / "sessions.sqlite"
    synthesize(db, "--ticks", "1300", "--members", "3")
    lines = [json.loads(l) for l in huddle("export", "1", "--format", "jsonl", "--db", db, check=0).stdout.splitlines()]
    hashes = {l["tick"]: int(l["hash"], 16) for l in lines if l["type"] == "tick"}
    assert len(hashes) == 1300
    return db, hashes


class Viewer:
    """A /replay client that queues every server event in arrival order."""

    def __init__(self):
        self.client = socketio.AsyncClient(reconnection=False)
        self.events = asyncio.Queue()
        for name in ("replay-info", "replay-frame", "replay-end", "replay-diverged"):
            self.client.on(name, self._queue(name), namespace=NS)

    def _queue(self, name):
        async def handler(*args):
            await self.events.put((name, args))
        return handler

    async def next(self, name, timeout=TIMEOUT):
        """The next event called `name` (others of other names are skipped)."""
        while True:
            event, args = await asyncio.wait_for(self.events.get(), timeout)
            if event == name:
                return args

    async def frame(self, timeout=TIMEOUT):
        payload, attachment = await self.next("replay-frame", timeout)
        assert isinstance(attachment, bytes) and attachment[0] == 1, "the snapshot format byte"
        return payload["tick"], int(payload["hash"])

    def drain(self):
        while not self.events.empty():
            self.events.get_nowait()

    async def call(self, event, data=None):
        return await self.client.call(event, data, namespace=NS, timeout=TIMEOUT)


def test_replay_serve_streams_seeks_pauses_and_stops(session):
    db, hashes = session
    server = RunningServer(["1", "--serve", "--db", str(db), "--speed", "8"], binary="huddle", subcommand=("replay",))
    try:
        with urllib.request.urlopen(server.url + "/replay.html", timeout=TIMEOUT) as response:
            assert response.status == 200
            page = response.read().decode()
            assert "/js/replay.js" in page and "socket.io.min.js" in page
        with urllib.request.urlopen(server.url + "/js/replay.js", timeout=TIMEOUT) as response:
            assert "/sdk/huddle-rooms.js" in response.read().decode()
        with urllib.request.urlopen(server.url + "/sdk/replay.js", timeout=TIMEOUT) as response:
            assert "replay-frame" in response.read().decode()
        asyncio.run(watch(server, hashes))
    finally:
        code = server.stop()
    assert code == 0, f"huddle replay --serve exited with {code}: {server.proc.stderr.read()}"


async def watch(server, hashes):
    viewer = Viewer()
    await viewer.client.connect(server.url, namespaces=[NS], transports=["websocket"], wait_timeout=TIMEOUT)
    try:
        (info,) = await viewer.next("replay-info")
        assert info["session"] == 1 and info["kind"] == "whiteboard"
        assert info["firstTick"] == 1 and info["lastTick"] == 1300 and info["speed"] == 8

        # Frames flow, ticks increase, every hash is the recorded one.
        ticks = []
        while len(ticks) < 8:
            tick, digest = await viewer.frame()
            assert digest == hashes[tick], f"tick {tick}"
            ticks.append(tick)
        assert ticks == sorted(set(ticks)) and ticks[0] >= 1

        # Seek back past a snapshot boundary: the frame of that tick, then on from there.
        target = 650 if ticks[-1] < 650 else 100
        answer = await viewer.call("replay-seek", {"tick": target})
        assert answer == {"ok": True, "tick": target}, answer
        while True:
            tick, digest = await viewer.frame()
            if tick == target:
                break
        assert digest == hashes[target]
        tick, digest = await viewer.frame()
        assert target < tick <= target + 8 and digest == hashes[tick]
        seek_back = tick - 50
        answer = await viewer.call("replay-seek", {"tick": seek_back})
        assert answer == {"ok": True, "tick": seek_back}, answer
        while (await viewer.frame())[0] != seek_back:
            pass

        # Bad input: error acks, the replay undisturbed.
        for event, data in [("replay-seek", {"tick": 99999}), ("replay-seek", {"tick": -3}), ("replay-seek", "garbage"),
                            ("replay-speed", {"speed": -1}), ("replay-speed", {"speed": 1000}), ("replay-speed", "fast")]:
            answer = await viewer.call(event, data)
            assert "error" in answer, (event, data, answer)
        tick, digest = await viewer.frame()
        assert tick > seek_back and digest == hashes[tick]

        # Pause: no frame arrives until resumed.
        answer = await viewer.call("replay-pause")
        assert answer["ok"] and answer["paused"]
        paused_at = answer["tick"]
        assert (await viewer.next("replay-info"))[0]["paused"] is True
        viewer.drain()
        with pytest.raises(asyncio.TimeoutError):
            await viewer.next("replay-frame", timeout=1.0)
        answer = await viewer.call("replay-resume")
        assert answer["ok"] and not answer["paused"]
        tick, digest = await viewer.frame()
        assert tick > paused_at and digest == hashes[tick]

        # Fast to the end: replay-end, then paused.
        assert (await viewer.call("replay-speed", {"speed": 64}))["speed"] == 64
        (end,) = await viewer.next("replay-end", timeout=30)
        assert end["tick"] == 1300
        viewer.drain()
        with pytest.raises(asyncio.TimeoutError):
            await viewer.next("replay-frame", timeout=0.5)
        # Resuming at the end ends again and stays paused.
        answer = await viewer.call("replay-resume")
        assert answer["paused"] and answer["tick"] == 1300, answer
        assert (await viewer.next("replay-end"))[0]["tick"] == 1300
        # Seeking still works at the end.
        assert (await viewer.call("replay-seek", {"tick": 1250}))["tick"] == 1250
        tick, digest = await viewer.frame()
        assert tick == 1250 and digest == hashes[1250]
    finally:
        await viewer.client.disconnect()


def test_replay_serve_pauses_at_a_divergence(session, tmp_path):
    db, hashes = session
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(db.read_bytes())
    with sqlite3.connect(broken) as conn:
        conn.execute("UPDATE tick SET state_hash = state_hash + 1 WHERE session_id = 1 AND tick = 777")
    server = RunningServer(["1", "--serve", "--db", str(broken), "--speed", "64", "--from", "700"],
                           binary="huddle", subcommand=("replay",))
    try:
        asyncio.run(diverge(server, hashes))
    finally:
        code = server.stop()
    assert code == 0, f"huddle replay --serve exited with {code}"


async def diverge(server, hashes):
    viewer = Viewer()
    await viewer.client.connect(server.url, namespaces=[NS], transports=["websocket"], wait_timeout=TIMEOUT)
    try:
        tick, digest = await viewer.frame()
        assert tick == 700 and digest == hashes[700]
        (diverged,) = await viewer.next("replay-diverged")
        assert diverged["tick"] == 777
        info = await viewer.call("replay-pause")
        assert info["tick"] == 776, info
        # Seeking before the bad tick still works; resuming diverges again.
        assert (await viewer.call("replay-seek", {"tick": 760}))["tick"] == 760
        assert (await viewer.call("replay-resume"))["ok"]
        assert (await viewer.next("replay-diverged"))[0]["tick"] == 777
    finally:
        await viewer.client.disconnect()
