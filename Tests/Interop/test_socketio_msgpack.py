"""python-socketio's client (PyPI) with serializer="msgpack" against
`conformance-server --parser msgpack` (socket.io-msgpack-parser's format):
the rows of shared/conformance-app.md that matter for a parser, binary
included, over polling, websocket, and polling upgraded to websocket; plus a
raw WebSocket check that every packet really is one msgpack binary message."""
import queue
import threading

import engineio
import msgpack
import pytest
import socketio
import websocket

from conftest import start_server

# Servers batch every queued packet in one polling response; python-engineio
# refuses more than 16 per payload unless told otherwise.
engineio.payload.Payload.max_decode_packets = 1000

MODES = {
    "polling": ["polling"],
    "websocket": ["websocket"],
    "upgrade": ["polling", "websocket"],
}
BLOB = bytes(range(256))


@pytest.fixture(scope="module")
def msgpack_server():
    server = start_server("--parser", "msgpack")
    yield server
    code = server.stop()
    assert code == 0, f"server exited with {code}"


@pytest.fixture(params=list(MODES))
def mode(request):
    return request.param


class Client:
    """A msgpack python-socketio client whose received events land in queues."""

    def __init__(self, server, mode, namespaces=("/",), auth=None):
        self.sio = socketio.Client(reconnection=False, serializer="msgpack")
        self.events = {}
        self.lock = threading.Lock()
        self.sio.on("*", self._any, namespace="*")
        self.sio.connect(server.url, transports=MODES[mode], namespaces=list(namespaces),
                         auth=auth, wait_timeout=10)

    def _any(self, event, namespace, *args):
        self.queue(namespace, event).put(args)

    def queue(self, namespace, event):
        with self.lock:
            return self.events.setdefault((namespace, event), queue.Queue())

    def next(self, event, namespace="/"):
        return self.queue(namespace, event).get(timeout=10)

    def close(self):
        self.sio.disconnect()


def test_auth_on_connection(msgpack_server, mode):
    c = Client(msgpack_server, mode, auth={"token": "abc", "n": 1})
    try:
        assert c.next("auth") == ({"token": "abc", "n": 1},)
    finally:
        c.close()


def test_events_come_back(msgpack_server, mode):
    c = Client(msgpack_server, mode)
    try:
        c.sio.emit("message", (1, "two", {"three": [True, None, 4.5]}, -7, 2**40))
        assert c.next("message-back") == (1, "two", {"three": [True, None, 4.5]}, -7, 2**40)
        c.sio.emit("echo", ("a", 2))
        assert c.next("echo") == ("a", 2)
    finally:
        c.close()


def test_acks(msgpack_server, mode):
    c = Client(msgpack_server, mode)
    try:
        assert c.sio.call("message-with-ack", (1, "2", {"3": [False]}), timeout=10) == (1, "2", {"3": [False]})
        assert c.sio.call("echo", "hello", timeout=10) == "hello"
    finally:
        c.close()


@pytest.mark.parametrize("value", [
    BLOB,
    [BLOB, {"nested": [BLOB, b"\x00"]}],
    {"a": {"b": {"c": [1, {"d": BLOB}]}}},
    b"",
], ids=["top", "array-and-object", "deep", "empty"])
def test_binary_round_trips_as_binary(msgpack_server, mode, value):
    c = Client(msgpack_server, mode)
    try:
        assert c.sio.call("echo", value, timeout=10) == value
        c.sio.emit("message", (value, "text", value))
        assert c.next("message-back") == (value, "text", value)
    finally:
        c.close()


def test_rooms_and_broadcast(msgpack_server, mode):
    room = f"room-{mode}"
    a, b, outsider = (Client(msgpack_server, mode) for _ in range(3))
    try:
        assert a.sio.call("join", room, timeout=10) is None
        assert b.sio.call("join", room, timeout=10) is None
        a.sio.emit("to-room", (room, "hi", BLOB))
        assert a.next("room-message") == ("hi", BLOB)
        assert b.next("room-message") == ("hi", BLOB)
        b.sio.call("leave", room, timeout=10)
        a.sio.emit("to-room", (room, "again"))
        assert a.next("room-message") == ("again",)
        outsider.sio.emit("broadcast", ("all", BLOB))
        assert a.next("broadcast") == ("all", BLOB)
        assert b.next("broadcast") == ("all", BLOB)
        assert b.queue("/", "room-message").empty()
        assert outsider.queue("/", "broadcast").empty()
        assert outsider.queue("/", "room-message").empty()
    finally:
        for c in (a, b, outsider):
            c.close()


