"""The Engine.IO v4 compliance cases published by the protocol's maintainers
(socketio/engine.io-protocol, test-suite/), written again in Python against
the conformance server started with --ping-interval 300 --ping-timeout 200
--max-payload 1000000. Each test names the upstream case it covers."""
import json
import threading
import time

import pytest
import requests
import websocket

PING_INTERVAL = 300
PING_TIMEOUT = 200


def eio(server, query=""):
    return f"{server.url}/engine.io/?EIO=4&transport=polling{query}"


def open_polling(server):
    r = requests.get(eio(server), timeout=5)
    assert r.status_code == 200
    return json.loads(r.text[1:])["sid"]


def ws_connect(server, query="EIO=4&transport=websocket"):
    return websocket.create_connection(f"{server.ws_url}/engine.io/?{query}", timeout=5)


def assert_ws_refused(server, query):
    with pytest.raises(websocket.WebSocketBadStatusException) as info:
        websocket.create_connection(f"{server.ws_url}/engine.io/?{query}", timeout=5)
    assert info.value.status_code == 400


def wait_closed(ws):
    """Reads until the server closes; returns what arrived before."""
    seen = []
    while True:
        try:
            opcode, data = ws.recv_data(control_frame=True)
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return seen
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return seen
        seen.append(data)


# handshake / HTTP long-polling

def test_polling_handshake_opens_a_session(fast_server):
    r = requests.get(eio(fast_server), timeout=5)
    assert r.status_code == 200
    assert r.text.startswith("0")
    value = json.loads(r.text[1:])
    assert set(value) == {"sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"}
    assert isinstance(value["sid"], str)
    assert value["upgrades"] == ["websocket"]
    assert value["pingInterval"] == PING_INTERVAL
    assert value["pingTimeout"] == PING_TIMEOUT
    assert value["maxPayload"] == 1000000


def test_polling_handshake_invalid_eio(fast_server):
    assert requests.get(f"{fast_server.url}/engine.io/?transport=polling").status_code == 400
    assert requests.get(f"{fast_server.url}/engine.io/?EIO=abc&transport=polling").status_code == 400


def test_polling_handshake_invalid_transport(fast_server):
    assert requests.get(f"{fast_server.url}/engine.io/?EIO=4").status_code == 400
    assert requests.get(f"{fast_server.url}/engine.io/?EIO=4&transport=abc").status_code == 400


def test_polling_handshake_invalid_method(fast_server):
    assert requests.post(eio(fast_server)).status_code == 400
    assert requests.put(eio(fast_server)).status_code == 400


# handshake / WebSocket

def test_websocket_handshake_opens_a_session(fast_server):
    ws = ws_connect(fast_server)
    data = ws.recv()
    assert data.startswith("0")
    value = json.loads(data[1:])
    assert set(value) == {"sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"}
    assert value["upgrades"] == []
    assert value["pingInterval"] == PING_INTERVAL
    assert value["pingTimeout"] == PING_TIMEOUT
    assert value["maxPayload"] == 1000000
    ws.close()


def test_websocket_handshake_invalid_eio(fast_server):
    assert_ws_refused(fast_server, "transport=websocket")
    assert_ws_refused(fast_server, "EIO=abc&transport=websocket")


def test_websocket_handshake_invalid_transport(fast_server):
    assert_ws_refused(fast_server, "EIO=4")
    assert_ws_refused(fast_server, "EIO=4&transport=abc")


# message / HTTP long-polling

@pytest.mark.parametrize("body", ["4hello", "4test1\x1e4test2\x1e4test3", "4hello\x1ebAQIDBA=="])
def test_polling_sends_and_receives_payloads(fast_server, body):
    sid = open_polling(fast_server)
    push = requests.post(eio(fast_server, f"&sid={sid}"), data=body.encode(), timeout=5)
    assert push.status_code == 200
    assert push.text == "ok"
    poll = requests.get(eio(fast_server, f"&sid={sid}"), timeout=5)
    assert poll.status_code == 200
    assert poll.text == body


def test_polling_invalid_packet_closes_the_session(fast_server):
    sid = open_polling(fast_server)
    push = requests.post(eio(fast_server, f"&sid={sid}"), data=b"abc", timeout=5)
    assert push.status_code == 400
    assert requests.get(eio(fast_server, f"&sid={sid}"), timeout=5).status_code == 400


def test_polling_duplicate_poll_closes_the_session(fast_server):
    sid = open_polling(fast_server)
    first = {}

    def hold():
        first["r"] = requests.get(eio(fast_server, f"&sid={sid}"), timeout=5)

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.05)  # the upstream case also starts the second poll 5 ms later
    second = requests.get(eio(fast_server, f"&sid={sid}&t=burst"), timeout=5)
    t.join()
    assert first["r"].status_code == 200
    assert first["r"].text == "1"
    assert second.status_code == 400
    assert requests.get(eio(fast_server, f"&sid={sid}"), timeout=5).status_code == 400


