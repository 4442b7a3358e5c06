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


@pytest.fixture(scope="module")
def servers(redis):
    started = [start_server("--redis-port", str(redis.port)) for _ in range(2)]
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
