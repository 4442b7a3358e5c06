"""huddle serve over TLS (--tls-cert/--tls-key): python-socketio joins a room
over https (long-polling) and wss (WebSocket) trusting a CA made by the test
with openssl; a client that does not trust it, and a client that speaks
plain HTTP to the TLS port, are refused without harming the server."""
import asyncio
import pathlib
import socket
import ssl
import subprocess

import aiohttp
import pytest
import socketio

from conftest import start_huddle

NAMESPACE = "/rooms"


def make_pki(directory: pathlib.Path):
    """A CA and a certificate for 127.0.0.1 and localhost it issued (PEM files)."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=Huddle test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost")
    (directory / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    return directory / "ca.pem", directory / "server.pem", directory / "server.key"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    ca, cert, key = make_pki(tmp_path_factory.mktemp("pki"))
    server = start_huddle("--tls-cert", str(cert), "--tls-key", str(key))
    yield server, ca
    assert server.stop() == 0


async def join_whiteboard(url, ca, transport):
    context = ssl.create_default_context(cafile=str(ca))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session:
        client = socketio.AsyncClient(reconnection=False, http_session=session)
        await client.connect(url, namespaces=[NAMESPACE], transports=[transport], wait_timeout=10)
        try:
            answer = await client.call("join", {"kind": "whiteboard"}, namespace=NAMESPACE, timeout=10)
            return client.transport(), answer
        finally:
            await client.disconnect()


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_client_trusting_the_ca_joins_a_room_over_tls(tls_server, transport):
    server, ca = tls_server
    assert server.url.startswith("https://")
    used, answer = asyncio.run(join_whiteboard(server.url, ca, transport))
    assert used == transport
    assert "error" not in answer, answer
    assert answer["room"].startswith("whiteboard-") and answer["seat"]


def test_a_client_that_does_not_trust_the_certificate_is_refused(tls_server):
    server, _ = tls_server

    async def attempt():
        client = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(server.url, namespaces=[NAMESPACE], transports=["polling"], wait_timeout=5)
    asyncio.run(attempt())


def test_plain_http_to_the_tls_port_is_closed_and_the_server_goes_on(tls_server):
    server, ca = tls_server
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while True:
            chunk = raw.recv(4096)
            if not chunk:
                break  # closed by the server
            received += chunk
        assert b"HTTP/1.1 200" not in received
    used, answer = asyncio.run(join_whiteboard(server.url, ca, "websocket"))
    assert "error" not in answer, answer
