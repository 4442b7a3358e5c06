"""Rooms across nodes (docs/room-cluster.md): three `huddle serve --redis`
nodes on one redis-server, python-socketio members spread over them. Each
test gets its own Redis and nodes, so rooms start empty."""
import asyncio
import json
import subprocess

import pytest
import requests

import rooms_wire as wire
from conftest import BIN_DIR, RunningServer, start_huddle
from postgres_server import PostgresServer
from redis_server import RedisServer
from rooms_client import Clients


@pytest.fixture
def redis():
    server = RedisServer()
    yield server
    server.stop()


def start_nodes(redis, count=3, *extra):
    return [start_huddle("--redis", f"redis://127.0.0.1:{redis.port}", "--node", f"node-{i}", *extra)
            for i in range(count)]


def stop_nodes(nodes):
    for node in nodes:
        node.stop()


def run(scenario, timeout=60):
    async def main():
        async with Clients("") as pool:
            await asyncio.wait_for(scenario(pool), timeout)
    asyncio.run(main())


async def member(pool, node, kind="whiteboard"):
    pool.url = node.url
    client = await pool.connect()
    answer = await client.join(kind)
    assert "error" not in answer, answer
    return client


def test_members_on_three_nodes_see_each_others_cursors_and_strokes(redis):
    nodes = start_nodes(redis)
    try:
        async def scenario(pool):
            clients = [await member(pool, nodes[i % 3]) for i in range(6)]
            rooms = {c.answer["room"] for c in clients}
            assert rooms == {"whiteboard-1"}, rooms
            for i, c in enumerate(clients):
                await c.send(wire.cursor(100 + i, 200 + i))
            for c in clients:
                await c.wait_until("every cursor", lambda c: all(
                    c.mirror.table.get(o.slot) == (100 + i, 200 + i) for i, o in enumerate(clients)))

            # One stroke from a member of each node; all six see all three.
            for i, author in enumerate(clients[:3]):
                assert "receipt" in await author.send_acked(wire.begin_stroke(i + 1, 0x0000FF, 2))
                await author.send(wire.append_points(i + 1, [(i, j) for j in range(20)]))
                answer = await author.send_acked(wire.end_stroke(i + 1))
                assert "error" not in answer, answer
            for c in clients:
                await c.wait_until("three strokes", lambda c: len(c.doc["strokes"]) == 3 and not c.doc["open"])
                assert not c.faults and not c.errors

            # The listing is the cluster's from every node.
            for c in clients[:3]:
                listing = await c.call("list", {"kind": "whiteboard"})
                assert [(r["id"], r["members"]) for r in listing["rooms"]] == [("whiteboard-1", 6)]

            # A member of node 2 leaves; the others see it.
            leaver = clients[2]
            slot = leaver.slot
            left = await leaver.call("leave")
            assert left.get("ok") is True, left
            for c in clients[:2] + clients[3:]:
                await c.wait_until("the leaver gone", lambda c: slot not in c.doc["members"])
        run(scenario)
    finally:
        stop_nodes(nodes)


def test_capacity_holds_with_joins_racing_on_every_node(redis):
    nodes = start_nodes(redis, 3, "--room-capacity", "4")
    try:
        async def scenario(pool):
            clients = []
            for i in range(30):
                pool.url = nodes[i % 3].url
                clients.append(await pool.connect())
            answers = await asyncio.gather(*(c.join("whiteboard") for c in clients))
            assert all("error" not in a for a in answers), answers
            by_room = {}
            for c, a in zip(clients, answers):
                by_room.setdefault(a["room"], []).append(c)
            assert all(len(members) <= 4 for members in by_room.values()), {r: len(m) for r, m in by_room.items()}
            assert len(by_room) == 8          # 30 members, 4 a room, filled in order
            # Each room's members see the same members, whatever node they are on.
            for room, members in by_room.items():
                for c in members:
                    await c.wait_until(f"{room}'s members", lambda c, n=len(members): len(c.doc["members"]) == n)
            listing = await clients[0].call("list", {"kind": "whiteboard"})
            assert sum(r["members"] for r in listing["rooms"]) == 30
        run(scenario)
    finally:
        stop_nodes(nodes)


