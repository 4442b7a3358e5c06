"""Headless Chromium (Debian's chromium + chromium-driver) driven by selenium:
(a) the official Socket.IO browser bundle against the conformance server,
over polling and WebSocket; (b) the demo page of `huddle serve`, written on
the JavaScript client (/sdk/huddle-rooms.js): two pages on a whiteboard, one
in the arena, a page whose connection drops; (c) the client imported by a
page of another origin; (d) the replay page. Screenshots land in artifacts/.
Everything waits on conditions in the page (WebDriverWait), never on sleeps.

Needs `Tools/browser-setup` (the bundle in Assets/vendor/, chromium and
chromium-driver). Run by hand without them, the tests are skipped with that
hint; under `Tools/test` (HUDDLE_REQUIRE_BROWSER=1) a missing piece fails."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

import rooms_wire as wire
from conftest import ROOT, RunningServer, start_huddle, start_server
from test_cli import synthesize

REQUIRED = os.environ.get("HUDDLE_REQUIRE_BROWSER") == "1"
if REQUIRED:
    import selenium  # noqa: F401  (a missing package fails the run)
else:
    selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

BUNDLE = ROOT / "Assets" / "vendor" / "socket.io.min.js"
ARTIFACTS = ROOT / "artifacts"
DRIVER = shutil.which("chromedriver")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

MISSING = not (DRIVER and BROWSER and BUNDLE.exists())
if REQUIRED and MISSING:
    raise RuntimeError("Tools/browser-setup did not provide chromium, chromium-driver and Assets/vendor/socket.io.min.js")
pytestmark = pytest.mark.skipif(
    MISSING,
    reason="run Tools/browser-setup (chromium, chromium-driver, Assets/vendor/socket.io.min.js)",
)


def browser(*extra_arguments):
    options = Options()
    options.binary_location = BROWSER
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,900", *extra_arguments):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(DRIVER))


def wait(driver, what, script, timeout=15):
    """Waits until `script` (a JS expression) is truthy in the page; returns it."""
    try:
        return WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return " + script))
    except Exception as error:
        logs = [entry["message"] for entry in driver.get_log("browser")]
        raise AssertionError(f"timed out waiting for {what}; browser log: {logs}") from error


def screenshot(driver, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


# ---- (a) the official client against the conformance server ------------------

CONTRACT = r"""
const [url, transports] = arguments;
window.result = null;
const blob = new Uint8Array(256).map((_, i) => i);
// Every argument of the ack (emitWithAck resolves with the first one only).
const ackAll = (socket, event, ...args) => new Promise((resolve, reject) =>
  socket.timeout(5000).emit(event, ...args, (error, ...answer) => (error ? reject(error) : resolve(answer))));
