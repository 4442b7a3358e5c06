"""python-socketio clients against `huddle serve --port 0 --no-record`: the
room protocol of docs/room-protocol.md, with the binary layouts decoded in
Python (rooms_wire.py). Each test gets its own server, so rooms start empty."""
import asyncio

import pytest
import requests

import rooms_wire as wire
from conftest import start_huddle
from rooms_client import NAMESPACE, Clients


@pytest.fixture
def huddle():
    server = start_huddle()
    yield server
    assert server.stop() == 0, "huddle serve must exit 0 on SIGTERM"


def run(server, scenario):
    """Runs `scenario(pool)` on a fresh event loop; the pool's clients are
    closed afterwards, whatever happened."""
    async def main():
        async with Clients(server.url) as pool:
            await asyncio.wait_for(scenario(pool), 60)
    asyncio.run(main())


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_members_see_each_others_cursors_and_strokes(huddle, transport):
    async def scenario(pool):
        clients = await pool.members(3, transport=transport)
        alice, bob, carol = clients
        assert alice.answer["room"] == bob.answer["room"] == carol.answer["room"]
        assert alice.answer["tickRate"] == 20
        slots = {c.member: c.slot for c in clients}
        assert len(set(slots.values())) == 3

        await alice.send(wire.cursor(100, 200))
        await bob.send(wire.cursor(3000, 4000))
        for c in clients:
            await c.wait_until("both cursors", lambda c: c.mirror.table.get(alice.slot) == (100, 200)
                               and c.mirror.table.get(bob.slot) == (3000, 4000))

        # The stroke streams as binary point chunks, relayed before it ends.
        first, second = [(10 + i, 20 + i) for i in range(50)], [(60 + i, 70 + i) for i in range(50)]
        assert "receipt" in await alice.send_acked(wire.begin_stroke(7, 0xFF0000, 5))
        await alice.send(wire.append_points(7, first))
        await alice.send(wire.append_points(7, second))
        for c in (bob, carol):
            await c.wait_until("the open stroke", lambda c: any(
                s["slot"] == alice.slot and len(s["points"]) == 100 for s in c.doc["open"]))
            assert c.doc["strokes"] == []
        answer = await alice.send_acked(wire.end_stroke(7))
        assert "error" not in answer and answer["tick"] >= 1
        for c in clients:
            await c.wait_until("the committed stroke", lambda c: len(c.doc["strokes"]) == 1 and not c.doc["open"])
            stroke = c.doc["strokes"][0]
            assert stroke["points"] == first + second
            assert (stroke["slot"], stroke["color"], stroke["width"]) == (alice.slot, 0xFF0000, 5)
            assert c.faults == [] and c.errors == []
    run(huddle, scenario)


def test_late_joiner_snapshot_equals_live_state(huddle):
    async def scenario(pool):
        alice, bob = await pool.members(2)
        await alice.send(wire.cursor(11, 22))
        await bob.send(wire.cursor(33, 44))
        await alice.send_acked(wire.begin_stroke(1))
        await alice.send_acked(wire.append_points(1, [(i, 2 * i) for i in range(30)]))
        await alice.send_acked(wire.end_stroke(1))
        await bob.send_acked(wire.add_shape(5, 2, 10, 10, 200, 100))
        await bob.send_acked(wire.begin_stroke(9, 0x00FF00))  # still open when carol joins
        await bob.send_acked(wire.append_points(9, [(700 + i, 700) for i in range(12)]))
        for c in (alice, bob):
            await c.wait_until("the document", lambda c: len(c.doc["strokes"]) == 1 and len(c.doc["shapes"]) == 1
                               and c.doc["open"] and len(c.doc["open"][0]["points"]) == 12 and len(c.mirror.table) == 2)

        carol, = await pool.members(1)
        for c in (alice, bob):
            await c.wait_until("carol's arrival", lambda c: carol.slot in c.doc["members"])
        assert wire.document(carol.doc) == wire.document(alice.doc) == wire.document(bob.doc)
        assert carol.doc["members"][alice.slot]["cursor"] == (11, 22) == alice.mirror.table[alice.slot]
        assert carol.doc["members"][bob.slot]["cursor"] == (33, 44) == alice.mirror.table[bob.slot]
        assert carol.snapshot["members"] == [alice.member, bob.member, carol.member]
        assert carol.snapshot["operationSequence"] == alice.sequence  # carol's own join included

        # From the snapshot on the joiner follows the same stream.
        await bob.send(wire.append_points(9, [(900, 900)]))
        await bob.send_acked(wire.end_stroke(9))
        for c in (alice, bob, carol):
            await c.wait_until("bob's stroke", lambda c: len(c.doc["strokes"]) == 2)
        assert wire.document(carol.doc) == wire.document(alice.doc) == wire.document(bob.doc)
        assert carol.faults == []
    run(huddle, scenario)


