"""permessage-deflate (RFC 7692) on the WebSocket transport, seen frame by
frame: what the server agrees to, RSV1 on compressed frames, none below the
threshold or when deflate is off; and the python `websockets` client, which
negotiates it by itself, round-tripping large messages."""
import asyncio
import json

import websockets

from rawws import RawWebSocket

PATH = "/engine.io/?EIO=4&transport=websocket"
BIG = "4" + json.dumps([{"x": i, "y": i * 2, "color": "#ff00aa"} for i in range(200)])


def test_offer_is_accepted_without_server_context_takeover(deflate_server):
    ws = RawWebSocket(deflate_server.port, PATH, "permessage-deflate; client_max_window_bits")
    assert ws.status == 101
    assert ws.headers["sec-websocket-extensions"] == "permessage-deflate; server_no_context_takeover"
    ws.close()


def test_large_messages_are_compressed_small_ones_are_not(deflate_server):
    ws = RawWebSocket(deflate_server.port, PATH, "permessage-deflate")
    opcode, rsv1, open_packet = ws.recv_message()
    assert open_packet.startswith(b"0{") and not rsv1
    ws.send(BIG)
    opcode, rsv1, data = ws.recv_message()
    assert opcode == 1 and rsv1, "a 1024+ byte message goes out compressed"
    assert data.decode() == BIG
    ws.send("4small")
    opcode, rsv1, data = ws.recv_message()
    assert (opcode, rsv1, data) == (1, False, b"4small"), "below the threshold: no RSV1"
    ws.close()


def test_the_same_message_compresses_to_the_same_bytes(deflate_server):
    """No context takeover: one compressed frame fits every recipient."""
    frames = []
    for _ in range(2):
        ws = RawWebSocket(deflate_server.port, PATH, "permessage-deflate")
        ws.recv_message()
        ws.send(BIG)
        ws.send(BIG)
        for _ in range(2):
            fin, rsv1, opcode, payload = ws.recv_frame()
            assert rsv1
            frames.append(payload)
        ws.close()
    assert len(set(frames)) == 1


def test_compressed_client_messages_are_inflated(deflate_server):
    ws = RawWebSocket(deflate_server.port, PATH, "permessage-deflate")
    ws.recv_message()
    ws.send_compressed("4" + "z" * 3000)
    opcode, rsv1, data = ws.recv_message()
    assert data.decode() == "4" + "z" * 3000
    ws.close()


def test_deflate_is_declined_when_off(server):
    ws = RawWebSocket(server.port, PATH, "permessage-deflate")
    assert ws.status == 101
    assert "sec-websocket-extensions" not in ws.headers
    ws.recv_message()
    ws.send(BIG)
    opcode, rsv1, data = ws.recv_message()
    assert not rsv1 and data.decode() == BIG
    ws.close()


def test_rsv1_without_agreement_is_a_protocol_error(server):
    ws = RawWebSocket(server.port, PATH)
    ws.recv_message()
    ws.send_compressed("4hello")
    fin, rsv1, opcode, payload = ws.recv_frame()
    assert opcode == 8 and payload[:2] == (1002).to_bytes(2, "big")
    ws.close()


def test_websockets_client_round_trip(deflate_server):
    async def main():
        url = f"{deflate_server.ws_url}{PATH}"
        async with websockets.connect(url, compression="deflate", max_size=None) as ws:
            assert ws.protocol.extensions, "the client agreed permessage-deflate"
            await ws.recv()
            for message in (BIG, "4tiny", "4" + "é" * 5000):
                await ws.send(message)
                assert await ws.recv() == message
            await ws.send(b"\x01" * 5000)
            assert await ws.recv() == b"\x01" * 5000
    asyncio.run(main())