const run = async () => {
  const out = {};
  const socket = io(url, { transports, auth: { token: 'abc', n: 1 }, forceNew: true, reconnection: false });
  out.auth = await new Promise((resolve) => socket.once('auth', resolve));
  out.transport = socket.io.engine.transport.name;
  socket.emit('message', 'hello', 42, { a: [1, 2] });
  out.messageBack = await new Promise((resolve) => socket.once('message-back', (...args) => resolve(args)));
  out.withAck = await ackAll(socket, 'message-with-ack', 'ping', 7);
  const echoed = await socket.timeout(5000).emitWithAck('echo', blob.buffer);
  out.echoIsBinary = echoed instanceof ArrayBuffer;
  out.echoBytes = Array.from(new Uint8Array(echoed));
  await ackAll(socket, 'join', 'room-1');
  socket.emit('to-room', 'room-1', 'to everyone', blob.buffer.slice(0, 4));
  const [text, bytes] = await new Promise((resolve) => socket.once('room-message', (...args) => resolve(args)));
  out.roomMessage = [text, Array.from(new Uint8Array(bytes))];
  socket.disconnect();
  const refused = io(url + '/private', { transports, forceNew: true, reconnection: false });
  out.privateRefusal = await new Promise((resolve) => refused.once('connect_error', (e) => resolve({ message: e.message, data: e.data })));
  refused.close();
  const admitted = io(url + '/private', { transports, auth: { token: 'secret' }, forceNew: true, reconnection: false });
  out.privateAuth = await new Promise((resolve) => admitted.once('auth', resolve));
  admitted.disconnect();
  return out;
};
run().then((out) => { window.result = { ok: true, out }; }, (error) => { window.result = { ok: false, error: String(error) }; });
"""


@pytest.fixture(scope="module")
def conformance():
    server = start_server()
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def chrome():
    driver = browser()
    yield driver
    driver.quit()


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_official_bundle_against_the_conformance_server(conformance, chrome, transport):
    # A page of the server's own origin (its 404): Chromium's local network
    # access checks refuse connections to 127.0.0.1 from about:blank's opaque
    # origin. The page is empty; the bundle is injected into it.
    chrome.get(conformance.url + "/blank")
    chrome.execute_script(BUNDLE.read_text())
    assert chrome.execute_script("return typeof io") == "function"
    chrome.execute_script(CONTRACT, conformance.url, [transport])
    result = wait(chrome, "the contract script", "window.result")
    assert result["ok"], result
    out = result["out"]
    assert out["transport"] == transport
    assert out["auth"] == {"token": "abc", "n": 1}
    assert out["messageBack"] == ["hello", 42, {"a": [1, 2]}]
    assert out["withAck"] == ["ping", 7]
    assert out["echoIsBinary"] and out["echoBytes"] == list(range(256))
    assert out["roomMessage"] == ["to everyone", [0, 1, 2, 3]]
    assert out["privateRefusal"] == {"message": "unauthorized", "data": {"code": 401}}
    assert out["privateAuth"] == {"token": "secret"}


# ---- (a2) the server disconnects the client around the upgrade -----------------

# `disconnect-me` makes the server call disconnect(close: true): the client
# must see "io server disconnect" (the DISCONNECT packet reached it, over
# polling or over the WebSocket it was upgrading to) and must not reconnect;
# "transport close" would mean it only saw the transport end, and it would
# reconnect after reconnectionDelay. The page waits a bounded window after
# the disconnect (3 x reconnectionDelay) for a reconnection that must not come.
DISCONNECT_ME = r"""
const [url, when, delay] = arguments;
window.result = null;
const run = async () => {
  const socket = io(url, { forceNew: true, reconnectionDelay: delay, reconnectionDelayMax: delay,
                           randomizationFactor: 0 });
  const events = [];
  window.progress = events;
  socket.io.on('reconnect_attempt', () => events.push('reconnect_attempt'));
  socket.on('connect', () => events.push('connect'));
  socket.on('connect_error', (e) => events.push('connect_error ' + e.message));
  await new Promise((resolve) => socket.once('connect', resolve));
  const engine = socket.io.engine;
  if (when === 'after-upgrade' && engine.transport.name !== 'websocket') {
    await new Promise((resolve) => engine.once('upgrade', resolve));
  }
  const sentOn = engine.transport.name + (engine.upgrading ? ' (upgrading)' : '');
  events.push('emit on ' + sentOn);
  socket.on('disconnect', (reason) => events.push('disconnect ' + reason));
  const disconnected = new Promise((resolve) => socket.once('disconnect', (reason) => {
    resolve({ reason, transport: engine.transport.name });
  }));
  socket.emit('disconnect-me');
  const out = await disconnected;
  await new Promise((resolve) => setTimeout(resolve, 3 * delay));
  out.sentOn = sentOn;
  out.events = events;
  out.active = socket.active;
  socket.close();
  return out;
};
run().then((out) => { window.result = { ok: true, out }; }, (error) => { window.result = { ok: false, error: String(error) }; });
"""

DISCONNECT_ROUNDS = int(os.environ.get("HUDDLE_DISCONNECT_ROUNDS", "5"))


@pytest.mark.parametrize("when", ["right-after-connect", "after-upgrade"])
def test_disconnect_me_is_an_io_server_disconnect_without_reconnection(conformance, chrome, when):
    chrome.get(conformance.url + "/blank")
    chrome.execute_script(BUNDLE.read_text())
    outcomes = []
    for _ in range(DISCONNECT_ROUNDS):
        chrome.execute_script(DISCONNECT_ME, conformance.url, when, 100)
        try:
            result = wait(chrome, "the disconnect-me script", "window.result")
        except AssertionError as error:
            progress = chrome.execute_script("return window.progress")
            raise AssertionError(f"{error}; the page saw: {progress}; rounds before: {outcomes}") from error
        assert result["ok"], result
        outcomes.append(result["out"])
    wrong = [out for out in outcomes
             if out["reason"] != "io server disconnect" or out["active"] or "reconnect_attempt" in out["events"]
             or out["events"].count("connect") != 1]
    counts = {}
    for out in outcomes:
        key = f"{out['reason']} (sent on {out['sentOn']}, received on {out['transport']}, events {out['events']})"
        counts[key] = counts.get(key, 0) + 1
    print(f"disconnect-me {when}: {counts}")
    assert not wrong, f"{len(wrong)} of {len(outcomes)} rounds wrong: {counts}"


# ---- (b) the demo page ----------------------------------------------------------

@pytest.fixture
def huddle():
    server = start_huddle()
    yield server
    assert server.stop() == 0


def summary(driver):
    return driver.execute_script("return window.huddle.summary()")


def test_demo_whiteboard_two_pages_see_cursor_and_stroke(huddle):
    alice, bob = browser(), browser()
    try:
        for page in (alice, bob):
            page.get(huddle.url + "/?kind=whiteboard")
            wait(page, "the whiteboard join", "window.huddle && window.huddle.ready")
        assert summary(alice)["members"] == 2 or wait(alice, "bob in the legend", "window.huddle.summary().members === 2")
        alice_slot = summary(alice)["slot"]
        canvas = alice.find_element(By.ID, "board")

        # Alice's cursor shows up on Bob's page.
        ActionChains(alice).move_to_element_with_offset(canvas, -150, -150).perform()
        wait(bob, "alice's cursor", f"window.huddle.summary().cursors['{alice_slot}'] !== undefined")

        # Alice draws; Bob sees the stroke while it is drawn, then committed.
        drawing = ActionChains(alice).move_to_element_with_offset(canvas, -150, -100).click_and_hold()
        for _ in range(30):
            drawing.move_by_offset(6, 4)
        drawing.perform()
        wait(bob, "the stroke in progress",
             f"window.huddle.summary().openStrokes.some(s => s.slot === {alice_slot} && s.points > 5)")
        screenshot(bob, "whiteboard-bob-during-stroke.png")
        ActionChains(alice).move_by_offset(10, 0).release().perform()
        wait(bob, "the committed stroke",
             f"window.huddle.summary().strokes.some(s => s.slot === {alice_slot} && s.points > 20)")
        wait(alice, "alice's own committed stroke", "window.huddle.summary().strokes.length === 1")

        # Bob adds a rectangle with the shape tool; Alice sees it.
        bob.find_element(By.CSS_SELECTOR, "[data-tool=rectangle]").click()
        bob_canvas = bob.find_element(By.ID, "board")
        ActionChains(bob).move_to_element_with_offset(bob_canvas, 60, 60).click_and_hold() \
            .move_by_offset(120, 80).release().perform()
        wait(alice, "bob's rectangle", "window.huddle.summary().shapes.length === 1")
        wait(bob, "bob's own rectangle", "window.huddle.summary().shapes.length === 1")
        screenshot(alice, "whiteboard-alice.png")
        screenshot(bob, "whiteboard-bob.png")

        # Alice moves it, then deletes it; then clears the board.
        before = summary(alice)["shapes"][0]["from"]
        alice.find_element(By.CSS_SELECTOR, "[data-tool=move]").click()
        ActionChains(alice).move_to_element_with_offset(canvas, 120, 100).click_and_hold() \
            .move_by_offset(-100, -60).release().perform()
        wait(bob, "the moved rectangle", f"window.huddle.summary().shapes[0].from.x < {before['x']}")
        alice.find_element(By.CSS_SELECTOR, "[data-tool=erase]").click()
        wait(alice, "the move on alice's page", f"window.huddle.summary().shapes[0].from.x < {before['x']}")
        ActionChains(alice).move_to_element_with_offset(canvas, 20, 40).click().perform()
        wait(bob, "the deleted rectangle", "window.huddle.summary().shapes.length === 0")
        alice.find_element(By.ID, "clear").click()
        wait(bob, "the cleared board", "window.huddle.summary().strokes.length === 0")
        for page in (alice, bob):
            assert summary(page)["errors"] == []
    finally:
        alice.quit()
        bob.quit()


def test_demo_arena_page_moves_its_player(huddle):
    page = browser()
    try:
        page.get(huddle.url + "/?kind=whiteboard")
        wait(page, "the whiteboard", "window.huddle && window.huddle.ready")
        page.find_element(By.CSS_SELECTOR, "[data-tab=arena]").click()
        wait(page, "the arena join", "window.huddle.kind === 'arena' && window.huddle.ready "
                                     "&& window.huddle.summary().position !== null")
        info = summary(page)
        start = info["position"]
        # The page is alone in its arena, so the player stays where it
        # spawned (at random) until a key moves it. Hold the arrow with the
        # longest free run from there (edges and walls) and wait for the
        # move itself: the timeout is only a guard against a hang.
        assert info["players"] == 1, info
        distance = 1500
        position = (start["x"], start["y"])
        run, axis = max((wire.free_run(position, axis), axis) for axis in wire.AXES)
        assert run >= distance, f"no free run of {distance} grid units from {start}"
        key = {(1, 0): Keys.ARROW_RIGHT, (-1, 0): Keys.ARROW_LEFT, (0, 1): Keys.ARROW_DOWN, (0, -1): Keys.ARROW_UP}[axis]
        coordinate, sign = ("x", axis[0]) if axis[0] else ("y", axis[1])
        moved = f"(window.huddle.summary().position.{coordinate} - {start[coordinate]}) * {sign} >= {distance}"
        ActionChains(page).key_down(key).perform()
        wait(page, f"the player to move {distance} grid units", moved, timeout=60)
        ActionChains(page).key_up(key).perform()
        info = summary(page)
        assert info["players"] == 1 and info["pickups"] >= 1 and info["errors"] == []
        screenshot(page, "arena.png")
    finally:
        page.quit()


def test_demo_page_comes_back_after_its_connection_drops(huddle):
    alice, bob = browser(), browser()
    try:
        for page in (alice, bob):
            page.get(huddle.url + "/?kind=whiteboard")
            wait(page, "the whiteboard join", "window.huddle && window.huddle.ready")
        wait(alice, "bob in the legend", "window.huddle.summary().members === 2")
        # The transport closes under the page (as when a network drops): the
        # SDK reconnects and rejoins, with its seat when the server has seats.
        alice.execute_script("window.huddle.view.room.socket.io.engine.close()")
        wait(alice, "the rejoin", "window.huddle.summary().reconnects === 1 && window.huddle.summary().status === 'joined'")
        wait(alice, "the room of two again", "window.huddle.summary().members === 2")
        slot = summary(alice)["slot"]
        canvas = alice.find_element(By.ID, "board")
        drawing = ActionChains(alice).move_to_element_with_offset(canvas, -100, -100).click_and_hold()
        for _ in range(10):
            drawing.move_by_offset(8, 5)
        drawing.release().perform()
        wait(bob, "the stroke drawn after the rejoin", f"window.huddle.summary().strokes.some(s => s.slot === {slot})")
        info = summary(alice)
        assert info["errors"] == [] and summary(bob)["errors"] == []
        assert "seat resumed" in alice.find_element(By.ID, "status").text or info["resumed"] == 0
    finally:
        alice.quit()
        bob.quit()



def test_demo_page_reload_takes_its_seat_back(huddle):
    page, other = browser(), browser()
    try:
        for each in (page, other):
            each.get(huddle.url + "/?kind=whiteboard")
            wait(each, "the whiteboard join", "window.huddle && window.huddle.ready")
        seat = page.execute_script("return sessionStorage.getItem('huddle-seat:whiteboard')")
        if seat is None:
            pytest.skip("this server issues no seats (docs/room-protocol.md, \"Seats\")")
        before = summary(page)
        wait(other, "two members", "window.huddle.summary().members === 2")
        page.refresh()
        wait(page, "the page back in its room", "window.huddle && window.huddle.ready")
        after = summary(page)
        assert (after["member"], after["slot"]) == (before["member"], before["slot"])
        assert summary(other)["members"] == 2
    finally:
        page.quit()
        other.quit()

# ---- (c) the JavaScript client from a page of another origin ------------------------

SDK_CROSS_ORIGIN = r"""
const [huddleUrl, transports] = arguments;
window.result = null;
const run = async () => {
  const { HuddleRooms, WhiteboardInput, RoomError } = await import(huddleUrl + '/sdk/huddle-rooms.js');
  const client = HuddleRooms.connect(huddleUrl, { socket: { transports } });
  const alice = await client.joinOrCreate('whiteboard');
  const bob = await client.joinOrCreate('whiteboard');
  const out = { transport: alice.socket.io.engine.transport.name, room: alice.id, sameRoom: alice.id === bob.id };
  const committed = new Promise((resolve) => bob.onOperation((op) => { if (op.type === 'strokeCommitted') resolve(); }));
  alice.inputs.beginStroke(1, 0xe6194b, 6);
  alice.inputs.appendPoints(1, [{ x: 10, y: 10 }, { x: 20, y: 30 }, { x: 40, y: 35 }]);
  alice.inputs.endStroke(1);
  await committed;
  out.bobStrokes = bob.state.strokes.map((s) => s.points.length);
  try { await alice.request(WhiteboardInput.deleteShape(404)); } catch (error) { out.refusal = error instanceof RoomError ? error.code : String(error); }
  const cursor = { x: 1234, y: 2345 };
  alice.inputs.cursor(cursor.x, cursor.y);
  await new Promise((resolve) => bob.onPositions((table) => {
    const at = table.get(alice.slot);
    if (at && at.x === cursor.x && at.y === cursor.y) resolve();
  }));
  out.members = bob.members.length;
  await client.close();
  out.left = [alice.status, bob.status];
  return out;
};
run().then((out) => { window.result = { ok: true, out }; }, (error) => { window.result = { ok: false, error: String(error && error.stack || error) }; });
"""


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_the_client_module_works_from_a_page_of_another_origin(conformance, chrome, transport):
    # The conformance server's empty page is another origin (another port):
    # the module is imported across origins (CORS on /sdk/), the bundle
    # is the page's own, the rooms are huddle's, which lets that origin in.
    huddle = start_huddle("--cors-origin", conformance.url)
    try:
        chrome.get(conformance.url + "/blank")
        chrome.execute_script(BUNDLE.read_text())
        chrome.execute_script(SDK_CROSS_ORIGIN, huddle.url, [transport])
        result = wait(chrome, "the client script", "window.result", timeout=30)
    finally:
        assert huddle.stop() == 0
    assert result["ok"], result
    out = result["out"]
    assert out["transport"] == transport
    assert out["sameRoom"] and out["room"].startswith("whiteboard-")
    assert out["bobStrokes"] == [3]
    assert out["refusal"] == "unknownElement"
    assert out["members"] == 2
    assert out["left"] == ["left", "left"]


FOREIGN_PAGE = """
const [url, transports] = arguments;
window.result = undefined;
const socket = io(url + '/rooms', { transports, reconnection: false, timeout: 5000 });
socket.on('connect', () => { window.result = { connected: true }; socket.close(); });
socket.on('connect_error', (error) => { window.result = { connected: false, error: String(error && error.message) }; socket.close(); });
"""


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_page_of_an_origin_not_listed_cannot_connect(conformance, chrome, transport):
    # huddle serve's default: its own pages only; a foreign page's handshake
    # (its Origin is the conformance server's) is refused on both transports.
    huddle = start_huddle()
    try:
        chrome.get(conformance.url + "/blank")
        chrome.execute_script(BUNDLE.read_text())
        chrome.execute_script(FOREIGN_PAGE, huddle.url, [transport])
        result = wait(chrome, "the connection attempt", "window.result", timeout=20)
    finally:
        assert huddle.stop() == 0
    assert result["connected"] is False, result


TLS_PAGE = """
const [url, transports] = arguments;
window.result = undefined;
const socket = io(url + '/rooms', { transports, reconnection: false, timeout: 10000 });
socket.on('connect', async () => {
  const answer = await socket.emitWithAck('join', { kind: 'whiteboard' });
  window.result = { connected: true, transport: socket.io.engine.transport.name, room: answer.room, secure: location.protocol };
  socket.close();
});
socket.on('connect_error', (error) => { window.result = { connected: false, error: String(error && error.message) }; socket.close(); });
"""


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_the_official_client_over_https_and_wss(tmp_path, transport):
    # huddle serve --tls-cert/--tls-key with a certificate of a CA made here;
    # Chromium trusts exactly that certificate's key (its SPKI hash), nothing
    # else: the page and the connection are https/wss with a verified key.
    from test_tls import make_pki
    _, cert, key = make_pki(tmp_path)
    spki = subprocess.run(
        f"openssl x509 -in {cert} -pubkey -noout | openssl pkey -pubin -outform der"
        " | openssl dgst -sha256 -binary | base64", shell=True, check=True, capture_output=True, text=True,
    ).stdout.strip()
    huddle = start_huddle("--tls-cert", str(cert), "--tls-key", str(key))
    page = browser(f"--ignore-certificate-errors-spki-list={spki}", f"--user-data-dir={tmp_path / 'profile'}")
    try:
        assert huddle.url.startswith("https://")
        page.get(huddle.url + "/blank")
        page.execute_script(BUNDLE.read_text())
        page.execute_script(TLS_PAGE, huddle.url, [transport])
        result = wait(page, "the connection over TLS", "window.result", timeout=20)
    finally:
        page.quit()
        assert huddle.stop() == 0
    assert result["connected"], result
    assert result["secure"] == "https:" and result["transport"] == transport
    assert result["room"].startswith("whiteboard-")


# ---- (d) the replay page ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["whiteboard", "arena"])
def test_replay_page_draws_frames_and_seeks(tmp_path, kind):
    db = tmp_path / "sessions.sqlite"
    synthesize(db, "--room-kind", kind, "--ticks", "900", "--members", "3")
    server = RunningServer(["1", "--serve", "--db", str(db), "--speed", "2"], binary="huddle", subcommand=("replay",))
    page = browser()
    try:
        page.get(server.url + "/replay.html")
        wait(page, "a few frames", "window.huddleReplay.frames >= 3 && window.huddleReplay.view !== null")
        view = page.execute_script("return window.huddleReplay.view")
        assert view["kind"] == kind
        if kind == "arena":
            # Positions on the grid of the live arena view (0…65535), not raw fixed point.
            assert len(view["players"]) == 3
            assert all(0 <= p["x"] < 65536 and 0 <= p["y"] < 65536 for p in view["players"]), view
        else:
            assert view["members"] == 3
        first, last = page.execute_script("return [window.huddleReplay.info.firstTick, window.huddleReplay.info.lastTick]")
        target = first + (last - first) * 3 // 4
        page.execute_script("const s = document.getElementById('seek'); s.value = arguments[0];"
                            "s.dispatchEvent(new Event('change'));", target)
        wait(page, f"the frame of tick {target} or later", f"window.huddleReplay.tick >= {target}")
        page.find_element(By.ID, "toggle").click()
        wait(page, "the pause", "window.huddleReplay.paused === true")
        screenshot(page, f"replay-{kind}.png")
    finally:
        page.quit()
        assert server.stop() == 0