def test_client_dropping_volatile_packets_converges(huddle):
    def lossy(tick):
        bucket = (tick * 2654435761) % 10
        return "lose" if bucket < 3 else "noack" if bucket < 6 else "ack"

    async def scenario(pool):
        mover, = await pool.members(1)
        dropper, = await pool.members(1, fate=lossy)
        for step in range(40):
            x, y = (step * 97) % 4000, (step * 31) % 4000
            await mover.send(wire.cursor(x, y))
            await mover.wait_until(f"step {step}", lambda c: c.mirror.table.get(mover.slot) == (x, y))
        final = dict(mover.mirror.table)
        await dropper.wait_until("convergence", lambda c: c.mirror.table == final)
        assert dropper.deltas["lost"] > 0
        assert dropper.deltas["older_baseline"] > 0, "a lost delta makes the next one span several ticks"
        assert dropper.faults == [] and mover.faults == []
    run(huddle, scenario)


def test_bad_input_gets_errors_and_leaves_the_room_alone(huddle):
    async def scenario(pool):
        stranger = await pool.connect()
        assert (await stranger.join("chess"))["error"]["code"] == "unknownRoomKind"
        assert (await stranger.send_acked(wire.cursor(1, 1)))["error"]["code"] == "notInRoom"

        alice, bob = await pool.members(2)
        await bob.send_acked(wire.add_shape(1, 1, 5, 5, 50, 50))
        await bob.wait_until("bob's shape", lambda c: len(c.doc["shapes"]) == 1)
        before = wire.document(bob.doc)
        assert (await alice.send_acked(b"\x77"))["error"]["code"] == "malformed"
        assert (await alice.send_acked(b"\x03" + bytes(2000)))["error"]["code"] == "inputTooLarge"
        assert (await alice.send_acked(wire.cursor(5000, 1)))["error"]["code"] == "outOfRange"
        orphan = await alice.send_acked(wire.append_points(42, [(1, 1)]))
        assert orphan["error"]["code"] == "unknownElement" and "receipt" in orphan
        assert (await alice.call("input", "text"))["error"]["code"] == "badRequest"
        await alice.send(wire.append_points(43, [(1, 1)]))
        await alice.wait_until("the room-error event", lambda c: c.errors)
        assert alice.errors[0]["code"] == "unknownElement" and alice.errors[0]["event"] == "input"

        await alice.send_acked(wire.add_shape(2, 3, 1, 1, 9, 9))
        await bob.wait_until("alice's shape", lambda c: len(c.doc["shapes"]) == 2)
        after = wire.document(bob.doc)
        del after["shapes"][2]
        assert after == before and bob.errors == [] and bob.faults == []
    run(huddle, scenario)


def delta_headers(client):
    """Records the header of every delta `client` receives, in arrival
    order, as (format, tick, baseline tick or None for a full table); the
    client's own handler then applies it as usual."""
    seen = []
    apply = client._delta

    async def delta(data):
        r = wire.Reader(data)
        fmt, tick = r.u8(), r.varint()
        seen.append((fmt, tick, tick - r.varint() if fmt == 2 else None))
        await apply(data)

    client.sio.on("delta", delta, namespace=NAMESPACE)
    return seen


