"""Two conformance servers on one Redis (`--redis-port`, the Redis adapter
in Node's classic format) behave as one server: every row of
shared/conformance-app.md, run by python-socketio clients handed out to the
two servers in turn (so `a`, `b` and `outsider` of the rooms row live on
different servers), over polling, websocket and the upgrade."""
import pytest

from redis_server import RedisServer
from conftest import start_server

# The rows, collected again here against the cluster fixture below.
from test_socketio_python_client import (  # noqa: F401
    mode,
    test_auth_on_connection,
    test_auth_is_empty_object_without_auth,
    test_message_comes_back,
    test_message_with_ack,
    test_echo_with_and_without_ack,
    test_binary_round_trips_at_any_depth,
    test_rooms_and_broadcast,
    test_ask_reaches_the_client_and_returns_its_answer,
    test_ask_times_out_when_the_client_does_not_answer,
    test_disconnect_me_closes_the_connection,
    test_custom_namespace_multiplexed,
    test_private_namespace_refusal_carries_data,
    test_private_namespace_admitted_with_the_secret,
    Client,
)


class Cluster:
    """Two servers; each client asks `url` and gets the next server's."""

    def __init__(self, servers):
        self.servers = servers
        self.turn = 0

    def _next(self):
        server = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        return server

    @property
    def url(self):
        return self._next().url

    @property
    def ws_url(self):
        return self._next().ws_url


@pytest.fixture(scope="module")
def redis():
    server = RedisServer()
    yield server
    server.stop()


class NodePeer:
    """An upstream Node.js Socket.IO server with the upstream classic Redis
    adapter, serving the same contract (`node SCRIPT PORT REDIS_PORT`,
    printing the contract's 'listening on' line). Not on this machine's
    registries: HUDDLE_NODE_PEER names a script assembled by hand (see
    docs/cluster.md); without it both servers are Huddle's."""

    def __init__(self, script, redis_port):
        import subprocess
        from redis_server import free_port
        self.port = free_port()
        self.proc = subprocess.Popen(["node", script, str(self.port), str(redis_port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on http://"):
            self.proc.kill()
            raise RuntimeError(f"node peer did not start: {line!r} {self.proc.stderr.read()!r}")
        self.url = line.strip().split(" ", 2)[2]
        self.ws_url = self.url.replace("http://", "ws://")

    def stop(self, timeout=10):
        import signal
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


@pytest.fixture(scope="module")
def servers(redis):
    import os
    started = [start_server("--redis-port", str(redis.port))]
    node = os.environ.get("HUDDLE_NODE_PEER")
    started.append(NodePeer(node, redis.port) if node else start_server("--redis-port", str(redis.port)))
    # Both have subscribed before a test runs: Redis counts them.
    redis.wait_for_subscribers("socket.io-request#/#", 2)
    yield started
    for server in started:
        assert server.stop() == 0


@pytest.fixture
def server(servers):
    return Cluster(servers)


def test_a_room_spans_both_servers_and_local_members_get_it_once(servers, mode):
    """Members of one room on both servers, the sender on each in turn:
    everyone gets each message exactly once."""
    cluster = Cluster(servers)
    members = [Client(cluster, mode) for _ in range(4)]
    try:
        for m in members:
            assert m.sio.call("join", f"span-{mode}", timeout=10) is None
        for i, sender in enumerate(members):
            sender.sio.emit("to-room", (f"span-{mode}", i))
            for m in members:
                assert m.next("room-message") == (i,)
        for m in members:
            assert m.queue("/", "room-message").empty()
    finally:
        for m in members:
            m.close()


def test_a_server_leaving_lowers_the_count(redis):
    """PUBSUB NUMSUB counts the servers of a namespace; one that stops is
    no longer counted."""
    extra = start_server("--redis-port", str(redis.port), "--redis-key", "counted")
    redis.wait_for_subscribers("counted-request#/#", 1)
    assert extra.stop() == 0
    redis.wait_for_subscribers("counted-request#/#", 0)


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # docs/cluster.md hashes $remote_addr; every test client shares
    # 127.0.0.1, so a name stands in for the client's address here: the
    # X-Client header of the handshake (python-engineio sends custom headers
    # on it only), kept in a cookie for the session's later requests.
    map $http_x_client $sticky_cookie {{
        "" "";
        default "client=$http_x_client; Path=/";
    }}
    upstream huddle {{
        hash $http_x_client$cookie_client consistent;
        server 127.0.0.1:{p1};
        server 127.0.0.1:{p2};
    }}
    server {{
        listen 127.0.0.1:{port};
        location /socket.io/ {{
            proxy_pass http://huddle;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_read_timeout 60s;
            add_header Set-Cookie $sticky_cookie;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def nginx(servers):
    """nginx in front of both servers with docs/cluster.md's sticky configuration."""
    import os
    import shutil
    import socket
    import subprocess
    import tempfile
    import time
    from redis_server import free_port
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(exe):
        if os.environ.get("HUDDLE_REQUIRE_REDIS") == "1":
            raise RuntimeError("nginx is missing (Tools/test installs it)")
        pytest.skip("nginx is not installed (Tools/test installs it)")
    directory = tempfile.mkdtemp(prefix="huddle-nginx-")
    port = free_port()
    conf = os.path.join(directory, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(dir=directory, p1=servers[0].port, p2=servers[1].port, port=port))
    proc = subprocess.Popen([exe, "-c", conf, "-p", directory, "-e", "stderr"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"nginx did not start: {proc.stderr.read()}")
            time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.parametrize("transports", [["polling"], ["polling", "websocket"]], ids=["polling", "upgrade"])
def test_behind_nginx_with_sticky_sessions(nginx, servers, transports):
    """Polling needs every request of a session on one server: through
    nginx's hash, clients spread over both servers keep their sessions and
    share rooms."""
    import requests
    import socketio
    import threading
    clients = []

    def lives_on_first(c):
        """A noop POSTed straight to the first server is refused as an
        unknown session (code 1) unless the session is there."""
        answer = requests.post(f"{servers[0].url}/socket.io/?EIO=4&transport=polling&sid={c.sio.eio.sid}", data="6", timeout=10)
        return not (answer.status_code == 400 and answer.json().get("code") == 1)

    try:
        # Clients until both servers have some (nginx's hash of the names
        # depends on the servers' ports: a few names may all land on one).
        places = set()
        for n in range(64):
            c = Client.__new__(Client)
            c.sio = socketio.Client(reconnection=False)
            c.events = {}
            c.lock = threading.Lock()
            c.sio.on("*", c._any, namespace="*")
            c.sio.connect(nginx, transports=transports, headers={"X-Client": f"client-{n}"}, wait_timeout=10)
            clients.append(c)
            places.add(lives_on_first(c))
            if len(clients) >= 4 and places == {True, False}:
                break
        assert places == {True, False}, "nginx sent every client to one server: the test proves nothing"
        for c in clients:
            assert c.sio.call("join", "behind-nginx", timeout=10) is None
        for i, sender in enumerate(clients):
            sender.sio.emit("to-room", ("behind-nginx", i))
            for c in clients:
                assert c.next("room-message") == (i,)
    finally:
        for c in clients:
            c.close()
