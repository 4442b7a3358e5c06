"""A throwaway redis-server (Debian's) on a free loopback port, for the
cluster tests: started, waited for (PING answered), killed at the end."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self):
        exe = shutil.which("redis-server")
        if exe is None:
            if os.environ.get("HUDDLE_REQUIRE_REDIS") == "1":
                raise RuntimeError("redis-server is missing (Tools/test installs it)")
            pytest.skip("redis-server is not installed (Tools/test installs it)")
        self.dir = tempfile.mkdtemp(prefix="huddle-redis-")
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", self.dir],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if self._ready():
                return
            self.proc.kill()
            self.proc.wait()
        raise RuntimeError("redis-server did not start")

    def _ready(self):
        # Its log says when it accepts; a PING then proves it.
        for line in self.proc.stdout:
            if "Ready to accept connections" in line:
                return self.ping()
            if "Address already in use" in line:
                return False
        return False

    def ping(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")

    def command(self, *args):
        """One command in RESP; the raw reply (enough for the tests' NUMSUB)."""
        payload = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(payload.encode())
            return s.recv(4096)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def numsub(self, channel):
        reply = self.command("PUBSUB", "NUMSUB", channel)
        return int(reply.rsplit(b":", 1)[1].strip())

    def wait_for_subscribers(self, channel, count, timeout=10):
        """Servers subscribe once they are up, in the background: wait
        (bounded) until Redis counts `count` on `channel`."""
        deadline = time.monotonic() + timeout
        while self.numsub(channel) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{channel}: {self.numsub(channel)} subscribers, not {count}")
            time.sleep(0.02)