def test_an_input_can_carry_the_delta_acknowledgement(huddle):
    history = 64  # the whiteboard's positionHistoryLength (PositionHistory keeps that many tables)

    async def scenario(pool):
        mover, = await pool.members(1)
        # Both apply every delta and never send `delta-ack`; the acker
        # acknowledges in the second argument of its own cursor inputs only.
        acker = await pool.connect(fate=lambda tick: "noack")
        silent = await pool.connect(fate=lambda tick: "noack")
        seen = {acker: delta_headers(acker), silent: delta_headers(silent)}
        for c in (acker, silent):
            assert "error" not in await c.join("whiteboard")
        assert mover.answer["room"] == acker.answer["room"] == silent.answer["room"]

        acked, step = set(), 0
        # Until the silent client's only baseline (its snapshot's tick) has
        # left the history: from then on it gets full tables.
        while not any(fmt == 1 for fmt, _, _ in seen[silent]):
            assert step < 400, "the silent client never got a full table"
            x, y = (step * 97) % 4000, (step * 31) % 4000
            await mover.send(wire.cursor(x, y))
            for c in (acker, silent):
                await c.wait_until(f"step {step}", lambda c: c.mirror.table.get(mover.slot) == (x, y))
            # Its own cursor alternates, so every table after this input
            # differs from the acked one: once the room took the ack, each
            # tick sends the acker a delta against exactly that tick.
            tick = acker.mirror.tick
            acked.add(tick)
            await acker.sio.emit("input", (wire.cursor(10 + step % 2, 10), tick), namespace=NAMESPACE)
            await acker.wait_until(f"a delta against the ack of tick {tick}",
                                   lambda c: any(base == tick for _, _, base in seen[acker]))
            step += 1

        # The acker: always a delta (format 0x02), always against its
        # snapshot or a tick it acknowledged in an input, baselines moving
        # forward, for longer than the history holds.
        start = acker.snapshot["tick"]
        await acker.wait_until("a delta beyond the history", lambda c: seen[acker][-1][1] >= start + history)
        headers = list(seen[acker])
        assert all(fmt == 2 for fmt, _, _ in headers), "an acknowledging client never needs a full table"
        baselines = [base for _, _, base in headers]
        assert acked <= set(baselines) <= acked | {start}
        assert baselines == sorted(baselines)
        # The silent client: its snapshot's tick is its only acknowledgement,
        # so each delta is against it (baselineAge = tick - snapshot tick,
        # growing) until that table leaves the history; then full tables.
        start = silent.snapshot["tick"]
        for fmt, tick, base in seen[silent]:
            if tick < start + history:
                assert (fmt, base) == (2, start), (tick, fmt, base)
            else:
                assert (fmt, base) == (1, None), (tick, fmt, base)
        ages = [tick - base for fmt, tick, base in seen[silent] if fmt == 2]
        assert ages == sorted(ages) and ages[-1] > history // 2
        # Both converge, and the acker's deltas were the smaller ones.
        final = {mover.slot: (x, y), acker.slot: (10 + (step - 1) % 2, 10)}
        for c in (mover, acker, silent):
            await c.wait_until("the final cursors", lambda c: c.mirror.table == final)
            assert c.faults == [] and c.errors == []
        assert acker.deltas["bytes"] < silent.deltas["bytes"]
    run(huddle, scenario)


