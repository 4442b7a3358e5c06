"""The real Socket.IO Admin UI (upstream's built `ui/dist`, version 0.5.1)
in headless Chromium against `conformance-server --admin-password HASH`:
it logs in (with a session id from an earlier login, as a reload does),
shows CONNECTED, the server, the sockets, rooms and clients, and its
per-row disconnect button disconnects that socket and no other.

The UI bundle is not in this repository: HUDDLE_ADMIN_UI_DIST names a
directory holding its `index.html` (e.g. `git archive` of the upstream
repository's ui/dist, github.com/socketio/socket.io-admin-ui). Without it,
or without chromium, chromedriver and selenium, the test is skipped with
the reason. It is copied to a temporary directory, its two stylesheet
links to public CDNs removed (offline: default font, blank icons), and
served by Python's http.server on another port; the conformance server
allows that origin with credentials (it reflects every origin). Every wait
is on a condition in the page or an event, never a sleep."""
import functools
import http.server
import os
import pathlib
import re
import shutil
import threading

import pytest

from conftest import ROOT, start_server
from test_admin_ui import HASH, Peer, dashboard

DIST = os.environ.get("HUDDLE_ADMIN_UI_DIST")
DRIVER = shutil.which("chromedriver")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

if not DIST or not (pathlib.Path(DIST) / "index.html").exists():
    pytest.skip("HUDDLE_ADMIN_UI_DIST does not name the Admin UI's ui/dist (upstream socket.io-admin-ui)",
                allow_module_level=True)
if not (DRIVER and BROWSER):
    pytest.skip("chromium and chromedriver are needed (Tools/browser-setup)", allow_module_level=True)
selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("admin-ui")
    shutil.copytree(DIST, root / "dist")
    index = root / "dist" / "index.html"
    html = index.read_text()
    html = re.sub(r'<link rel="stylesheet" href="https://[^"]*">', "", html)
    index.write_text(html)
    handler = functools.partial(QuietHandler, directory=str(root / "dist"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def driver():
    options = Options()
    options.binary_location = BROWSER
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(DRIVER))
    yield chrome
    chrome.quit()


def wait(driver, what, script, timeout=20):
    try:
        return WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return " + script))
    except Exception as error:
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "admin-ui-timeout.png"))
        logs = [entry["message"] for entry in driver.get_log("browser")]
        raise AssertionError(f"timed out waiting for {what}; browser log: {logs}") from error


def page_has(text):
    return f"document.body.innerText.includes({text!r})"


def test_the_real_admin_ui_shows_and_disconnects(ui_url, driver):
    server = start_server("--admin-password", HASH, "--server-id", "huddle-ui")
    alice = bob = None
    try:
        alice = Peer(server.url, ["/"])
        bob = Peer(server.url, ["/"])
        alice.emit("join", "lobby", namespace="/")
        # A login by password gives the session id a reload would use.
        login = dashboard(server)
        (session_id,) = login.next("session")
        login.close()

        driver.get(ui_url)
        driver.execute_script(
            "localStorage.clear();"
            "localStorage.setItem('server_url', arguments[0]);"
            "localStorage.setItem('session_id', arguments[1]);", server.url, session_id)
        driver.refresh()  # a new hash alone would not reload the page
        wait(driver, "CONNECTED", "document.body.innerText.toLowerCase().includes('connected')"
             " && !document.body.innerText.toLowerCase().includes('disconnected')")
        wait(driver, "the namespaces in the dashboard", page_has("/custom") + " && " + page_has("/private"))
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "admin-ui-dashboard.png"))

        driver.get(ui_url + "#/servers/")
        wait(driver, "this server, healthy", page_has("huddle-ui") + " && document.body.innerText.includes('HEALTHY')")

        driver.get(ui_url + "#/sockets/")
        wait(driver, "both sockets listed", page_has(alice.sid) + " && " + page_has(bob.sid))

        driver.get(ui_url + "#/rooms/")
        wait(driver, "the lobby room", page_has("lobby"))

        driver.get(ui_url + "#/clients/")
        wait(driver, "both clients", page_has(alice.sio.eio.sid[:12]) + " && " + page_has(bob.sio.eio.sid[:12]))

        driver.get(ui_url + "#/sockets/")
        wait(driver, "both sockets listed again", page_has(alice.sid) + " && " + page_has(bob.sid))
        driver.save_screenshot(str(ARTIFACTS / "admin-ui-sockets.png"))
        row = driver.find_element(By.XPATH, f"//tr[td[contains(., '{bob.sid}')]]")
        row.find_element(By.TAG_NAME, "button").click()
        assert bob.next("disconnect", namespace="/", timeout=10) is not None
        # The click also opens bob's page (the row's handler), which then says so.
        wait(driver, "bob shown disconnected", "document.body.innerText.toLowerCase().includes('disconnected')")
        assert alice.sio.connected and alice.q("/", "disconnect").empty()
    finally:
        for peer in (alice, bob):
            if peer:
                peer.close()
        assert server.stop() == 0


def test_a_login_through_the_form_keeps_the_session(ui_url, driver):
    """The connection form's login: the server sends `session` right after
    the CONNECT packet, so the UI (which listens for it from its connect
    handler) stores the id, and a reload logs in with it, not the password."""
    server = start_server("--admin-password", HASH)
    try:
        driver.get(ui_url)
        driver.execute_script("localStorage.clear();")
        driver.refresh()
        wait(driver, "the connection form", "document.querySelectorAll('.v-dialog input').length >= 3")
        inputs = driver.find_elements(By.CSS_SELECTOR, ".v-dialog input")
        inputs[0].send_keys(server.url)
        inputs[1].send_keys("admin")
        inputs[2].send_keys("s3cret")
        driver.find_element(By.XPATH, "//div[contains(@class,'v-dialog')]//button[contains(., 'Connect') or contains(., 'CONNECT')]").click()
        wait(driver, "CONNECTED", "!document.body.innerText.toLowerCase().includes('disconnected')"
             " && document.body.innerText.toLowerCase().includes('connected')")
        session_id = wait(driver, "the stored session id",
                          "/^[0-9a-f]{16}$/.test(localStorage.getItem('session_id') || '') && localStorage.getItem('session_id')")
        driver.refresh()
        wait(driver, "CONNECTED again with the session id", "!document.body.innerText.toLowerCase().includes('disconnected')"
             " && document.body.innerText.toLowerCase().includes('connected')")
        assert driver.execute_script("return localStorage.getItem('session_id')") == session_id
    finally:
        assert server.stop() == 0