def test_polling_cancelled_poll_closes_the_session(fast_server):
    import socket
    sid = open_polling(fast_server)
    s = socket.create_connection(("127.0.0.1", fast_server.port))
    s.sendall(f"GET /engine.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    time.sleep(0.05)
    s.close()
    deadline = time.time() + 5
    while time.time() < deadline:
        r = requests.get(eio(fast_server, f"&sid={sid}"), timeout=5)
        if r.status_code == 400:
            break
        time.sleep(0.01)  # the server learns of the abort asynchronously
    assert r.status_code == 400


# message / WebSocket

def test_websocket_text_packet(fast_server):
    ws = ws_connect(fast_server)
    ws.recv()
    ws.send("4hello")
    assert ws.recv() == "4hello"
    ws.close()


def test_websocket_binary_packet(fast_server):
    ws = ws_connect(fast_server)
    ws.recv()
    ws.send_binary(bytes([1, 2, 3, 4]))
    assert ws.recv() == bytes([1, 2, 3, 4])
    ws.close()


def test_websocket_invalid_packet_closes(fast_server):
    ws = ws_connect(fast_server)
    ws.recv()
    ws.send("abc")
    assert wait_closed(ws) == []


# heartbeat

def test_polling_ping_pong(fast_server):
    sid = open_polling(fast_server)
    for _ in range(3):
        poll = requests.get(eio(fast_server, f"&sid={sid}"), timeout=5)
        assert poll.status_code == 200
        assert poll.text == "2"
        push = requests.post(eio(fast_server, f"&sid={sid}"), data=b"3", timeout=5)
        assert push.status_code == 200


def test_polling_ping_timeout(fast_server):
    sid = open_polling(fast_server)
    time.sleep((PING_INTERVAL + PING_TIMEOUT + 10) / 1000)  # the case is about elapsed time
    assert requests.get(eio(fast_server, f"&sid={sid}"), timeout=5).status_code == 400


def test_websocket_ping_pong(fast_server):
    ws = ws_connect(fast_server)
    ws.recv()
    for _ in range(3):
        assert ws.recv() == "2"
        ws.send("3")
    ws.close()


def test_websocket_ping_timeout(fast_server):
    ws = ws_connect(fast_server)
    ws.recv()
    assert wait_closed(ws) == [b"2"]


# close

def test_polling_forceful_close(fast_server):
    sid = open_polling(fast_server)
    result = {}

    def hold():
        result["r"] = requests.get(eio(fast_server, f"&sid={sid}"), timeout=5)

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.05)
    requests.post(eio(fast_server, f"&sid={sid}"), data=b"1", timeout=5)
    t.join()
    assert result["r"].status_code == 200
    assert result["r"].text == "6"
    assert requests.get(eio(fast_server, f"&sid={sid}"), timeout=5).status_code == 400


def test_websocket_forceful_close(fast_server):
    ws = ws_connect(fast_server)
    ws.recv()
    ws.send("1")
    assert wait_closed(ws) == []


# upgrade

def start_upgrade(server):
    sid = open_polling(server)
    ws = ws_connect(server, f"EIO=4&transport=websocket&sid={sid}")
    ws.send("2probe")
    assert ws.recv() == "3probe"
    return sid, ws


def test_upgrade_from_polling(fast_server):
    sid, ws = start_upgrade(fast_server)
    poll = requests.get(eio(fast_server, f"&sid={sid}"), timeout=5)
    assert poll.status_code == 200
    assert poll.text == "6"
    ws.send("5")
    ws.send("4hello")
    # nothing but the echo: the reference never writes a noop on the new transport
    assert ws.recv() == "4hello"
    ws.close()


def test_upgrade_ignores_polling_after_upgrade(fast_server):
    sid, ws = start_upgrade(fast_server)
    ws.send("5")
    # sent after the 5, so taken after it: refused (whichever loop reads it)
    assert requests.get(eio(fast_server, f"&sid={sid}"), timeout=5).status_code == 400
    ws.send("4hello")
    assert ws.recv() == "4hello"
    ws.close()


def test_upgrade_ignores_second_websocket_after_upgrade(fast_server):
    sid, ws = start_upgrade(fast_server)
    ws.send("5")
    # accepted, then closed at once, as the reference does
    second = ws_connect(fast_server, f"EIO=4&transport=websocket&sid={sid}")
    assert wait_closed(second) == []
    ws.send("4hello")
    assert ws.recv() == "4hello"
    ws.close()