def test_a_bad_acknowledgement_in_an_input_is_refused_and_the_input_is_not_applied(huddle):
    async def scenario(pool):
        alice, bob = await pool.members(2)
        await alice.send(wire.cursor(10, 20))
        await bob.wait_until("alice's cursor", lambda c: c.mirror.table.get(alice.slot) == (10, 20))

        # With an ack: the answer is the refusal, without a receipt (nothing
        # was queued). The second argument must be a non-negative integer.
        refused = {(111, 222)}
        answer = await alice.sio.call("input", (wire.cursor(111, 222), "abc"), namespace=NAMESPACE, timeout=10)
        assert answer["error"]["code"] == "badRequest" and "receipt" not in answer, answer
        for i, bad in enumerate((-1, 1.5, None, True, [3])):
            refused.add((120 + i, 222))
            answer = await alice.sio.call("input", (wire.cursor(120 + i, 222), bad), namespace=NAMESPACE, timeout=10)
            assert answer["error"]["code"] == "badRequest", (bad, answer)
        # Without an ack: the refusal arrives as `room-error`.
        refused.add((333, 444))
        await alice.sio.emit("input", (wire.cursor(333, 444), "abc"), namespace=NAMESPACE)
        await alice.wait_until("the room-error event", lambda c: c.errors)
        assert len(alice.errors) == 1
        assert alice.errors[0]["code"] == "badRequest" and alice.errors[0]["event"] == "input"
        assert "receipt" not in alice.errors[0]

        # An acked input posted after them is answered after the tick that
        # applied it; any of them queued would have been applied by then.
        assert "error" not in await alice.send_acked(wire.add_shape(1, 1, 5, 5, 50, 50))
        carol, = await pool.members(1)  # her snapshot comes from a later tick
        assert carol.answer["room"] == alice.answer["room"]
        assert carol.doc["members"][alice.slot]["cursor"] == (10, 20)
        await alice.send(wire.cursor(500, 600))
        for c in (bob, carol):
            await c.wait_until("alice's next cursor", lambda c: c.mirror.table.get(alice.slot) == (500, 600))
        assert not any(table.get(alice.slot) in refused for _, table in bob.mirror.held), bob.mirror.held

        # The same cursor with a well-formed acknowledgement is applied.
        answer = await alice.sio.call("input", (wire.cursor(111, 222), alice.mirror.tick), namespace=NAMESPACE, timeout=10)
        assert "error" not in answer and answer["tick"] >= 1, answer
        for c in (bob, carol):
            await c.wait_until("alice's cursor at last", lambda c: c.mirror.table.get(alice.slot) == (111, 222))
        assert len(alice.errors) == 1 and bob.errors == [] and carol.errors == []
        assert alice.faults == bob.faults == carol.faults == []
    run(huddle, scenario)


def test_arena_player_moves_and_stats(huddle):
    async def scenario(pool):
        first, second = await pool.members(2, kind="arena")
        assert first.answer["room"].startswith("arena-") and first.answer["tickRate"] == 30
        assert second.snapshot["logicVersion"] == wire.ARENA_LOGIC_VERSION
        slots = (first.slot, second.slot)
        # The room seeds itself at random: the run is derived from where the
        # players are (the second join's snapshot holds both), not from the
        # layout. Players that spawned overlapping are pushed apart first;
        # once they are apart nothing moves until an input does.
        reach = 2 * wire.PLAYER_RADIUS - 4

        def apart(c):
            (x0, y0), (x1, y1) = (c.mirror.table[s] for s in slots)
            return (x1 - x0) ** 2 + (y1 - y0) ** 2 >= reach ** 2
        await second.wait_until("the players apart", apart)
        table = dict(second.mirror.table)
        runs = [(wire.free_run(table[mover.slot], axis, [table[other.slot]], slack=16), index, axis)
                for index, (mover, other) in enumerate(((first, second), (second, first))) for axis in wire.AXES]
        run, index, (dx, dy) = max(runs)
        distance = 400
        assert run >= distance, f"no free run of {distance} grid units for {table}: {runs}"
        runner, watcher = (first, second) if index == 0 else (second, first)
        start = table[runner.slot]
        axis = 0 if dx else 1
        await runner.send(wire.move(dx, dy))
        # (The first joiner learns of the second player from a delta.)
        await watcher.wait_until(f"the runner to move {distance} grid units", lambda c: runner.slot in c.mirror.table
                                 and (c.mirror.table[runner.slot][axis] - start[axis]) * (dx or dy) >= distance)
        listing = await runner.call("list", {"kind": "arena"})
        assert listing["rooms"][0]["members"] == 2
        stats = requests.get(huddle.url + "/stats", timeout=5).json()
        assert stats["rooms"] == 1 and stats["members"] == 2 and stats["deltas"] > 0
        assert stats["roomsByKind"] == {"arena": 1}
        assert stats["tickLatenessMicroseconds"]["p99"] >= 0
    run(huddle, scenario)


