"""Socket.IO v2 clients (python-socketio 4.x over python-engineio 3.x, from
PyPI) against the conformance server started with --allow-eio3: Engine.IO
v3 and the Socket.IO protocol's revision 4, over polling, websocket, and
polling upgraded to websocket.

These clients cannot live in the venv of the other loopback tests
(python-socketio 5.x); Tools/test runs this directory with its own venv
(.venv-eio3, Tests/Interop/requirements-eio3.txt)."""
import json
import pathlib
import sys
import threading
import time

import engineio
import pytest
import requests
import socketio

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from conftest import start_server  # noqa: E402 (Tests/Interop/conftest.py)

if not engineio.__version__.startswith("3."):
    pytest.skip("needs python-engineio 3.x (the .venv-eio3 of Tools/test)", allow_module_level=True)

# The server batches every queued packet in one polling response;
# python-engineio refuses more than 16 per payload unless told otherwise.
engineio.payload.Payload.max_decode_packets = 1000

MODES = {
    "polling": ["polling"],
    "websocket": ["websocket"],
    "upgrade": ["polling", "websocket"],
}
BLOB = bytes(range(256))
EVENTS = ("auth", "message-back", "echo", "room-message", "broadcast")


def stop(server):
    code = server.stop()
    assert code == 0, f"server exited with {code}"


@pytest.fixture(scope="module")
def server():
    """Reference heartbeat durations: nothing times out during a test."""
    srv = start_server("--allow-eio3")
    yield srv
    stop(srv)


@pytest.fixture(scope="module")
def fast_server():
    """A heartbeat window (pingInterval + pingTimeout) of one second."""
    srv = start_server("--allow-eio3", "--ping-interval", "500", "--ping-timeout", "500")
    yield srv
    stop(srv)


@pytest.fixture(scope="module")
def v4_only_server():
    srv = start_server()
    yield srv
    stop(srv)


@pytest.fixture(params=list(MODES))
def mode(request):
    return request.param


class Client:
    """A python-socketio 4.x client whose received events land in queues
    (4.x has no catch-all handler: every event of the contract is named)."""

    def __init__(self, server, mode, namespaces=("/",)):
        self.sio = socketio.Client(reconnection=False)
        self.events = {}
        self.cond = threading.Condition()
        self.disconnected = threading.Event()
        self.errors = []
        for namespace in set(namespaces) | {"/"}:
            for event in EVENTS:
                self.sio.on(event, self._recorder(namespace, event), namespace=namespace)
            self.sio.on("connect_error", self._error_recorder(namespace), namespace=namespace)
        self.sio.on("disconnect", self.disconnected.set)
        self.sio.on("question", lambda payload: {"answer": payload}, namespace="/")
        self.sio.connect(server.url, transports=MODES[mode], namespaces=[n for n in namespaces if n != "/"])

    def _recorder(self, namespace, event):
        def record(*args):
            with self.cond:
                self.events.setdefault((namespace, event), []).append(args)
                self.cond.notify_all()
        return record

    def _error_recorder(self, namespace):
        def record(*args):
            with self.cond:
                self.errors.append((namespace, args))
                self.cond.notify_all()
        return record

    def next(self, event, namespace="/", timeout=10):
        with self.cond:
            assert self.cond.wait_for(lambda: self.events.get((namespace, event)), timeout), f"no {event} on {namespace}"
            return self.events[(namespace, event)].pop(0)

    def next_error(self, timeout=10):
        with self.cond:
            assert self.cond.wait_for(lambda: self.errors, timeout), "no connect_error"
            return self.errors.pop(0)

    def close(self):
        if self.sio.eio.state == "connected":
            self.sio.disconnect()


def test_the_main_namespace_is_joined_without_asking(server, mode):
    c = Client(server, mode)
    try:
        assert c.next("auth") == ({},)
        assert c.sio.transport() == MODES[mode][-1]
    finally:
        c.close()


def test_a_custom_namespace(server, mode):
    c = Client(server, mode, namespaces=("/", "/custom"))
    try:
        assert c.next("auth") == ({},)
        assert c.next("auth", "/custom") == ({},)
        c.sio.emit("message", ("to", "root"))
        assert c.next("message-back") == ("to", "root")
    finally:
        c.close()


def test_emit_and_ack(server, mode):
    c = Client(server, mode)
    try:
        c.next("auth")
        c.sio.emit("message", (1, "two", {"three": [True, None, 4.5]}, "é😀"))
        assert c.next("message-back") == (1, "two", {"three": [True, None, 4.5]}, "é😀")
        assert c.sio.call("message-with-ack", (1, "x"), timeout=10) == (1, "x")
        assert c.sio.call("echo", "é€😀", timeout=10) == "é€😀"
        c.sio.emit("echo", ("no", "ack"))
        assert c.next("echo") == ("no", "ack")
    finally:
        c.close()


def test_server_to_client_ack(server, mode):
    c = Client(server, mode)
    try:
        c.next("auth")
        assert c.sio.call("ask", {"q": 1}, timeout=10) == {"answer": {"q": 1}}
    finally:
        c.close()


def test_binary_round_trip(server, mode):
    c = Client(server, mode)
    try:
        c.next("auth")
        # (Not an empty attachment: python-engineio 3.x reads the empty
        # binary message [4] as None, whoever sends it.)
        answer = c.sio.call("message-with-ack", (BLOB, {"nested": [b"\x07", b"\x00\xff"], "text": "t"}), timeout=10)
        assert answer == (BLOB, {"nested": [b"\x07", b"\x00\xff"], "text": "t"})
        c.sio.emit("message", BLOB)
        assert c.next("message-back") == (BLOB,)
    finally:
        c.close()