def test_a_node_that_loses_redis_stops_ticking_its_rooms(redis):
    nodes = start_nodes(redis, 2, "--lease-milliseconds", "600")
    try:
        async def scenario(pool):
            assert requests.get(f"{nodes[0].url}/readyz", timeout=5).status_code == 200
            owner_member = await member(pool, nodes[0])
            other_member = await member(pool, nodes[1])
            assert owner_member.answer["room"] == other_member.answer["room"] == "whiteboard-1"
            await owner_member.send(wire.cursor(1, 2))
            await other_member.wait_until("the cursor", lambda c: c.mirror.table.get(owner_member.slot) == (1, 2))

            redis.proc.kill()
            redis.proc.wait()
            # The owner's lease can no longer be renewed: the room stops
            # there (fenced) and its member is told; it is in no room now.
            await owner_member.wait_until("room-closed", lambda c: c.closed, timeout=10)
            answer = await owner_member.send_acked(wire.cursor(5, 5))
            assert answer.get("error", {}).get("code") == "notInRoom", answer
            ready = requests.get(f"{nodes[0].url}/readyz", timeout=5)
            assert ready.status_code == 503 and ready.text.strip() == "not ready: redis", ready.text
        run(scenario)
    finally:
        stop_nodes(nodes)


def test_members_of_a_room_whose_owner_is_killed_are_told_and_join_again(redis):
    nodes = start_nodes(redis, 2, "--lease-milliseconds", "600")
    try:
        async def scenario(pool):
            await member(pool, nodes[0])                       # creates whiteboard-1 on node 0
            bob = await member(pool, nodes[1])
            assert bob.answer["room"] == "whiteboard-1"
            nodes[0].proc.kill()                               # kill -9: no goodbye
            nodes[0].proc.wait()
            await bob.wait_until("room-closed ownerLost", lambda c: any(p.get("reason") == "ownerLost" for p in c.closed))
            again = await bob.join("whiteboard")
            assert "error" not in again and again["room"] == "whiteboard-2", again
        run(scenario)
    finally:
        stop_nodes(nodes[1:])


def test_nodes_record_their_rooms_into_one_postgres_store(redis):
    """Two nodes, one PostgreSQL store: each records the rooms it owns; the
    CLI lists, shows and verifies both nodes' sessions from the one store."""
    postgres = PostgresServer()
    nodes = []
    try:
        nodes = [RunningServer(["--store", postgres.url, "--redis", f"redis://127.0.0.1:{redis.port}", "--node", f"node-{i}",
                                "--room-capacity", "2"], binary="huddle", subcommand=("serve",)) for i in range(2)]

        async def scenario(pool):
            # Two rooms: whiteboard-1 owned by node 0, whiteboard-2 by node 1, each with a member of the other node.
            a = await member(pool, nodes[0])
            b = await member(pool, nodes[1])
            c = await member(pool, nodes[1])
            d = await member(pool, nodes[0])
            assert [x.answer["room"] for x in (a, b, c, d)] == ["whiteboard-1", "whiteboard-1", "whiteboard-2", "whiteboard-2"]
            for x in (a, b, c, d):
                assert "receipt" in await x.send_acked(wire.cursor(10, 20))
            # Everyone leaves: each node, stopping, closes its empty room
            # (a room with members would be handed over to the other node).
            for x in (a, b, c, d):
                left = await x.call("leave")
                assert left.get("ok") is True, left
        run(scenario)
        for node in nodes:
            assert node.stop() == 0
        nodes = []
        listed = subprocess.run([str(BIN_DIR / "huddle"), "sessions", "--store", postgres.url, "--json"],
                                capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0, listed.stderr
        sessions = json.loads(listed.stdout)
        rooms = sorted(s["room"] for s in sessions)
        assert rooms == ["whiteboard-1", "whiteboard-2"], sessions
        verified = subprocess.run([str(BIN_DIR / "huddle"), "verify", "--all", "--store", postgres.url],
                                  capture_output=True, text=True, timeout=120)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        stop_nodes(nodes)
        postgres.stop()