def test_demo_page_is_served(huddle):
    page = requests.get(huddle.url + "/", timeout=5)
    assert page.status_code == 200 and "socket.io.min.js" in page.text
    main = requests.get(huddle.url + "/js/main.js", timeout=5)
    assert main.status_code == 200 and "Access-Control-Allow-Origin" not in main.headers
    # The JavaScript client, importable by pages of any origin (docs/js-client.md).
    sdk = requests.get(huddle.url + "/sdk/huddle-rooms.js", timeout=5)
    assert sdk.status_code == 200 and sdk.headers["Content-Type"].startswith("text/javascript")
    assert sdk.headers["Access-Control-Allow-Origin"] == "*"
    types = requests.get(huddle.url + "/sdk/huddle-rooms.d.ts", timeout=5)
    assert types.status_code == 200 and "export declare" in types.text
    assert requests.get(huddle.url + "/nope", timeout=5).status_code == 404
    bundle = requests.get(huddle.url + "/socket.io/socket.io.min.js", timeout=5)
    # Served when Tools/browser-setup fetched it; otherwise the page uses the CDN.
    assert bundle.status_code in (200, 400)
    if bundle.status_code == 200:
        assert "Socket.IO" in bundle.text[:200]


def test_health_and_readiness_routes(huddle):
    healthz = requests.get(huddle.url + "/healthz", timeout=5)
    assert healthz.status_code == 200 and healthz.text == "ok\n"
    readyz = requests.get(huddle.url + "/readyz", timeout=5)
    assert readyz.status_code == 200 and readyz.text == "ready\n"
    assert readyz.headers["cache-control"] == "no-store"


def metrics(server):
    """The /metrics samples as {name with labels: value}."""
    text = requests.get(server.url + "/metrics", timeout=5).text
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines() if line and not line.startswith("#")}


def test_metrics_follow_clients_that_connect_talk_and_leave(huddle):
    before = metrics(huddle)
    assert before["huddle_room_members"] == 0

    async def scenario(pool):
        alice, bob = await pool.members(2)
        during = metrics(huddle)
        assert during["huddle_room_members"] == 2 and during['huddle_rooms{kind="whiteboard"}'] >= 1
        assert during["huddle_engine_sessions"] >= 2 and during["huddle_http_connections"] >= 2
        by_transport = during['huddle_engine_connections{transport="polling"}'] + during['huddle_engine_connections{transport="websocket"}']
        assert by_transport == during["huddle_engine_sessions"]
        assert sum(v for k, v in during.items() if k.startswith("huddle_sockets{")) >= 2
        for step in range(10):
            await alice.send(wire.cursor(100 + step, 200))
        await bob.wait_until("alice's last cursor", lambda c: c.mirror.table.get(alice.slot) == (109, 200))
        moved = metrics(huddle)
        assert moved["huddle_deltas_total"] > before["huddle_deltas_total"]
        assert moved["huddle_ticks_total"] > during["huddle_ticks_total"]
        assert moved['huddle_inputs_total{result="accepted"}'] >= before['huddle_inputs_total{result="accepted"}'] + 10
        for client in (alice, bob):
            await client.call("leave")

    run(huddle, scenario)
    after = metrics(huddle)
    assert after["huddle_room_members"] == 0
    assert after["huddle_tick_lateness_seconds_count"] > 0
