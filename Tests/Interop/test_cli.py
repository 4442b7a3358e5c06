"""End-to-end tests of the `huddle` session tools on the built binary:
sessions, show, replay, verify, export, their errors and exit codes, a
recording process killed with SIGKILL, and readers next to a live writer.

Sessions are recorded by the hidden `huddle sessions synthesize` command,
which drives real rooms (offline, or RoomRunners on event loops with
--live) through the real SQLite recorder."""
import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import BIN_DIR

HUDDLE = BIN_DIR / "huddle"
SUBCOMMANDS = ["sessions", "show", "replay", "verify", "export", "render"]


def huddle(*args, check=None, timeout=120):
    """Runs huddle; returns the CompletedProcess. check=N asserts the exit code."""
    if not HUDDLE.exists():
        raise RuntimeError(f"{HUDDLE} is missing: build first (Tools/test does)")
    proc = subprocess.run([str(HUDDLE), *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check is not None:
        assert proc.returncode == check, f"huddle {args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def synthesize(db, *args):
    return huddle("sessions", "synthesize", "--db", db, *args, check=0)


def sessions_json(db):
    return json.loads(huddle("sessions", "--json", "--db", db, check=0).stdout)


def wait_for_sessions(db, what, condition, bound=60):
    """Reads the sessions of `db` (as a reader next to the recorder) until
    `condition(rows)` holds and returns those rows. The store has no events
    to wait on, so each reading is a fresh look; `bound` seconds only guard
    against a hang."""
    deadline = time.monotonic() + bound
    while True:
        rows = sessions_json(db)
        if condition(rows):
            return rows
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {rows}"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A store with two whiteboard sessions (1300 ticks, 8 members) and one arena session."""
    db = tmp_path_factory.mktemp("store") / "sessions.sqlite"
    synthesize(db, "--rooms", "2", "--ticks", "1300")
    synthesize(db, "--room-kind", "arena", "--ticks", "700", "--members", "4")
    return db


def copy_store(recorded, tmp_path):
    target = tmp_path / "copy.sqlite"
    target.write_bytes(recorded.read_bytes())
    return target


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_command_has_help(command):
    out = huddle(command, "--help", check=0).stdout
    assert "USAGE:" in out and "--db <path>" in out


def test_sessions_table_json_and_filters(recorded):
    table = huddle("sessions", "--db", recorded, check=0).stdout.splitlines()
    assert table[0].split() == ["ID", "KIND", "ROOM", "START", "DURATION", "TICKS", "MEMBERS", "STATUS"]
    assert [line.split()[0] for line in table[1:]] == ["3", "2", "1"]
    rows = sessions_json(recorded)
    assert [(r["id"], r["kind"], r["ticks"], r["members"], r["status"]) for r in rows] == [
        (3, "arena", 700, 4, "ended"), (2, "whiteboard", 1300, 8, "ended"), (1, "whiteboard", 1300, 8, "ended")]
    arena = json.loads(huddle("sessions", "--json", "--kind", "arena", "--db", recorded, check=0).stdout)
    assert [r["id"] for r in arena] == [3]
    assert json.loads(huddle("sessions", "--json", "--since", "2000-01-01", "--until", "2000-01-02",
                             "--db", recorded, check=0).stdout) == []
    assert len(json.loads(huddle("sessions", "--json", "--since", "1h", "--db", recorded, check=0).stdout)) == 3
    assert huddle("sessions", "--since", "yesterday-ish", "--db", recorded).returncode == 64


def test_show_summary_members_rates_snapshots(recorded):
    out = huddle("show", "1", "--db", recorded, check=0).stdout
    assert "whiteboard, logic v1, replayable" in out
    assert "members (8):" in out and "bot-0-7" in out and "0…1300" in out
    assert "inputs per second:" in out
    assert "snapshots (2):" in out and "600" in out and "1200" in out


def test_replay_prints_the_range_from_the_nearest_snapshot(recorded):
    out = huddle("replay", "1", "--from", "1210", "--to", "1215", "--verbose", "--db", recorded, check=0).stdout
    ticks = [int(line.split()[1]) for line in out.splitlines() if line.startswith("tick ")]
    assert ticks == list(range(1210, 1216))
    assert "cursor(x:" in out
    assert "from the snapshot at tick 1200" in out and "every hash matched" in out


def test_replay_speed_paces_the_timeline(recorded):
    started = time.monotonic()
    huddle("replay", "3", "--from", "1", "--to", "30", "--speed", "2", "--db", recorded, check=0)
    # 30 arena ticks at 30 Hz take one second of game time: half a second at 2x.
    assert time.monotonic() - started >= 0.45


def test_verify_one_and_all(recorded):
    out = huddle("verify", "2", "--db", recorded, check=0).stdout
    assert "verified ticks 1…1300 (1300 ticks, 2 snapshots, final hash)" in out and "complete" in out
    out = huddle("verify", "--all", "--db", recorded, check=0).stdout
    assert out.count("; complete") == 3
    assert huddle("verify", "--db", recorded).returncode == 64


def test_verify_progress_bar_goes_to_stderr_only_when_asked(recorded):
    quiet = huddle("verify", "1", "--db", recorded, check=0)
    assert quiet.stderr == ""
    shown = huddle("verify", "1", "--progress", "--db", recorded, check=0)
    assert "100% 1300/1300 ticks" in shown.stderr and "[" in shown.stderr
    assert "/s " in shown.stderr and " left" in shown.stderr  # rate and time left


def test_render_svg_and_png_from_the_executable(recorded, tmp_path):
    svg = tmp_path / "board.svg"
    out = huddle("render", "1", "--tick", "1210", "--output", svg, "--db", recorded, check=0).stdout
    assert out.strip() == f"session 1 (whiteboard) at tick 1210: wrote {svg}"
    text = svg.read_text()
    assert text.startswith("<svg ") and "whiteboard room" in text and 'class="cursor"' in text
    png = tmp_path / "arena.png"
    huddle("render", "3", "--output", png, "--width", "300", "--db", recorded, check=0)
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(head[16:20], "big") == 300


def test_export_jsonl(recorded, tmp_path):
    lines = [json.loads(l) for l in huddle("export", "3", "--format", "jsonl", "--db", recorded, check=0).stdout.splitlines()]
    assert lines[0]["type"] == "session" and lines[0]["id"] == 3 and lines[-1]["type"] == "end"
    ticks = [l for l in lines if l["type"] == "tick"]
    assert [t["tick"] for t in ticks] == list(range(1, 701))
    assert sum(len(t["inputs"]) for t in ticks) == lines[0]["inputs"]
    assert any(i["input"].startswith("move(") for t in ticks for i in t["inputs"])
    assert [l["tick"] for l in lines if l["type"] == "snapshot"] == [600]
    assert [l["member"] for l in lines if l["type"] == "join"] == [f"bot-0-{i}" for i in range(4)]
    out = tmp_path / "states.jsonl"
    huddle("export", "3", "--states", "250", "--output", out, "--db", recorded, check=0)
    states = [json.loads(l) for l in out.read_text().splitlines() if '"type":"state"' in l]
    assert [s["tick"] for s in states] == [250, 500, 700]
    assert states[0]["hash"] == next(t["hash"] for t in ticks if t["tick"] == 250)


def test_unknown_session_and_bad_arguments(recorded):
    proc = huddle("show", "99", "--db", recorded)
    assert proc.returncode == 3 and "no session 99" in proc.stderr
    assert huddle("verify", "99", "--db", recorded).returncode == 3
    assert huddle("replay", "99", "--db", recorded).returncode == 3
    assert huddle("export", "99", "--db", recorded).returncode == 3
    assert huddle("replay", "1", "--from", "5000", "--db", recorded).returncode == 64
    assert huddle("show", "abc", "--db", recorded).returncode == 64


def test_missing_corrupt_and_foreign_files(tmp_path):
    missing = tmp_path / "nothing.sqlite"
    proc = huddle("sessions", "--db", missing)
    assert proc.returncode == 4 and "no session store" in proc.stderr
    assert not missing.exists()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(os.urandom(16384))
    for command in (["sessions"], ["show", "1"], ["verify", "--all"], ["replay", "1"], ["export", "1"]):
        proc = huddle(*command, "--db", garbage)
        assert proc.returncode == 4, (command, proc.stderr)
        assert "not a Huddle session store" in proc.stderr and "Traceback" not in proc.stderr
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE session (id INTEGER PRIMARY KEY)")
    proc = huddle("sessions", "--db", foreign)
    assert proc.returncode == 4 and "without Huddle's marker" in proc.stderr


def test_damaged_store(recorded, tmp_path):
    db = copy_store(recorded, tmp_path)
    data = bytearray(db.read_bytes())
    data[8192:] = bytes((i * 7) & 0xFF for i in range(len(data) - 8192))
    db.write_bytes(bytes(data))
    proc = huddle("verify", "--all", "--db", db)
    assert proc.returncode in (1, 4) and "huddle: error:" in proc.stderr


def test_unsupported_logic_version(recorded, tmp_path):
    db = copy_store(recorded, tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE session SET logic_version = 99 WHERE id = 2")
    for command in (["verify", "2"], ["replay", "2"]):
        proc = huddle(*command, "--db", db)
        assert proc.returncode == 5 and "not 99" in proc.stderr
    assert "NOT in this build" in huddle("show", "2", "--db", db, check=0).stdout


def test_divergence_names_the_first_tick(recorded, tmp_path):
    db = copy_store(recorded, tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE tick SET state_hash = state_hash + 1 WHERE session_id = 1 AND tick IN (777, 900)")
    proc = huddle("verify", "1", "--db", db)
    assert proc.returncode == 1 and "diverges at tick 777" in proc.stderr
    proc = huddle("replay", "1", "--from", "770", "--to", "780", "--db", db)
    assert proc.returncode == 1
    assert [int(l.split()[1]) for l in proc.stdout.splitlines() if l.startswith("tick ")] == list(range(770, 777))
    assert huddle("verify", "--all", "--db", db).returncode == 1


def test_queue_overflow_is_marked_and_reported(tmp_path):
    db = tmp_path / "gap.sqlite"
    out = synthesize(db, "--ticks", "3000", "--queue-capacity", "50", "--no-flush").stdout
    session = sessions_json(db)[0]
    assert session["gapFromTick"] is not None and session["droppedEvents"] > 0, out
    proc = huddle("verify", str(session["id"]), "--db", db)
    assert proc.returncode == 2 and f"GAP: the recording lost tick {session['gapFromTick']}" in proc.stdout
    assert huddle("sessions", "--db", db, check=0).stdout.splitlines()[1].split()[-1] == "ended+gap"


def start_live(db, rooms, seconds):
    proc = subprocess.Popen([str(HUDDLE), "sessions", "synthesize", "--live", "--db", str(db), "--rooms", str(rooms),
                             "--members", "4", "--seconds", str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("recording"), (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


def test_kill_9_during_recording_leaves_an_incomplete_verifiable_session(tmp_path):
    db = tmp_path / "crash.sqlite"
    proc = start_live(db, rooms=3, seconds=600)
    # Killed once every room has committed 15 ticks, however long that takes.
    wait_for_sessions(db, "15 committed ticks in each of 3 rooms",
                      lambda rows: len(rows) == 3 and all(r["lastTick"] >= 15 for r in rows))
    proc.send_signal(signal.SIGKILL)
    killed_at = time.time()
    proc.wait(timeout=10)
    rows = sessions_json(db)
    assert len(rows) == 3 and {r["status"] for r in rows} == {"incomplete"}
    for row in rows:
        assert row["lastTick"] >= 15, row
        # The last committed tick is young: commits happen every 50 ms.
        age = killed_at - row["lastTickAtMicros"] / 1e6
        print(f"session {row['id']}: last committed tick {row['lastTick']} was {age * 1000:.0f} ms old at the kill")
        assert age < 0.5, row
        out = huddle("verify", row["id"], "--db", db, check=0).stdout
        assert f"verified ticks 1…{row['lastTick']}" in out and "incomplete" in out
        last = row["lastTick"]
        out = huddle("replay", row["id"], "--from", last - 3, "--db", db, check=0).stdout
        assert [int(l.split()[1]) for l in out.splitlines() if l.startswith("tick ")] == list(range(last - 3, last + 1))
    # The next recorder on the file marks them for good and records normally.
    synthesize(db, "--ticks", "50", "--members", "2")
    rows = sessions_json(db)
    assert [r["status"] for r in rows] == ["ended", "incomplete", "incomplete", "incomplete"]


def test_readers_work_while_the_recorder_writes(tmp_path):
    db = tmp_path / "live.sqlite"
    proc = start_live(db, rooms=4, seconds=6)
    try:
        # Read until the readings have grown (not for a fixed time: on a
        # busy machine that could outlast the 6 s recording, or not be
        # enough for two readings).
        seen = []
        while len(seen) < 2 or seen[-1] == seen[0]:
            rows = sessions_json(db)
            assert {r["status"] for r in rows} == {"live"}, rows
            seen.append(sum(r["lastTick"] for r in rows))
            huddle("verify", "--all", "--db", db, check=0)
            huddle("show", rows[0]["id"], "--db", db, check=0)
        assert seen == sorted(seen) and seen[-1] > seen[0]
    finally:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    rows = sessions_json(db)
    assert {r["status"] for r in rows} == {"ended"}
    assert huddle("verify", "--all", "--db", db, check=0).stdout.count("; complete") == 4


def test_kill_9_of_huddle_serve_with_real_clients(tmp_path):
    """The real thing: `huddle serve --db` records a whiteboard that three
    python-socketio members draw on; SIGKILL mid-session; the tools then
    find an incomplete session that verifies and replays to its last commit."""
    pytest.importorskip("socketio")
    import asyncio
    import struct

    from conftest import RunningServer
    from rooms_client import RoomClient

    db = tmp_path / "serve.sqlite"
    server = RunningServer(["--db", str(db)], binary="huddle", subcommand=("serve",))
    killed_at = None

    async def scenario():
        nonlocal killed_at
        members = []
        try:
            for _ in range(3):
                client = await RoomClient(server.url).connect()
                members.append(client)
                answer = await client.join("whiteboard")
                assert "error" not in answer, answer
            for step in range(25):
                for index, member in enumerate(members):
                    await member.send(struct.pack("<BHH", 1, 100 + step * 10 + index, 200 + step))
                await asyncio.sleep(0.05)
            # Killed once the recorder has committed the inputs and 20 ticks.
            await asyncio.to_thread(wait_for_sessions, db, "20 committed ticks with inputs", lambda rows: any(
                r["kind"] == "whiteboard" and r["lastTick"] >= 20 and r["inputs"] > 0 for r in rows))
            server.proc.send_signal(signal.SIGKILL)
            killed_at = time.time()
        finally:
            for member in members:
                try:
                    await asyncio.wait_for(member.close(), 5)
                except Exception:
                    pass

    try:
        asyncio.run(scenario())
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.proc.wait(timeout=10)
    rows = [r for r in sessions_json(db) if r["kind"] == "whiteboard"]
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["status"] == "incomplete" and row["members"] == 3 and row["lastTick"] >= 20, row
    assert killed_at - row["lastTickAtMicros"] / 1e6 < 0.5, row
    assert row["inputs"] > 0
    out = huddle("verify", row["id"], "--db", db, check=0).stdout
    assert f"verified ticks 1…{row['lastTick']}" in out and "incomplete" in out
    out = huddle("replay", row["id"], "--quiet", "--db", db, check=0).stdout
    assert "cursor(x:" in out and out.count("joined after tick") == 3
