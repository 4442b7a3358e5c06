"""/metrics, /readyz and the SIGTERM drain of `huddle serve --port 0`,
scraped while clients connect, talk and leave.

The traffic figures are checked exactly: raw clients (websocket-client,
plain HTTP polling) send known packets, wait for the server's answer (an
event, never time: an answer proves every packet sent before it on that
connection was read), then /metrics must have grown by exactly what
crossed the wire at the Engine.IO level. Nothing else talks to the server
meanwhile (the heartbeat's first ping is 25 s away)."""
import asyncio
import json
import pathlib
import subprocess
import tempfile

import pytest
import requests
import websocket

from conftest import BIN_DIR, RunningServer, start_huddle
from rooms_client import Clients

IN, OUT = 'direction="in"', 'direction="out"'


@pytest.fixture
def huddle():
    server = start_huddle()
    yield server
    assert server.stop() == 0, "huddle serve must exit 0 on SIGTERM"


def metrics(server):
    """The /metrics samples as {name with labels: value}."""
    response = requests.get(server.url + "/metrics", timeout=5)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in response.text.splitlines() if line and not line.startswith("#")}


class Traffic:
    """What a test expects /metrics to have counted beyond a first scrape."""

    def __init__(self, server):
        self.server = server
        self.base = metrics(server)
        self.expected = {"packets_in": 0, "packets_out": 0, "bytes_in": 0, "bytes_out": 0}

    def sent(self, *packets):
        for packet in packets:
            self.expected["packets_in"] += 1
            self.expected["bytes_in"] += len(packet.encode() if isinstance(packet, str) else packet)

    def received(self, *packets):
        for packet in packets:
            self.expected["packets_out"] += 1
            self.expected["bytes_out"] += len(packet.encode() if isinstance(packet, str) else packet)

    def check(self):
        now = metrics(self.server)
        grown = {
            "packets_in": now[f"huddle_packets_total{{{IN}}}"] - self.base[f"huddle_packets_total{{{IN}}}"],
            "packets_out": now[f"huddle_packets_total{{{OUT}}}"] - self.base[f"huddle_packets_total{{{OUT}}}"],
            "bytes_in": now[f"huddle_bytes_total{{{IN}}}"] - self.base[f"huddle_bytes_total{{{IN}}}"],
            "bytes_out": now[f"huddle_bytes_total{{{OUT}}}"] - self.base[f"huddle_bytes_total{{{OUT}}}"],
        }
        assert grown == self.expected
        return now


def engine(sample, transport):
    return sample[f'huddle_engine_connections{{transport="{transport}"}}']


def sockets(sample, namespace):
    return sample.get(f'huddle_sockets{{namespace="{namespace}"}}', 0)


def test_traffic_connections_and_sockets_follow_raw_clients_exactly(huddle):
    traffic = Traffic(huddle)
    base = traffic.base
    assert engine(base, "websocket") == 0 and engine(base, "polling") == 0

    # A WebSocket session: the open packet goes out.
    ws = websocket.create_connection(huddle.ws_url + "/socket.io/?EIO=4&transport=websocket", timeout=10)
    opened = ws.recv()
    assert opened.startswith("0{")
    traffic.received(opened)
    now = traffic.check()
    assert engine(now, "websocket") == 1 and now["huddle_engine_sessions"] == 1

    # Into /rooms: one packet each way; a socket of /rooms.
    ws.send("40/rooms,")
    connected = ws.recv()
    assert connected.startswith("40/rooms,{")
    traffic.sent("40/rooms,")
    traffic.received(connected)
    now = traffic.check()
    assert sockets(now, "/rooms") == sockets(base, "/rooms") + 1

    # A binary event (two packets in, unanswered), then a call whose answer
    # proves both were read.
    header, attachment = '451-/rooms,["unknown",{"_placeholder":true,"num":0}]', bytes(range(200))
    ws.send(header)
    ws.send_binary(attachment)
    call = '42/rooms,7["list",{"kind":"whiteboard"}]'
    ws.send(call)
    answer = ws.recv()
    assert answer.startswith("43/rooms,7[")
    traffic.sent(header, attachment, call)
    traffic.received(answer)
    traffic.check()

    # A polling session beside it: its open packet, a CONNECT to /rooms and its answer.
    http = requests.Session()
    handshake = http.get(huddle.url + "/socket.io/?EIO=4&transport=polling", timeout=5).text
    assert handshake.startswith("0{")
    sid = json.loads(handshake[1:])["sid"]
    traffic.received(handshake)
    poll = f"{huddle.url}/socket.io/?EIO=4&transport=polling&sid={sid}"
    assert http.post(poll, data="40/rooms,", timeout=5).text == "ok"
    traffic.sent("40/rooms,")
    polled = http.get(poll, timeout=5).text
    assert polled.startswith("40/rooms,{")
    traffic.received(polled)
    now = traffic.check()
    assert engine(now, "polling") == 1 and engine(now, "websocket") == 1 and now["huddle_engine_sessions"] == 2
    assert sockets(now, "/rooms") == sockets(base, "/rooms") + 2

    # The polling client closes (the session ends before the POST is answered).
    assert http.post(poll, data="1", timeout=5).text == "ok"
    traffic.sent("1")
    now = traffic.check()
    assert engine(now, "polling") == 0 and engine(now, "websocket") == 1
    assert sockets(now, "/rooms") == sockets(base, "/rooms") + 1

    # The WebSocket client closes; the server closing the connection is the
    # event that its session has ended.
    ws.send("1")
    traffic.sent("1")
    with pytest.raises(websocket.WebSocketConnectionClosedException):
        while True:
            if not ws.recv():
                raise websocket.WebSocketConnectionClosedException()
    now = traffic.check()
    assert engine(now, "websocket") == 0 and now["huddle_engine_sessions"] == 0
    assert sockets(now, "/rooms") == sockets(base, "/rooms")


