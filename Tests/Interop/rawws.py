"""A minimal WebSocket client on a plain socket, for tests that must see
frame bits (RSV1) that ordinary client libraries hide."""
import base64
import os
import socket
import struct
import zlib


class RawWebSocket:
    def __init__(self, port, path, extensions=None, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if extensions:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("closed during handshake")
            head += chunk
        text = head.decode()
        self.status = int(text.split(" ")[1])
        self.headers = {}
        for line in text.split("\r\n")[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                self.headers[name.strip().lower()] = value.strip()
        self.buffer = b""

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def recv_frame(self):
        """(fin, rsv1, opcode, payload) of the next frame, payload as sent."""
        b0, b1 = self._read(2)
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._read(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._read(8))[0]
        assert not b1 & 0x80, "server frames must not be masked"
        return bool(b0 & 0x80), bool(b0 & 0x40), b0 & 0x0F, self._read(length)

    def recv_message(self):
        """(opcode, rsv1, data inflated if compressed) of the next data message."""
        while True:
            fin, rsv1, opcode, payload = self.recv_frame()
            if opcode in (9, 10):
                continue
            assert fin, "the server does not fragment"
            data = payload
            if rsv1:
                data = zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff")
            return opcode, rsv1, data

    def send(self, data, opcode=None, rsv1=False):
        if isinstance(data, str):
            data, opcode = data.encode(), opcode or 1
        opcode = opcode or 2
        mask = os.urandom(4)
        header = bytes([0x80 | (0x40 if rsv1 else 0) | opcode])
        n = len(data)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def send_compressed(self, text):
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        body = c.compress(text.encode()) + c.flush(zlib.Z_SYNC_FLUSH)
        assert body.endswith(b"\x00\x00\xff\xff")
        self.send(body[:-4], opcode=1, rsv1=True)

    def close(self):
        self.sock.close()
