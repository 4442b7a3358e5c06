"""A TCP proxy in front of a server whose connections a test can cut at the
socket level: `sever()` resets every connection on both sides (SO_LINGER 0,
so the peers get a RST: no WebSocket close, no Engine.IO or Socket.IO
goodbye), and while `cut` is set new connections are reset at once, as a
network that is down would refuse them."""
import asyncio
import socket
import struct


class CutProxy:
    def __init__(self, target_port, host="127.0.0.1"):
        self.target = (host, target_port)
        self.cut = False
        self.connections = []
        self.server = None
        self.url = None

    async def __aenter__(self):
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc):
        self.sever()
        self.server.close()
        await self.server.wait_closed()

    def sever(self):
        """Resets every open connection, both sides."""
        for writers in self.connections:
            for writer in writers:
                _reset(writer)
        self.connections = []

    async def _accept(self, reader, writer):
        if self.cut:
            return _reset(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            return _reset(writer)
        pair = (writer, up_writer)
        self.connections.append(pair)
        await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer), return_exceptions=True)
        for w in pair:
            _reset(w)
        if pair in self.connections:
            self.connections.remove(pair)


async def _pump(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            writer.close()
            return
        writer.write(data)
        await writer.drain()


def _reset(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()