def test_rooms_and_members_follow_clients_that_join_and_leave(huddle):
    before = metrics(huddle)
    assert before['huddle_rooms{kind="whiteboard"}'] == 0 and before['huddle_rooms{kind="arena"}'] == 0
    assert before["huddle_room_members"] == 0

    async def scenario():
        async with Clients(huddle.url) as pool:
            alice, bob = await pool.members(2)
            carol, = await pool.members(1, kind="arena")
            during = metrics(huddle)
            assert during['huddle_rooms{kind="whiteboard"}'] == 1 and during['huddle_rooms{kind="arena"}'] == 1
            assert during["huddle_room_members"] == 3
            assert engine(during, "websocket") == 3 and sockets(during, "/rooms") == 3
            assert during[f"huddle_packets_total{{{IN}}}"] > before[f"huddle_packets_total{{{IN}}}"]
            assert during[f"huddle_bytes_total{{{OUT}}}"] > before[f"huddle_bytes_total{{{OUT}}}"]
            for client in (alice, bob, carol):
                await client.call("leave")
            left = metrics(huddle)
            assert left["huddle_room_members"] == 0
            assert left[f"huddle_packets_total{{{IN}}}"] > during[f"huddle_packets_total{{{IN}}}"]
    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_recording_server_is_ready_reports_its_recorder_and_drains_on_sigterm():
    with tempfile.TemporaryDirectory() as directory:
        db = str(pathlib.Path(directory) / "drain.sqlite")
        server = RunningServer(["--db", db], binary="huddle", subcommand=("serve",))
        try:
            ready = requests.get(server.url + "/readyz", timeout=5)
            assert ready.status_code == 200 and ready.text == "ready\n"
            closed = []

            async def scenario():
                async with Clients(server.url) as pool:
                    alice, = await pool.members(1)
                    sample = metrics(server)
                    assert sample["huddle_recorder_events_total"] > 0
                    assert sample["huddle_recorder_dropped_total"] == 0
                    assert 'huddle_recorder_commit_seconds_bucket{le="+Inf"}' in sample
                    # SIGTERM while alice is in her room: she is told, the server exits 0.
                    server.proc.send_signal(15)
                    await alice.wait_until("room-closed", lambda c: c.closed)
                    closed.extend(alice.closed)
            asyncio.run(asyncio.wait_for(scenario(), 60))
            assert server.proc.wait(timeout=30) == 0
            assert closed and closed[0]["reason"] == "shutdown"
        finally:
            if server.proc.poll() is None:
                server.stop()
        # The recorder committed the room's end before the process exited.
        listing = subprocess.run([str(BIN_DIR / "huddle"), "sessions", "--db", db, "--json"],
                                 capture_output=True, text=True, timeout=30)
        assert listing.returncode == 0, listing.stderr
        sessions = json.loads(listing.stdout)
        assert len(sessions) == 1 and sessions[0]["status"] == "ended", sessions
