"""A throwaway PostgreSQL server (Debian's) for the interop tests: initdb
into a temporary directory, a Unix socket only (no port), trust auth, run
as the `postgres` user when the tests run as root (PostgreSQL refuses
root); ready once pg_isready says so; stopped (fast shutdown) at the end."""
import glob
import os
import shutil
import subprocess
import tempfile
import time

import pytest


def _bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return os.path.dirname(found[-1]) if found else None


class PostgresServer:
    def __init__(self):
        self.bin = _bin()
        if self.bin is None:
            if os.environ.get("HUDDLE_REQUIRE_POSTGRES") == "1":
                raise RuntimeError("PostgreSQL is missing (Tools/test installs it)")
            pytest.skip("PostgreSQL is not installed (Tools/test installs it)")
        self.dir = tempfile.mkdtemp(prefix="huddle-pg-")
        self.data = os.path.join(self.dir, "data")
        self.socket = os.path.join(self.dir, "socket")
        os.mkdir(self.socket)
        self.root = os.getuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.socket, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "huddle", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.proc = subprocess.Popen(self._command("postgres", "-D", self.data, "-k", self.socket, "-c", "listen_addresses=",
                                                   "-c", "fsync=off"),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while subprocess.run([os.path.join(self.bin, "pg_isready"), "-h", self.socket, "-q"]).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("postgres did not start")
            time.sleep(0.05)
        self._run("createdb", "-h", self.socket, "-U", "huddle", "huddle")
        self.url = f"postgres://huddle@/huddle?host={self.socket}"

    def _command(self, tool, *args):
        command = [os.path.join(self.bin, tool), *args]
        return ["runuser", "-u", "postgres", "--", *command] if self.root else command

    def _run(self, tool, *args):
        subprocess.run(self._command(tool, *args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        # SIGINT to the postmaster (its pid file: runuser does not pass
        # signals on): a fast shutdown, clients disconnected.
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as pid_file:
                os.kill(int(pid_file.readline()), 2)
        except (OSError, ValueError):
            self.proc.send_signal(2)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
