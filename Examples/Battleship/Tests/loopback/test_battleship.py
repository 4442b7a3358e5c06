"""Loopback test of the example: `battleship-huddle serve` records two
python-socketio players playing a whole game over the room protocol, each
seeing only its own fleet; the recording then verifies with the executable's
`verify`, and `replay --serve --as` shows a player's own view of it. Also:
the built-in kinds are served next to Battleship, and the page is served
at /.

Run by Tools/test (BATTLESHIP_BIN_DIR: the example's build directory)."""
import asyncio
import json
import os
import pathlib
import signal
import subprocess
import tempfile
import urllib.request

import socketio

from canonical import Reader, decode, encode_case, u8

HERE = pathlib.Path(__file__).resolve().parent
BIN_DIR = pathlib.Path(os.environ.get("BATTLESHIP_BIN_DIR", HERE.parents[1] / ".build" / "debug"))
EXE = BIN_DIR / "battleship-huddle"
NAMESPACE = "/rooms"

SHIP = {"x": "u8", "y": "u8", "length": "u8", "vertical": "bool"}
CELL = {"x": "u8", "y": "u8"}
SHOT = {"cell": CELL, "result": "string"}
BOARD = {"seat": "u8", "member": "string", "ready": "bool", "ships": ("array", SHIP), "shots": ("array", SHOT)}
VIEW = {"phase": "string", "you": ("optional", "u8"), "turn": "u8", "turnEndsAt": "u64",
        "winner": ("optional", "u8"), "boards": ("array", BOARD)}
OPERATION = ("oneOf", {
    "seated": {"seat": "u8", "member": "string"},
    "left": {"seat": "u8"},
    "phase": {"_0": "string"},
    "placed": {"seat": "u8", "fleet": ("optional", ("array", SHIP))},
    "turn": {"seat": "u8", "endsAt": "u64"},
    "fired": {"by": "u8", "cell": CELL, "result": "string", "sunk": ("optional", SHIP), "timedOut": "bool"},
    "won": {"seat": "u8", "fleets": ("dictionary", "u8", ("array", SHIP))},
    "reset": {},
})


def snapshot_view(data):
    reader = Reader(bytes(data))
    assert reader.u8() == 1
    kind = reader.string()
    reader.varint(), reader.string(), reader.varint()
    sequence = reader.varint()
    for _ in range(reader.varint()):
        reader.string()
    return kind, sequence, decode(VIEW, reader.sub())


class Player:
    def __init__(self, url):
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.view = None
        self.sequence = 0
        self.ops = []
        self.op_ticks = []
        self.changed = asyncio.Event()
        self.sio.on("ops", self._ops, namespace=NAMESPACE)

    async def _ops(self, data):
        reader = Reader(bytes(data))
        while not reader.at_end:
            sequence, tick, payload = reader.varint(), reader.varint(), reader.sub()
            if sequence > self.sequence:
                self.sequence = sequence
                self.ops.append(decode(OPERATION, payload))
                self.op_ticks.append(tick)
        self.changed.set()

    async def join(self, kind="battleship"):
        await self.sio.connect(self.url, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=10)
        answer = await self.sio.call("join", {"kind": kind}, namespace=NAMESPACE, timeout=10)
        assert "error" not in answer, answer
        if kind == "battleship":
            got_kind, self.sequence, self.view = snapshot_view(answer["snapshot"])
            assert got_kind == "battleship"
        self.member = answer["member"]
        return answer

    async def send(self, payload):
        return await self.sio.call("input", payload, namespace=NAMESPACE, timeout=10)

    async def until(self, predicate, timeout=10):
        async def wait():
            while not predicate():
                self.changed.clear()
                await self.changed.wait()
        await asyncio.wait_for(wait(), timeout)

    def saw(self, case):
        return [op for op in self.ops if op["case"] == case]


