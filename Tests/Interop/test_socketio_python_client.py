"""python-socketio's client (PyPI) against the conformance server's
/socket.io/ endpoint: every row of shared/conformance-app.md, over polling,
websocket, and polling upgraded to websocket."""
import queue
import threading

import engineio
import pytest
import socketio

# Servers batch every queued packet in one polling response; python-engineio
# refuses more than 16 per payload unless told otherwise.
engineio.payload.Payload.max_decode_packets = 1000

MODES = {
    "polling": ["polling"],
    "websocket": ["websocket"],
    "upgrade": ["polling", "websocket"],
}
BLOB = bytes(range(256))


class Client:
    """A python-socketio client whose received events land in queues."""

    def __init__(self, server, mode, namespaces=("/",), auth=None):
        self.sio = socketio.Client(reconnection=False)
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


@pytest.fixture(params=list(MODES))
def mode(request):
    return request.param


def test_auth_on_connection(server, mode):
    c = Client(server, mode, auth={"token": "abc", "n": 1})
    try:
        assert c.next("auth") == ({"token": "abc", "n": 1},)
    finally:
        c.close()


def test_auth_is_empty_object_without_auth(server, mode):
    c = Client(server, mode)
    try:
        assert c.next("auth") == ({},)
    finally:
        c.close()


def test_message_comes_back(server, mode):
    c = Client(server, mode)
    try:
        c.sio.emit("message", (1, "two", {"three": [True, None, 4.5]}))
        assert c.next("message-back") == (1, "two", {"three": [True, None, 4.5]})
    finally:
        c.close()


def test_message_with_ack(server, mode):
    c = Client(server, mode)
    try:
        assert c.sio.call("message-with-ack", (1, "2", {"3": [False]}), timeout=10) == (1, "2", {"3": [False]})
    finally:
        c.close()


def test_echo_with_and_without_ack(server, mode):
    c = Client(server, mode)
    try:
        assert c.sio.call("echo", "hello", timeout=10) == "hello"
        c.sio.emit("echo", ("a", 2))
        assert c.next("echo") == ("a", 2)
    finally:
        c.close()


@pytest.mark.parametrize("value", [
    BLOB,
    [BLOB, {"nested": [BLOB, b"\x00"]}],
    {"a": {"b": {"c": [1, {"d": BLOB}]}}},
], ids=["top", "array-and-object", "deep"])
def test_binary_round_trips_at_any_depth(server, mode, value):
    c = Client(server, mode)
    try:
        assert c.sio.call("echo", value, timeout=10) == value
        c.sio.emit("message", (value, "text", value))
        assert c.next("message-back") == (value, "text", value)
    finally:
        c.close()


def test_rooms_and_broadcast(server, mode):
    a, b, outsider = Client(server, mode), Client(server, mode), Client(server, mode)
    try:
        assert a.sio.call("join", f"room-{mode}", timeout=10) is None
        assert b.sio.call("join", f"room-{mode}", timeout=10) is None
        a.sio.emit("to-room", (f"room-{mode}", "hi", BLOB))
        assert a.next("room-message") == ("hi", BLOB)
        assert b.next("room-message") == ("hi", BLOB)
        b.sio.call("leave", f"room-{mode}", timeout=10)
        a.sio.emit("to-room", (f"room-{mode}", "again"))
        assert a.next("room-message") == ("again",)
        # the broadcast row: everybody but the sender
        outsider.sio.emit("broadcast", ("all", 1))
        assert a.next("broadcast") == ("all", 1)
        assert b.next("broadcast") == ("all", 1)
        # nothing queued that should not be
        assert b.queue("/", "room-message").empty()
        assert outsider.queue("/", "broadcast").empty()
        assert outsider.queue("/", "room-message").empty()
    finally:
        for c in (a, b, outsider):
            c.close()


def test_ask_reaches_the_client_and_returns_its_answer(server, mode):
    c = Client(server, mode)
    try:
        c.sio.on("question", lambda payload: {"answer": payload["q"] * 2})
        assert c.sio.call("ask", {"q": 21}, timeout=10) == {"answer": 42}
    finally:
        c.close()


def test_ask_times_out_when_the_client_does_not_answer(server):
    """The contract's 2000 ms ack timeout: a raw client that never answers
    the question gets {"error":"timeout"} (this test waits those 2 s)."""
    import websocket
    ws = websocket.create_connection(f"{server.ws_url}/socket.io/?EIO=4&transport=websocket", timeout=10)
    assert ws.recv().startswith("0")
    ws.send("40")
    assert ws.recv().startswith("40")
    assert ws.recv() == '42["auth",{}]'
    ws.send('427["ask",{"q":1}]')
    question = ws.recv()
    assert question.startswith("42") and question.endswith('["question",{"q":1}]')
    assert ws.recv() == '437[{"error":"timeout"}]'
    ws.close()


def test_disconnect_me_closes_the_connection(server, mode):
    c = Client(server, mode)
    gone = threading.Event()
    c.sio.on("disconnect", lambda *reason: gone.set())
    c.sio.emit("disconnect-me")
    assert gone.wait(10)
    assert not c.sio.connected


def test_custom_namespace_multiplexed(server, mode):
    c = Client(server, mode, namespaces=("/", "/custom"), auth={"k": "v"})
    try:
        assert c.next("auth", "/") == ({"k": "v"},)
        assert c.next("auth", "/custom") == ({"k": "v"},)
        c.sio.emit("message", "main", namespace="/")
        assert c.next("message-back", "/") == ("main",)
    finally:
        c.close()


def test_private_namespace_refusal_carries_data(server, mode):
    sio = socketio.Client(reconnection=False)
    errors = queue.Queue()
    sio.on("connect_error", lambda data: errors.put(data), namespace="/private")
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(server.url, transports=MODES[mode], namespaces=["/private"], auth={"token": "nope"}, wait_timeout=10)
    assert errors.get(timeout=10) == {"message": "unauthorized", "data": {"code": 401}}
    sio.disconnect()


def test_private_namespace_admitted_with_the_secret(server, mode):
    c = Client(server, mode, namespaces=("/private",), auth={"token": "secret"})
    try:
        assert c.next("auth", "/private") == ({"token": "secret"},)
        assert c.sio.call("echo", ["x", BLOB], namespace="/private", timeout=10) == ["x", BLOB]
    finally:
        c.close()
