"""The Socket.IO v5 compliance cases published by the protocol's maintainers
(socketio/socket.io-protocol, test-suite/), written again in Python for
Engine.IO v4 framing, against the conformance server started with
--ping-interval 300 --ping-timeout 200 --max-payload 1000000
--connect-timeout 1000."""
import json

import pytest
import requests
import websocket


def sio(server, query="EIO=4&transport=polling"):
    return f"{server.url}/socket.io/?{query}"


def ws_open(server):
    ws = websocket.create_connection(f"{server.ws_url}/socket.io/?EIO=4&transport=websocket", timeout=5)
    handshake = ws.recv()
    assert handshake.startswith("0")
    return ws


def recv_skipping_pings(ws):
    """The next message that is not an Engine.IO ping (answered with a pong)."""
    while True:
        data = ws.recv()
        if data == "2":
            ws.send("3")
            continue
        return data


def init_socketio(server):
    ws = ws_open(server)
    ws.send("40")
    assert recv_skipping_pings(ws).startswith("40")
    assert recv_skipping_pings(ws) == '42["auth",{}]'
    return ws


def wait_closed(ws):
    while True:
        try:
            opcode, _ = ws.recv_data(control_frame=True)
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return


# Engine.IO part, on the /socket.io/ path

def test_polling_handshake(fast_server):
    r = requests.get(sio(fast_server), timeout=5)
    assert r.status_code == 200
    value = json.loads(r.text[1:])
    assert set(value) == {"sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"}
    assert value["upgrades"] == ["websocket"]
    assert (value["pingInterval"], value["pingTimeout"], value["maxPayload"]) == (300, 200, 1000000)


@pytest.mark.parametrize("query", ["transport=polling", "EIO=abc&transport=polling", "EIO=4", "EIO=4&transport=abc"])
def test_polling_handshake_refused(fast_server, query):
    assert requests.get(sio(fast_server, query), timeout=5).status_code == 400


def test_polling_handshake_bad_method(fast_server):
    assert requests.post(sio(fast_server), timeout=5).status_code == 400
    assert requests.put(sio(fast_server), timeout=5).status_code == 400


def test_websocket_handshake(fast_server):
    ws = ws_open(fast_server)
    ws.close()


# connect

def test_connect_main_namespace(fast_server):
    ws = ws_open(fast_server)
    ws.send("40")
    data = recv_skipping_pings(ws)
    assert data.startswith("40")
    assert set(json.loads(data[2:])) == {"sid"}
    assert recv_skipping_pings(ws) == '42["auth",{}]'
    ws.close()


def test_connect_main_namespace_with_payload(fast_server):
    ws = ws_open(fast_server)
    ws.send('40{"token":"123"}')
    assert recv_skipping_pings(ws).startswith("40")
    assert recv_skipping_pings(ws) == '42["auth",{"token":"123"}]'
    ws.close()


def test_connect_custom_namespace(fast_server):
    ws = ws_open(fast_server)
    ws.send("40/custom,")
    data = recv_skipping_pings(ws)
    assert data.startswith("40/custom,")
    assert isinstance(json.loads(data[10:])["sid"], str)
    assert recv_skipping_pings(ws) == '42/custom,["auth",{}]'
    ws.close()


def test_connect_custom_namespace_with_payload(fast_server):
    ws = ws_open(fast_server)
    ws.send('40/custom,{"token":"abc"}')
    assert recv_skipping_pings(ws).startswith("40/custom,")
    assert recv_skipping_pings(ws) == '42/custom,["auth",{"token":"abc"}]'
    ws.close()


def test_connect_unknown_namespace(fast_server):
    ws = ws_open(fast_server)
    ws.send("40/random")
    assert recv_skipping_pings(ws) == '44/random,{"message":"Invalid namespace"}'
    ws.close()


def test_connect_invalid_handshake(fast_server):
    ws = ws_open(fast_server)
    ws.send("4abc")
    wait_closed(ws)


def test_connect_timeout_closes(fast_server):
    ws = ws_open(fast_server)
    # no CONNECT: the server closes after --connect-timeout (pings answered)
    while True:
        try:
            data = ws.recv()
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            break
        if data == "2":
            ws.send("3")
        elif data == "":
            break


# disconnect

def test_disconnect_from_main_namespace(fast_server):
    ws = init_socketio(fast_server)
    ws.send("41")
    wait_closed(ws)


def test_connect_then_disconnect_custom_namespace(fast_server):
    ws = init_socketio(fast_server)
    ws.send("40/custom")
    assert recv_skipping_pings(ws).startswith("40/custom,")
    assert recv_skipping_pings(ws) == '42/custom,["auth",{}]'
    ws.send("41/custom")
    ws.send('42["message","message to main namespace"]')
    assert recv_skipping_pings(ws) == '42["message-back","message to main namespace"]'
    ws.close()


# message

def test_plain_text_packet(fast_server):
    ws = init_socketio(fast_server)
    ws.send('42["message",1,"2",{"3":[true]}]')
    assert recv_skipping_pings(ws) == '42["message-back",1,"2",{"3":[true]}]'
    ws.close()


def test_binary_attachments(fast_server):
    ws = init_socketio(fast_server)
    ws.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]')
    ws.send_binary(bytes([1, 2, 3]))
    ws.send_binary(bytes([4, 5, 6]))
    got = [recv_skipping_pings(ws) for _ in range(3)]
    assert got[0] == '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'
    assert got[1] == bytes([1, 2, 3])
    assert got[2] == bytes([4, 5, 6])
    ws.close()


def test_plain_text_packet_with_ack(fast_server):
    ws = init_socketio(fast_server)
    ws.send('42456["message-with-ack",1,"2",{"3":[false]}]')
    assert recv_skipping_pings(ws) == '43456[1,"2",{"3":[false]}]'
    ws.close()


def test_binary_attachments_with_ack(fast_server):
    ws = init_socketio(fast_server)
    ws.send('452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]')
    ws.send_binary(bytes([1, 2, 3]))
    ws.send_binary(bytes([4, 5, 6]))
    got = [recv_skipping_pings(ws) for _ in range(3)]
    assert got[0] == '462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'
    assert got[1:] == [bytes([1, 2, 3]), bytes([4, 5, 6])]
    ws.close()


@pytest.mark.parametrize("packet", ["4abc", "42{}", '42abc["message-with-ack",1,"2",{"3":[false]}]'],
                         ids=["unknown-type", "invalid-payload", "invalid-ack-id"])
def test_invalid_format_closes(fast_server, packet):
    ws = init_socketio(fast_server)
    ws.send(packet)
    wait_closed(ws)
