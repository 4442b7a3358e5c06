"""Seats that survive a reconnect (docs/room-protocol.md, "Seats"), as a
third-party client sees them: python-socketio members of `huddle serve`,
one of them behind a TCP proxy that cuts its connection at the socket level
(a reset: no close frame, no DISCONNECT). Polling and WebSocket."""
import asyncio

import pytest

import rooms_wire as wire
from conftest import start_huddle
from cutproxy import CutProxy
from rooms_client import Clients, RoomClient

JOIN_FIELDS = {"room", "kind", "member", "tickRate", "seat", "grace", "snapshot"}
MEMBER_LEFT, STROKE_ABANDONED = 0x02, 0x06


def run(server, scenario):
    async def main():
        async with Clients(server.url) as pool, CutProxy(server.port) as proxy:
            await asyncio.wait_for(scenario(pool, proxy), 60)
    asyncio.run(main())


@pytest.fixture
def huddle():
    server = start_huddle()
    yield server
    assert server.stop() == 0


@pytest.fixture
def short_grace():
    """The 20 s cut, scaled: a 1 s grace instead of the default 10 s."""
    server = start_huddle("--seat-grace-period", "1")
    yield server
    assert server.stop() == 0


async def cut_member(pool, proxy, transport):
    """A whiteboard member connected through the proxy."""
    client = RoomClient(proxy.url, transport=transport)
    pool.opened.append(client)
    await client.connect()
    answer = await client.join("whiteboard")
    assert "error" not in answer, answer
    return client


async def reconnect(pool, proxy, transport):
    client = RoomClient(proxy.url, transport=transport)
    pool.opened.append(client)
    return await client.connect()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_two_second_cut_keeps_the_seat_with_nothing_missed_and_no_leave_seen(huddle, transport):
    async def scenario(pool, proxy):
        alice = await cut_member(pool, proxy, transport)
        bob, carol = await pool.members(2, transport=transport)
        assert set(alice.answer) == JOIN_FIELDS
        seat = alice.answer["seat"]
        assert isinstance(seat, str) and 0 < len(seat) <= 128 and alice.answer["grace"] == 10000
        assert "receipt" in await alice.send_acked(wire.begin_stroke(1, 0x00FF00, 4))
        await alice.send(wire.append_points(1, [(10, 10), (20, 20)]))
        await bob.wait_until("alice's open stroke", lambda c: any(len(s["points"]) == 2 for s in c.doc["open"]))
        seen = len(bob.operation_log)

        proxy.cut = True
        proxy.sever()
        await alice.disconnected.wait()
        # While alice is cut off, bob and carol go on: she misses these operations.
        assert "receipt" in await bob.send_acked(wire.add_shape(5, 1, 100, 100, 200, 200))
        assert "receipt" in await carol.send_acked(wire.begin_stroke(2))
        await asyncio.sleep(2)
        proxy.cut = False

        back = await reconnect(pool, proxy, transport)
        answer = await back.rejoin(alice)
        assert set(answer) == JOIN_FIELDS - {"snapshot"} | {"tick", "operations"}, answer
        assert answer["member"] == alice.member and answer["seat"] == seat and answer["room"] == alice.answer["room"]
        await back.wait_until("the document the others have", lambda c: wire.document(c.doc) == wire.document(bob.doc))
        assert back.faults == []
        # Its seat and open stroke are intact: it finishes the stroke from the new socket.
        assert back.slot == alice.slot
        assert "receipt" in await back.send_acked(wire.end_stroke(1))
        for c in (bob, carol, back):
            await c.wait_until("alice's committed stroke", lambda c: len(c.doc["strokes"]) == 1)
        # Nobody saw a leave (nor an abandoned stroke).
        for c in (bob, carol):
            tags = [tag for _, tag in c.operation_log[seen:]]
            assert MEMBER_LEFT not in tags and STROKE_ABANDONED not in tags, tags
            assert c.faults == [] and c.errors == []
    run(huddle, scenario)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_cut_longer_than_the_grace_frees_the_seat(short_grace, transport):
    async def scenario(pool, proxy):
        alice = await cut_member(pool, proxy, transport)
        bob, = await pool.members(1, transport=transport)
        assert alice.answer["grace"] == 1000
        assert "receipt" in await alice.send_acked(wire.begin_stroke(1))
        # The ack reaches alice first; bob's copy of the begun stroke comes on
        # his own connection (later over polling): count from after it.
        await bob.wait_until("alice's open stroke", lambda c: any(s["slot"] == alice.slot for s in c.doc["open"]))
        seen = len(bob.operation_log)
        proxy.cut = True
        proxy.sever()
        await bob.wait_until("alice leaving", lambda c: alice.slot not in c.doc["members"], timeout=15)
        tags = [tag for _, tag in bob.operation_log[seen:]]
        assert tags == [STROKE_ABANDONED, MEMBER_LEFT], tags  # the open stroke first, then the leave
        proxy.cut = False
        back = await reconnect(pool, proxy, transport)
        answer = await back.rejoin(alice)
        assert answer["error"]["code"] == "unknownSeat", answer
        assert "error" not in await back.join("whiteboard")
    run(short_grace, scenario)