def start_server(db, *command):
    proc = subprocess.Popen([str(EXE), *(command or ("serve",)), "--port", "0", "--db", db],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on http://"):
        proc.kill()
        raise RuntimeError(f"server did not start: {line!r} {proc.stderr.read()!r}")
    return proc, line.strip().split(" ", 2)[2]


async def play(url):
    ann, bob = Player(url), Player(url)
    await ann.join()
    await bob.join()
    assert ann.view["you"] == 0 and bob.view["you"] == 1
    for player in (ann, bob):
        answer = await player.send(encode_case("randomFleet"))
        assert "receipt" in answer, answer
    await ann.until(lambda: ann.saw("turn"))
    await bob.until(lambda: bob.saw("turn"))

    # Each learns its own fleet, and only that the other placed one.
    for me, seat in ((ann, 0), (bob, 1)):
        placed = {op["seat"]: op["fleet"] for op in me.saw("placed")}
        assert len(placed[seat]) == 4 and placed[1 - seat] is None, placed

    players = {0: ann, 1: bob}
    fired = {0: 0, 1: 0}
    while not ann.saw("won"):
        turn = ann.saw("turn")[-1]["seat"]
        shooter = players[turn]
        cell = fired[turn]
        fired[turn] += 1
        before = len(ann.ops)
        x, y = cell % 8, cell // 8
        answer = await shooter.send(encode_case("fire", {"x": u8(x), "y": u8(y)}))
        assert "receipt" in answer, answer
        await ann.until(lambda: len(ann.ops) > before and ann.ops[-1]["case"] in ("turn", "phase"))
    await bob.until(lambda: bob.saw("won"))
    won = ann.saw("won")[0]
    assert len(won["fleets"]) == 2 and all(len(fleet) == 4 for fleet in won["fleets"].values())
    # A sunk ship is revealed to the shooter as it sinks.
    sunk = [op for op in ann.ops if op["case"] == "fired" and op["result"] == "sunk"]
    assert sunk and all(op["sunk"] is not None for op in sunk)

    # The built-in kinds are served by the same program.
    painter = Player(url)
    answer = await painter.join("whiteboard")
    assert answer["kind"] == "whiteboard"
    for player in (ann, bob, painter):
        await player.sio.disconnect()
    started = ann.op_ticks[ann.ops.index(ann.saw("turn")[0])]
    return ann.member, started


async def replayed_view(url, tick):
    """The frame of `tick` from `replay --serve --as`: a snapshot whose state is that member's view."""
    viewer = socketio.AsyncClient(reconnection=False)
    frames = asyncio.Queue()
    viewer.on("replay-frame", lambda meta, data: frames.put_nowait((meta, data)), namespace="/replay")
    await viewer.connect(url, namespaces=["/replay"], transports=["websocket"], wait_timeout=10)
    answer = await viewer.call("replay-seek", {"tick": tick}, namespace="/replay", timeout=20)
    assert answer.get("ok"), answer
    while True:
        meta, data = await asyncio.wait_for(frames.get(), 20)
        if meta["tick"] == tick:
            break
    await viewer.disconnect()
    return snapshot_view(data)[2]


def test_a_game_recorded_and_verified():
    assert EXE.exists(), f"{EXE} is missing: build the example first"
    with tempfile.TemporaryDirectory() as directory:
        db = str(pathlib.Path(directory, "games.sqlite"))
        proc, url = start_server(db)
        try:
            page = urllib.request.urlopen(url + "/", timeout=10).read().decode()
            assert "Battleship" in page
            assert urllib.request.urlopen(url + "/codable.js", timeout=10).status == 200
            ann, started = asyncio.run(play(url))
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
        listed = subprocess.run([str(EXE), "sessions", "--db", db], capture_output=True, text=True, timeout=60)
        assert "battleship" in listed.stdout and "whiteboard" in listed.stdout, listed.stdout
        verified = subprocess.run([str(EXE), "verify", "--all", "--db", db], capture_output=True, text=True, timeout=120)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert verified.stdout.count("verified ticks") >= 2, verified.stdout

        # The replay, as ann saw it when the game started: her fleet, not bob's.
        rows = json.loads(subprocess.run([str(EXE), "sessions", "--json", "--db", db],
                                         capture_output=True, text=True, timeout=60).stdout)
        session = next(row["id"] for row in rows if row["kind"] == "battleship")
        proc, url = start_server(db, "replay", str(session), "--serve", "--as", ann)
        try:
            view = asyncio.run(replayed_view(url, started))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        assert view["you"] == 0 and view["phase"] == "playing", view
        assert len(view["boards"][0]["ships"]) == 4 and view["boards"][1]["ships"] == [], view
