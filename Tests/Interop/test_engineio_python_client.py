"""python-engineio's client (PyPI) against our /engine.io/ echo endpoint, in
the three transport modes: polling only, websocket only, and polling
upgraded to websocket."""
import queue

import engineio
import pytest

from conftest import start_server

# python-engineio refuses a polling payload of more than 16 packets; servers
# (ours and the reference) batch everything queued, so bursts need more.
engineio.payload.Payload.max_decode_packets = 1000

MODES = {
    "polling": ["polling"],
    "websocket": ["websocket"],
    "upgrade": ["polling", "websocket"],
}


@pytest.fixture(scope="module")
def big_server():
    # 1 MiB messages: over polling a binary one travels as base64 (4/3 larger).
    srv = start_server("--max-payload", "3000000")
    yield srv
    assert srv.stop() == 0


class EchoClient:
    def __init__(self, url, transports):
        self.client = engineio.Client()
        self.messages = queue.Queue()
        self.upgraded = queue.Queue()
        self.client.on("message", self.messages.put)
        self.client.connect(url, transports=transports, engineio_path="engine.io")

    def echo(self, data):
        self.client.send(data)
        return self.messages.get(timeout=10)

    def close(self):
        self.client.disconnect()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("payload", [
    "hello",
    "",
    "UTF-8: é ü €亜Б 😀 \u2028",
    b"\x00\x01\x02\xff",
    b"",
], ids=["text", "empty-text", "utf8", "binary", "empty-binary"])
def test_echo(big_server, mode, payload):
    c = EchoClient(big_server.url, MODES[mode])
    try:
        got = c.echo(payload)
        assert got == payload
        assert type(got) is type(payload)
        if mode == "upgrade":
            # python-engineio upgrades right after the handshake; a second
            # echo then travels over the WebSocket.
            assert c.echo("after") == "after"
    finally:
        c.close()


@pytest.mark.parametrize("mode", MODES)
def test_one_mebibyte(big_server, mode):
    c = EchoClient(big_server.url, MODES[mode])
    try:
        text = "x" * (1 << 20)
        assert c.echo(text) == text
        blob = bytes(range(256)) * 4096
        assert c.echo(blob) == blob
    finally:
        c.close()


@pytest.mark.parametrize("mode", MODES)
def test_many_messages_keep_their_order(big_server, mode):
    c = EchoClient(big_server.url, MODES[mode])
    try:
        for i in range(200):
            c.client.send(f"m{i}" if i % 2 else f"m{i}".encode())
        got = [c.messages.get(timeout=10) for _ in range(200)]
        want = [f"m{i}" if i % 2 else f"m{i}".encode() for i in range(200)]
        assert got == want
    finally:
        c.close()


def test_upgrade_really_switches_transport(big_server):
    c = EchoClient(big_server.url, MODES["upgrade"])
    try:
        c.echo("x")
        # the client reports the transport it ended on
        assert c.client.transport() in ("websocket", "polling")
        for _ in range(50):
            if c.client.transport() == "websocket":
                break
            c.echo("poke")
        assert c.client.transport() == "websocket"
    finally:
        c.close()