def test_rejoin_refusals_and_a_snapshot_without_a_sequence(huddle):
    async def scenario(pool, proxy):
        alice = await cut_member(pool, proxy, "websocket")
        stranger = await pool.connect()
        assert (await stranger.call("rejoin", {"seat": "x" * 22 + "." + alice.answer["room"]}))["error"]["code"] == "unknownSeat"
        assert (await stranger.call("rejoin", {"seat": "garbage"}))["error"]["code"] == "unknownSeat"
        assert (await stranger.call("rejoin", {}))["error"]["code"] == "badRequest"
        assert (await stranger.call("rejoin", "seat"))["error"]["code"] == "badRequest"
        assert (await stranger.call("rejoin", {"seat": alice.answer["seat"], "sequence": -1}))["error"]["code"] == "badRequest"
        assert (await alice.call("rejoin", {"seat": alice.answer["seat"]}))["error"]["code"] == "alreadyInRoom"

        proxy.sever()
        await alice.disconnected.wait()
        back = await reconnect(pool, proxy, "websocket")
        answer = await back.rejoin(alice, sequence=None)   # a reloaded page: no document
        assert "snapshot" in answer and "operations" not in answer and answer["member"] == alice.member
        assert back.snapshot["members"] == [alice.member]

        # An explicit leave frees the seat at once.
        assert (await back.call("leave"))["ok"] is True
        again = await pool.connect()
        assert (await again.rejoin(back))["error"]["code"] == "unknownSeat"
    run(huddle, scenario)


def test_a_rejoin_while_the_old_socket_is_alive_moves_the_seat(huddle):
    async def scenario(pool, proxy):
        alice, bob = await pool.members(2)
        newer = await pool.connect()
        answer = await newer.rejoin(alice)
        assert "operations" in answer and answer["member"] == alice.member
        await alice.wait_until("room-closed", lambda c: c.closed)
        assert alice.closed == [{"room": alice.answer["room"], "reason": "seatMoved"}]
        assert (await alice.send_acked(wire.cursor(1, 1)))["error"]["code"] == "notInRoom"
        await newer.send(wire.cursor(44, 55))
        await bob.wait_until("the moved member's cursor", lambda c: c.mirror.table.get(alice.slot) == (44, 55))
    run(huddle, scenario)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_sigterm_tells_every_member_room_closed_before_its_connection_closes(transport):
    server = start_huddle()

    async def main():
        async with Clients(server.url) as pool:
            alice, bob = await pool.members(2, transport=transport)
            stopped = asyncio.get_running_loop().run_in_executor(None, server.stop)
            for c in (alice, bob):
                await c.wait_until("room-closed", lambda c: c.closed)
                assert c.closed == [{"room": c.answer["room"], "reason": "shutdown"}]
                await asyncio.wait_for(c.disconnected.wait(), 10)
            assert await stopped == 0
    asyncio.run(main())