def test_ask_reaches_the_client_and_returns_its_answer(msgpack_server, mode):
    c = Client(msgpack_server, mode)
    try:
        c.sio.on("question", lambda payload: {"answer": payload["q"] * 2, "bytes": payload["b"]})
        assert c.sio.call("ask", {"q": 21, "b": BLOB}, timeout=10) == {"answer": 42, "bytes": BLOB}
    finally:
        c.close()


def test_custom_namespace_multiplexed(msgpack_server, mode):
    c = Client(msgpack_server, mode, namespaces=("/", "/custom"), auth={"k": "v"})
    try:
        assert c.next("auth", "/") == ({"k": "v"},)
        assert c.next("auth", "/custom") == ({"k": "v"},)
        c.sio.emit("message", BLOB, namespace="/custom")
        c.sio.emit("message", "main", namespace="/")
        assert c.next("message-back", "/") == ("main",)
    finally:
        c.close()


def test_private_namespace_refusal_carries_data(msgpack_server, mode):
    sio = socketio.Client(reconnection=False, serializer="msgpack")
    errors = queue.Queue()
    sio.on("connect_error", lambda data: errors.put(data), namespace="/private")
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(msgpack_server.url, transports=MODES[mode], namespaces=["/private"],
                    auth={"token": "nope"}, wait_timeout=10)
    assert errors.get(timeout=10) == {"message": "unauthorized", "data": {"code": 401}}
    sio.disconnect()


def test_private_namespace_admitted_with_the_secret(msgpack_server, mode):
    c = Client(msgpack_server, mode, namespaces=("/private",), auth={"token": "secret"})
    try:
        assert c.next("auth", "/private") == ({"token": "secret"},)
        assert c.sio.call("echo", ["x", BLOB], namespace="/private", timeout=10) == ["x", BLOB]
    finally:
        c.close()


def test_disconnect_me_closes_the_connection(msgpack_server, mode):
    c = Client(msgpack_server, mode)
    gone = threading.Event()
    c.sio.on("disconnect", lambda *reason: gone.set())
    c.sio.emit("disconnect-me")
    assert gone.wait(10)
    assert not c.sio.connected


def test_client_disconnect_then_reconnect(msgpack_server, mode):
    """python-socketio sends DISCONNECT as {"type": 1, "data": None, ...};
    the server accepts it (upstream's parser would refuse the None)."""
    c = Client(msgpack_server, mode)
    c.close()
    c = Client(msgpack_server, mode)
    try:
        assert c.next("auth") == ({},)
    finally:
        c.close()


# --- the wire itself ---------------------------------------------------------

def raw_connect(server):
    ws = websocket.create_connection(f"{server.ws_url}/socket.io/?EIO=4&transport=websocket", timeout=10)
    assert ws.recv().startswith("0{")
    ws.send_binary(msgpack.packb({"type": 0, "data": {}, "nsp": "/"}))
    return ws


def next_packet(ws):
    opcode, data = ws.recv_data()
    assert opcode == websocket.ABNF.OPCODE_BINARY, "every Socket.IO packet is a binary message"
    return data


def test_every_packet_is_one_msgpack_binary_message(msgpack_server):
    ws = raw_connect(msgpack_server)
    try:
        connect = msgpack.unpackb(next_packet(ws))
        assert connect["type"] == 0 and connect["nsp"] == "/" and isinstance(connect["data"]["sid"], str)
        # The contract's `auth` event, byte for byte as a Node server writes it:
        # {type: 2, data: ["auth", {}], nsp: "/"}.
        assert next_packet(ws).hex() == "83a47479706502a46461746192a46175746880a36e7370a12f"
        ws.send_binary(msgpack.packb({"type": 2, "data": ["echo", b"\x01\x02", 2.0], "nsp": "/", "id": 5}))
        # {type: 3, data: [<01 02>, 2], nsp: "/", id: 5}: binary inline, 2.0 written as notepack does.
        assert next_packet(ws).hex() == "84a47479706503a46461746192c402010202a36e7370a12fa2696405"
    finally:
        ws.close()


def test_a_text_packet_closes_the_connection(msgpack_server):
    ws = raw_connect(msgpack_server)
    try:
        next_packet(ws)
        next_packet(ws)
        ws.send('42["message","x"]')
        with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError)):
            while True:
                opcode, _ = ws.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    raise websocket.WebSocketConnectionClosedException("closed")
    finally:
        ws.close()
