"""Loopback fixtures: start the built conformance-server on port 0 and
read the port from its one 'listening on' line (no sleeps)."""
import os
import pathlib
import signal
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN_DIR = pathlib.Path(os.environ.get("HUDDLE_BIN_DIR", ROOT / ".build" / "debug"))


class RunningServer:
    def __init__(self, args, binary="conformance-server", subcommand=()):
        exe = BIN_DIR / binary
        if not exe.exists():
            raise RuntimeError(f"{exe} is missing: build first (Tools/test does)")
        self.proc = subprocess.Popen(
            [str(exe), *subcommand, "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline()
        if not line.startswith(("listening on http://", "listening on https://")):
            self.proc.kill()
            err = self.proc.stderr.read()
            raise RuntimeError(f"server did not start: {line!r} {err!r}")
        self.url = line.strip().split(" ", 2)[2]
        self.port = int(self.url.rsplit(":", 1)[1])
        self.ws_url = self.url.replace("https://", "wss://").replace("http://", "ws://")

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode


def start_server(*args):
    return RunningServer(list(args))


def start_huddle(*args):
    """`huddle serve --port 0 --no-record` (plus `args`): rooms in /rooms,
    the demo page, /stats."""
    return RunningServer(["--no-record", *args], binary="huddle", subcommand=("serve",))


@pytest.fixture(scope="module")
def fast_server():
    """The configuration of the upstream compliance suites."""
    server = start_server("--ping-interval", "300", "--ping-timeout", "200",
                          "--max-payload", "1000000", "--connect-timeout", "1000")
    yield server
    code = server.stop()
    assert code == 0, f"server exited with {code}"


@pytest.fixture(scope="module")
def server():
    """Reference default heartbeats: nothing times out during a test."""
    srv = start_server()
    yield srv
    code = srv.stop()
    assert code == 0, f"server exited with {code}"


@pytest.fixture(scope="module")
def deflate_server():
    srv = start_server("--per-message-deflate")
    yield srv
    assert srv.stop() == 0
