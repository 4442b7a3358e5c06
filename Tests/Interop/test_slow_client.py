"""A client that stops reading during fanout costs the server bounded
memory: its backlog passes the per-session bound (1 MiB by default) and the
server closes its connection, while everyone else is served."""
import json
import socket

from rawws import RawWebSocket

PATH = "/socket.io/?EIO=4&transport=websocket"


def socketio_client(port):
    ws = RawWebSocket(port, PATH)
    assert ws.recv_message()[2].startswith(b"0{")
    ws.send("40")
    assert ws.recv_message()[2].startswith(b"40{")
    assert ws.recv_message()[2] == b'42["auth",{}]'
    return ws


def test_a_stalled_reader_is_disconnected_and_others_are_served(server):
    stalled = socketio_client(server.port)
    stalled.send('421["join","slow-room"]')
    assert stalled.recv_message()[2] == b"431[]"
    stalled.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    # from now on `stalled` reads nothing

    sender = socketio_client(server.port)
    chunk = "x" * (64 * 1024)
    messages = 256  # 16 MiB: well beyond the kernel's buffers plus the server's 1 MiB bound
    for i in range(messages):
        sender.send("42" + json.dumps(["to-room", "slow-room", chunk]))
        if i % 32 == 31:
            # a round trip: the sender is served all along
            sender.send('429["message-with-ack",%d]' % i)
            while True:
                data = sender.recv_message()[2]
                if data.startswith(b"439["):
                    assert data == b"439[%d]" % i
                    break

    # What the kernel still holds arrives, then the end of the connection:
    # the server dropped the rest instead of keeping it.
    stalled.sock.settimeout(10)
    drained = len(stalled.buffer)
    try:
        while True:
            data = stalled.sock.recv(1 << 20)
            if not data:
                break
            drained += len(data)
    except ConnectionResetError:
        pass
    assert drained < messages * len(chunk) // 2

    # the server is healthy: a new client gets served
    other = socketio_client(server.port)
    other.send('427["message-with-ack","ok"]')
    assert other.recv_message()[2] == b'437["ok"]'
    for ws in (stalled, sender, other):
        ws.close()
