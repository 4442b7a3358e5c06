"""The Socket.IO Admin UI's protocol (`@socket.io/admin-ui` 0.5.x,
shared/specs/cluster-and-admin.md section 7) against
`conformance-server --admin-password HASH`: python-socketio clients act as
the dashboard (namespace /admin) and as the application's clients (/).
Every wait is on an event; none sleeps."""
import json
import queue
import re
import threading

import bcrypt
import engineio
import pytest
import requests
import socketio
import websocket

from conftest import start_server

engineio.payload.Payload.max_decode_packets = 1000

PASSWORD = "s3cret"
HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ALL = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS"]


class Peer:
    """A python-socketio client whose events (any namespace) land in one
    queue each, in order; `connect_error` payloads too."""

    def __init__(self, url, namespaces, auth=None, transports=("websocket",), expect_refusal=False):
        self.sio = socketio.Client(reconnection=False)
        self.lock = threading.Lock()
        self.queues = {}
        for namespace in namespaces:
            # Per namespace: python-socketio looks for a namespace's own
            # handlers before the "*" namespace's.
            self.sio.on("*", self._any(namespace), namespace=namespace)
            self.sio.on("connect_error", self._refused(namespace), namespace=namespace)
            self.sio.on("disconnect", self._disconnected(namespace), namespace=namespace)
        try:
            self.sio.connect(url, namespaces=list(namespaces), auth=auth, transports=list(transports), wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            if not expect_refusal:
                raise

    def _any(self, namespace):
        return lambda event, *args: self.q(namespace, event).put(args)

    def _refused(self, namespace):
        return lambda data=None: self.q(namespace, "connect_error").put(data)

    def _disconnected(self, namespace):
        return lambda reason=None: self.q(namespace, "disconnect").put(reason)

    def q(self, namespace, event):
        with self.lock:
            return self.queues.setdefault((namespace, event), queue.Queue())

    def next(self, event, namespace="/admin", timeout=10):
        return self.q(namespace, event).get(timeout=timeout)

    def until(self, event, predicate, namespace="/admin", timeout=10):
        """The first `event` whose arguments satisfy `predicate` (earlier ones dropped)."""
        while True:
            args = self.next(event, namespace, timeout)
            if predicate(*args):
                return args

    def seen(self, event, namespace="/admin"):
        items = []
        q = self.q(namespace, event)
        while not q.empty():
            items.append(q.get_nowait())
        return items

    def emit(self, event, *args, namespace="/admin"):
        self.sio.emit(event, tuple(args), namespace=namespace)

    @property
    def sid(self):
        return self.sio.get_sid("/")

    def close(self):
        self.sio.disconnect()


def dashboard(server, **auth):
    return Peer(server.url, ["/admin"], auth=auth or {"username": "admin", "password": PASSWORD})


@pytest.fixture(scope="module")
def admin_server():
    srv = start_server("--admin-password", HASH, "--server-id", "swift-a")
    yield srv
    assert srv.stop() == 0


def test_login_session_config_and_all_sockets(admin_server):
    d = dashboard(admin_server)
    try:
        (session_id,) = d.next("session")
        assert re.fullmatch(r"[0-9a-f]{16}", session_id)
        (config,) = d.next("config")
        assert config == {"supportedFeatures": ALL + ["ALL_EVENTS"]}
        (sockets,) = d.next("all_sockets")
        mine = [s for s in sockets if s["id"] == d.sio.get_sid("/admin")]
        assert len(mine) == 1 and mine[0]["nsp"] == "/admin" and mine[0]["transport"] == "websocket"
        assert set(mine[0]) == {"id", "clientId", "transport", "nsp", "data", "handshake", "rooms"}
        assert len(mine[0]["clientId"]) == 12 and mine[0]["data"] == {}
        assert set(mine[0]["handshake"]) == {"address", "headers", "query", "issued", "secure", "time", "url", "xdomain"}
        assert "auth" not in mine[0]["handshake"]
        assert mine[0]["rooms"] == [mine[0]["id"]]
        (stats,) = d.next("server_stats")
        assert stats["serverId"] == "swift-a" and stats["pid"] > 0 and stats["uptime"] >= 0
        assert stats["clientsCount"] >= 1 and "pollingClientsCount" in stats
        names = {n["name"]: n["socketsCount"] for n in stats["namespaces"]}
        assert names["/admin"] >= 1 and "/" in names
        # The same session id logs in again without the password, and gets no new one.
        again = dashboard(admin_server, sessionId=session_id)
        try:
            assert again.next("config")[0] == config
            assert again.seen("session") == []
        finally:
            again.close()
    finally:
        d.close()


@pytest.mark.parametrize("auth", [
    {"username": "admin", "password": "wrong"},
    {"username": "admin"},                     # upstream 0.5.1 on Node dies of this one
    {"username": "admin", "password": 42},
    {"username": "root", "password": PASSWORD},
    {"sessionId": "feedfacecafebeef"},
    {},
])
def test_refused_logins_leave_the_server_running(admin_server, auth):
    d = Peer(admin_server.url, ["/admin"], auth=auth, expect_refusal=True)
    try:
        assert d.next("connect_error") == {"message": "invalid credentials"}
    finally:
        d.close()
    ok = dashboard(admin_server)
    try:
        assert ok.next("config")
    finally:
        ok.close()


def test_socket_room_and_event_reports(admin_server):
    d = dashboard(admin_server)
    d.next("all_sockets")
    # Over WebSocket: python-engineio's polling client may drop its last
    # packets (the DISCONNECT and the close) when it disconnects on a busy
    # machine (seen), and the session then ends only at the ping timeout.
    # (The polling transport's report is test_transport_upgrade_is_reported's.)
    c = Peer(admin_server.url, ["/"])
    try:
        sid = c.sid
        nsp, room, rid, ts = d.until("room_joined", lambda n, r, i, t: i == sid)
        assert (nsp, room, rid) == ("/", sid, sid) and ISO.match(ts)
        socket, ts = d.until("socket_connected", lambda s, t: s["id"] == sid)
        assert socket["nsp"] == "/" and socket["transport"] == "websocket" and socket["rooms"] == [sid]
        assert socket["handshake"]["query"]["transport"] == "websocket" and ISO.match(ts)

        c.emit("join", "roomA", namespace="/")
        assert d.until("room_joined", lambda n, r, i, t: i == sid)[:3] == ("/", "roomA", sid)
        c.emit("message", "hello", 1, namespace="/")
        nsp, rid, args, ts = d.until("event_received", lambda n, i, a, t: i == sid and a[0] == "message")
        assert (nsp, args) == ("/", ["message", "hello", 1]) and ISO.match(ts)
        nsp, rid, args, ts = d.until("event_sent", lambda n, i, a, t: i == sid and a[0] == "message-back")
        assert args == ["message-back", "hello", 1]
        c.emit("leave", "roomA", namespace="/")
        assert d.until("room_left", lambda n, r, i, t: i == sid and r == "roomA")[:3] == ("/", "roomA", sid)
    finally:
        c.close()
    nsp, rid, reason, ts = d.until("socket_disconnected", lambda n, i, r, t: i == sid)
    # python-socketio aborts its Engine.IO connection right after queueing
    # its DISCONNECT, which then may or may not leave first.
    assert nsp == "/" and reason in ("client namespace disconnect", "transport close") and ISO.match(ts)
    assert d.until("room_left", lambda n, r, i, t: i == sid)[:3] == ("/", sid, sid)
    d.close()


def test_transport_upgrade_is_reported(admin_server):
    """A raw client joins `/` over polling, then upgrades: the dashboard gets
    socket_connected with "polling", then socket_updated with the transport
    (and the data update upstream's proxy makes for `_admin.transport`)."""
    d = dashboard(admin_server)
    d.next("all_sockets")
    base = admin_server.url + "/socket.io/?EIO=4&transport=polling"
    handshake = requests.get(base, timeout=10).text
    sid = json.loads(handshake[1:])["sid"]
    assert requests.post(f"{base}&sid={sid}", data="40", timeout=10).text == "ok"
    connect = requests.get(f"{base}&sid={sid}", timeout=10).text
    socket_id = json.loads(connect.split("\x1e")[0][2:])["sid"]
    socket, _ = d.until("socket_connected", lambda s, t: s["id"] == socket_id)
    assert socket["transport"] == "polling" and socket["clientId"] == sid[:12]
    ws = websocket.create_connection(f"{admin_server.ws_url}/socket.io/?EIO=4&transport=websocket&sid={sid}", timeout=10)
    try:
        ws.send("2probe")
        assert ws.recv() == "3probe"
        ws.send("5")
        (update,) = d.until("socket_updated", lambda u: u["id"] == socket_id and "transport" in u)
        assert update == {"id": socket_id, "nsp": "/", "transport": "websocket"}
    finally:
        ws.close()
        d.close()


def test_server_stats_aggregate_engine_events(admin_server):
    d = dashboard(admin_server)
    c = Peer(admin_server.url, ["/"])
    c.emit("message", "x" * 100, namespace="/")
    c.next("message-back", namespace="/")
    c.close()
    kinds = {}
    deadline = 10
    while not {"rawConnection", "packetsIn", "bytesIn", "packetsOut", "bytesOut", "rawDisconnection"} <= set(kinds):
        (stats,) = d.next("server_stats", timeout=deadline)
        for event in stats["aggregatedEvents"]:
            assert set(event) <= {"timestamp", "type", "subType", "count"}
            assert event["timestamp"] % 1000 == 0 and event["count"] > 0
            kinds.setdefault(event["type"], []).append(event)
    assert any(e.get("subType") == "transport close" for e in kinds["rawDisconnection"])
    assert sum(e["count"] for e in kinds["bytesIn"]) >= 100
    d.close()


def test_commands_join_emit_leave_disconnect(admin_server):
    d = dashboard(admin_server)
    d.next("all_sockets")
    c = Peer(admin_server.url, ["/"])
    try:
        sid = c.sid
        d.until("socket_connected", lambda s, t: s["id"] == sid)
        d.emit("join", "/", "roomB", sid)
        assert d.until("room_joined", lambda n, r, i, t: r == "roomB")[:3] == ("/", "roomB", sid)
        d.emit("emit", "/", sid, "from-admin", "hi", {"n": 1})
        assert c.next("from-admin", namespace="/") == ("hi", {"n": 1})
        assert d.until("event_sent", lambda n, i, a, t: a[0] == "from-admin")[2] == ["from-admin", "hi", {"n": 1}]
        # Without a filter: every socket of the namespace.
        d.emit("emit", "/", None, "to-all")
        c.next("to-all", namespace="/")
        d.emit("leave", "/", "roomB", sid)
        assert d.until("room_left", lambda n, r, i, t: r == "roomB")[:3] == ("/", "roomB", sid)
        d.emit("_disconnect", "/", False, sid)
        nsp, rid, reason, ts = d.until("socket_disconnected", lambda n, i, r, t: i == sid)
        assert reason == "server namespace disconnect"
        c.next("disconnect", namespace="/")
    finally:
        c.close()
        d.close()


def test_readonly_refuses_commands():
    srv = start_server("--admin-password", HASH, "--admin-readonly")
    try:
        d = dashboard(srv)
        (config,) = d.next("config")
        assert config == {"supportedFeatures": ["AGGREGATED_EVENTS", "ALL_EVENTS"]}
        d.next("all_sockets")
        c = Peer(srv.url, ["/"])
        sid = c.sid
        d.until("socket_connected", lambda s, t: s["id"] == sid)
        d.emit("join", "/", "roomR", sid)
        d.emit("_disconnect", "/", False, sid)
        # The socket is still there at the next stats, and never joined roomR.
        d.next("server_stats")
        (stats,) = d.next("server_stats")
        assert {n["name"]: n["socketsCount"] for n in stats["namespaces"]}["/"] == 1
        assert not [j for j in d.seen("room_joined") if j[1] == "roomR"]
        assert c.sio.connected
        c.close()
        d.close()
    finally:
        assert srv.stop() == 0


def test_production_mode_sends_stats_only():
    srv = start_server("--admin-password", HASH, "--admin-mode", "production", "--server-id", "prod")
    try:
        d = dashboard(srv)
        (config,) = d.next("config")
        assert config == {"supportedFeatures": ALL}
        c = Peer(srv.url, ["/"])
        c.emit("message", "hello", namespace="/")
        c.next("message-back", namespace="/")
        while True:
            (stats,) = d.next("server_stats")
            if {n["name"]: n["socketsCount"] for n in stats["namespaces"]}.get("/") == 1:
                break
        assert stats["serverId"] == "prod"
        c.close()
        for event in ("all_sockets", "socket_connected", "room_joined", "event_received", "event_sent"):
            assert d.seen(event) == [], event
        d.close()
    finally:
        assert srv.stop() == 0


def test_two_servers_on_redis_are_one_dashboard():
    """Two instrumented servers sharing the Redis adapter: a login on A is
    valid on B (sessions in Redis); a dashboard on A gets both servers'
    stats, B's sockets (with their clientId, carried in their data) and
    reports, and its `_disconnect` reaches B's socket."""
    from redis_server import RedisServer
    redis = RedisServer()
    a = b = None
    try:
        a = start_server("--admin-password", HASH, "--server-id", "srv-a", "--redis-port", str(redis.port))
        b = start_server("--admin-password", HASH, "--server-id", "srv-b", "--redis-port", str(redis.port))
        redis.wait_for_subscribers("socket.io-request#/admin#", 2)
        d = dashboard(a)
        (session_id,) = d.next("session")
        d.next("all_sockets")
        # The login is shared through Redis (upstream's RedisStore keys):
        # the same session id is let in by B.
        assert int(redis.command("TTL", f"socket.io-admin#{session_id}").split(b":")[1].strip()) > 86_000
        on_b = dashboard(b, sessionId=session_id)
        assert on_b.next("config")[0]["supportedFeatures"][-1] == "ALL_EVENTS"
        on_b.close()
        servers = set()
        while servers != {"srv-a", "srv-b"}:
            (stats,) = d.next("server_stats")
            servers.add(stats["serverId"])
        c = Peer(b.url, ["/"])
        sid = c.sid
        socket, _ = d.until("socket_connected", lambda s, t: s["id"] == sid)
        assert socket["nsp"] == "/" and socket["clientId"] == c.sio.eio.sid[:12]
        fresh = dashboard(a)
        (sockets,) = fresh.next("all_sockets")
        theirs = [s for s in sockets if s["id"] == sid]
        assert len(theirs) == 1 and theirs[0]["clientId"] == c.sio.eio.sid[:12] and theirs[0]["transport"] == "websocket"
        fresh.close()
        d.emit("_disconnect", "/", False, sid)
        c.next("disconnect", namespace="/")
        assert d.until("socket_disconnected", lambda n, i, r, t: i == sid)[2] == "server namespace disconnect"
        c.close()
        d.close()
    finally:
        for server in (a, b):
            if server:
                assert server.stop() == 0
        redis.stop()


def test_huddle_serve_admin_password():
    """`huddle serve --admin-password HASH`: the same namespace and stats,
    with the rooms namespace among the namespaces."""
    from conftest import start_huddle
    srv = start_huddle("--admin-password", HASH, "--admin-mode", "production", "--server-id", "huddle-1")
    try:
        d = dashboard(srv)
        assert d.next("config") == ({"supportedFeatures": ALL},)
        (stats,) = d.next("server_stats")
        assert stats["serverId"] == "huddle-1"
        assert {"/", "/admin", "/rooms"} <= {n["name"] for n in stats["namespaces"]}
        d.close()
        refused = Peer(srv.url, ["/admin"], auth={"username": "admin", "password": "nope"}, expect_refusal=True)
        assert refused.next("connect_error") == {"message": "invalid credentials"}
        refused.close()
    finally:
        assert srv.stop() == 0


def test_binary_arguments_stay_binary(admin_server):
    """event_received/event_sent carry binary arguments as binary (the
    admin packet becomes a BINARY_EVENT with attachments)."""
    d = dashboard(admin_server)
    d.next("all_sockets")
    c = Peer(admin_server.url, ["/"])
    try:
        sid = c.sid
        c.emit("message", b"\x07\x08", {"nested": b"\xff"}, namespace="/")
        args = d.until("event_received", lambda n, i, a, t: i == sid)[2]
        assert args == ["message", b"\x07\x08", {"nested": b"\xff"}]
        args = d.until("event_sent", lambda n, i, a, t: i == sid and a[0] == "message-back")[2]
        assert args == ["message-back", b"\x07\x08", {"nested": b"\xff"}]
    finally:
        c.close()
        d.close()


def test_raw_frames_of_a_login(admin_server):
    """The frames a dashboard reads on login, byte for byte but for ids and
    times: as upstream's (spec 9.3), with `session` after the CONNECT."""
    ws = websocket.create_connection(admin_server.ws_url + "/socket.io/?EIO=4&transport=websocket", timeout=10)
    try:
        assert ws.recv().startswith('0{"sid":"')
        ws.send('40/admin,{"username":"admin","password":"%s"}' % PASSWORD)
        frames = []
        while not frames or not frames[-1].startswith('42/admin,["all_sockets"'):
            frame = ws.recv()
            if not frame.startswith('42/admin,["server_stats"'):
                frames.append(frame)
        sid = json.loads(frames[1][len("40/admin,"):])["sid"]
        stamp = r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"'
        assert re.fullmatch(r'42/admin,\["room_joined","/admin","%s","%s",%s\]' % (sid, sid, stamp), frames[0])
        assert frames[1] == '40/admin,{"sid":"%s"}' % sid
        assert re.fullmatch(r'42/admin,\["socket_connected",\{"id":"%s","clientId":"[\w-]{12}","transport":"websocket",'
                            r'"nsp":"/admin","data":\{\},"handshake":\{"address":"127\.0\.0\.1","headers":\{.*\},'
                            r'"query":\{.*\},"issued":\d+,"secure":false,"time":".*","url":"/socket\.io/\?.*",'
                            r'"xdomain":(true|false)\},"rooms":\["%s"\]\},%s\]' % (sid, sid, stamp), frames[2])
        assert re.fullmatch(r'42/admin,\["session","[0-9a-f]{16}"\]', frames[3])
        assert frames[4] == ('42/admin,["config",{"supportedFeatures":["EMIT","JOIN","LEAVE","DISCONNECT","MJOIN",'
                             '"MLEAVE","MDISCONNECT","AGGREGATED_EVENTS","ALL_EVENTS"]}]')
        assert frames[5].startswith('42/admin,["all_sockets",[{"id":"')
        assert len(frames) == 6
        # A stats frame: the keys in upstream's order.
        while True:
            frame = ws.recv()
            if frame.startswith('42/admin,["server_stats"'):
                break
        stats = json.loads(frame[len("42/admin,"):])[1]
        assert list(stats) == ["serverId", "hostname", "pid", "uptime", "clientsCount", "pollingClientsCount",
                               "aggregatedEvents", "namespaces"]
    finally:
        ws.close()


def test_a_plain_password_is_hashed_at_startup():
    """`--admin-password` that is not a bcrypt hash is the password itself,
    hashed at startup (cost 10: a few seconds in a debug build, for the
    hashing and for each login)."""
    srv = start_server("--admin-password", "plain-secret")
    try:
        d = Peer(srv.url, ["/admin"], auth={"username": "admin", "password": "plain-secret"})
        assert d.next("config", timeout=30)
        d.close()
        refused = Peer(srv.url, ["/admin"], auth={"username": "admin", "password": "plain-secreT"}, expect_refusal=True)
        assert refused.next("connect_error", timeout=30) == {"message": "invalid credentials"}
        refused.close()
    finally:
        assert srv.stop() == 0