def test_rooms_and_broadcast(server, mode):
    a, b, outsider = Client(server, mode), Client(server, mode), Client(server, mode)
    try:
        for c in (a, b, outsider):
            c.next("auth")
        assert a.sio.call("join", "lobby", timeout=10) is None
        assert b.sio.call("join", "lobby", timeout=10) is None
        a.sio.emit("to-room", ("lobby", "hi", b"\x01"))
        assert a.next("room-message") == ("hi", b"\x01")
        assert b.next("room-message") == ("hi", b"\x01")
        b.sio.emit("broadcast", ("all", 2))
        assert a.next("broadcast") == ("all", 2)
        assert outsider.next("broadcast") == ("all", 2)
        assert b.sio.call("leave", "lobby", timeout=10) is None
        a.sio.emit("to-room", ("lobby", "again"))
        assert a.next("room-message") == ("again",)
        time.sleep(0.3)
        assert not b.events.get(("/", "room-message")), "b left the room"
        assert not outsider.events.get(("/", "room-message"))
        assert not b.events.get(("/", "broadcast")), "the sender is left out of a broadcast"
    finally:
        for c in (a, b, outsider):
            c.close()


def test_the_private_namespace_refuses_as_a_v2_client_sees_it(server, mode):
    c = Client(server, mode, namespaces=("/", "/private"))
    try:
        assert c.next("auth") == ({},)
        # The reference sends a v2 client a middleware's data (or its
        # message when there is none), not {message, data}.
        assert c.next_error() == ("/private", ({"code": 401},))
        assert c.sio.call("message-with-ack", "still here", timeout=10) == "still here"
    finally:
        c.close()


def test_disconnect_me(server, mode):
    c = Client(server, mode)
    try:
        c.next("auth")
        c.sio.emit("disconnect-me")
        assert c.disconnected.wait(10)
    finally:
        c.close()


def test_client_pings_keep_the_session_alive(fast_server, mode):
    c = Client(fast_server, mode)
    try:
        c.next("auth")
        # Three heartbeat windows: without the client's pings (and the
        # server's pongs) the session would have closed twice over.
        time.sleep(3)
        assert not c.disconnected.is_set()
        assert c.sio.eio.state == "connected"
        assert c.sio.call("message-with-ack", "alive", timeout=10) == "alive"
    finally:
        c.close()


def test_a_v2_client_is_refused_without_allow_eio3(v4_only_server, mode):
    sio = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(v4_only_server.url, transports=MODES[mode])
    r = requests.get(f"{v4_only_server.url}/socket.io/?EIO=3&transport=polling", timeout=5)
    assert r.status_code == 400
    assert r.json() == {"code": 5, "message": "Unsupported protocol version"}


def test_the_engineio_client_on_the_echo_endpoint(server, mode):
    """python-engineio 3.x alone: text and binary messages come back."""
    client = engineio.Client()
    got = []
    done = threading.Event()

    @client.on("message")
    def on_message(data):
        got.append(data)
        if len(got) == 2:
            done.set()

    client.connect(server.url, transports=MODES[mode], engineio_path="engine.io")
    try:
        client.send("héllo 😀")
        client.send(BLOB)
        assert done.wait(10)
        assert got == ["héllo 😀", BLOB]
    finally:
        client.disconnect()


def test_v3_payloads_on_the_wire(server):
    """What the server writes, read with plain HTTP: UTF-16 lengths in text
    payloads, the binary form for a client that did not ask for base64, and
    b4<base64> for one that did."""
    base = f"{server.url}/engine.io/?EIO=3&transport=polling"
    r = requests.get(base, timeout=5)
    assert r.status_code == 200
    length, open_packet = r.text.split(":", 1)
    assert int(length) == len(open_packet.encode("utf-16-le")) // 2
    handshake = json.loads(open_packet[1:])
    assert handshake["pingInterval"] == 25000 and handshake["pingTimeout"] == 20000
    sid = handshake["sid"]
    assert requests.post(f"{base}&sid={sid}", data="3:4😀".encode(), timeout=5).text == "ok"
    assert requests.get(f"{base}&sid={sid}", timeout=5).text == "3:4😀", "😀 counts two UTF-16 units"
    binary = bytes([1, 3, 0xFF, 4, 9, 8])
    assert requests.post(f"{base}&sid={sid}", data=binary, headers={"Content-Type": "application/octet-stream"}, timeout=5).text == "ok"
    echoed = requests.get(f"{base}&sid={sid}", timeout=5)
    assert echoed.headers["content-type"] == "application/octet-stream"
    assert echoed.content == binary

    r = requests.get(f"{base}&b64=1", timeout=5)
    sid = json.loads(r.text.split(":", 1)[1][1:])["sid"]
    assert requests.post(f"{base}&sid={sid}", data="6:b4AQID", timeout=5).text == "ok"
    assert requests.get(f"{base}&sid={sid}", timeout=5).text == "6:b4AQID"
    assert requests.post(f"{base}&sid={sid}", data="1:2", timeout=5).text == "ok"
    assert requests.get(f"{base}&sid={sid}", timeout=5).text == "1:3"
