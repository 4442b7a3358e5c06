"""huddle serve --auth-jwt-secret: a member proves who it is with a JWT in
the handshake's auth ({token}); the token's sub is its identity in the room
and in the recording, the same on every connection; missing, expired and
forged tokens are refused with connect_error naming why."""
import asyncio
import base64
import hashlib
import hmac
import json
import time

import socketio

from conftest import RunningServer, start_huddle
from test_cli import huddle, sessions_json, wait_for_sessions

NAMESPACE = "/rooms"
SECRET = "a secret of 32 bytes, for tests!"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(sub="alice", expires_in=600, secret=SECRET, claims=None):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = {"sub": sub, "exp": int(time.time()) + expires_in, **(claims or {})}
    payload = b64url(json.dumps(body).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


async def join(url, auth):
    """(the join answer, None) or (None, the connect_error message)."""
    client = socketio.AsyncClient(reconnection=False)
    refusal = []
    client.on("connect_error", lambda data: refusal.append(data), namespace=NAMESPACE)
    try:
        await client.connect(url, namespaces=[NAMESPACE], transports=["websocket"], auth=auth, wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return None, (refusal[0] or {}).get("message") if refusal else "refused"
    try:
        answer = await client.call("join", {"kind": "whiteboard"}, namespace=NAMESPACE, timeout=10)
        # Leave (rather than only disconnect, which holds the seat for its
        # grace period, during which the same identity is already a member).
        await client.call("leave", namespace=NAMESPACE, timeout=10)
        return answer, None
    finally:
        await client.disconnect()


def test_tokens_good_missing_expired_forged():
    server = start_huddle("--auth-jwt-secret", SECRET)
    try:
        answer, refused = asyncio.run(join(server.url, {"token": token("alice")}))
        assert refused is None and answer["member"] == "alice", (answer, refused)
        # The same identity on another connection.
        again, _ = asyncio.run(join(server.url, {"token": token("alice")}))
        assert again["member"] == "alice"
        cases = {
            "missing": (None, "authentication required"),
            "no token": ({"name": "alice"}, "authentication required"),
            "expired": ({"token": token(expires_in=-3600)}, "invalid token: the token expired"),
            "forged": ({"token": token(secret="another secret of 32 bytes......")},
                       "invalid token: the token's signature is not valid"),
            "not a jwt": ({"token": "hello"}, "invalid token: not a JWT"),
        }
        for name, (auth, expected) in cases.items():
            answer, refused = asyncio.run(join(server.url, auth))
            assert answer is None and refused and refused.startswith(expected), (name, answer, refused)
        # Refusals never hurt the server.
        answer, _ = asyncio.run(join(server.url, {"token": token("bob")}))
        assert answer["member"] == "bob"
    finally:
        assert server.stop() == 0


def test_the_identity_is_the_member_in_the_recording(tmp_path):
    db = tmp_path / "auth.sqlite"
    server = RunningServer(["--db", str(db), "--auth-jwt-secret", SECRET, "--empty-grace-period", "0"],
                           binary="huddle", subcommand=("serve",))
    try:
        answer, refused = asyncio.run(join(server.url, {"token": token("carol@example.com")}))
        assert refused is None and answer["member"] == "carol@example.com"
    finally:
        assert server.stop() == 0
    session = sessions_json(db)[0]["id"]
    exported = huddle("export", session, "--format", "jsonl", "--db", db, check=0).stdout
    assert "carol@example.com" in exported


def test_a_seat_is_taken_back_only_by_its_own_identity():
    server = start_huddle("--auth-jwt-secret", SECRET)

    async def connect(who):
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(server.url, namespaces=[NAMESPACE], transports=["websocket"],
                             auth={"token": token(who)}, wait_timeout=10)
        return client

    async def scenario():
        alice = await connect("alice")
        joined = await alice.call("join", {"kind": "whiteboard"}, namespace=NAMESPACE, timeout=10)
        seat = joined["seat"]
        await alice.disconnect()  # no leave: the seat is held for alice
        mallory = await connect("mallory")
        stolen = await mallory.call("rejoin", {"seat": seat}, namespace=NAMESPACE, timeout=10)
        await mallory.disconnect()
        back = await connect("alice")
        rejoined = await back.call("rejoin", {"seat": seat}, namespace=NAMESPACE, timeout=10)
        await back.disconnect()
        return stolen, rejoined

    try:
        stolen, rejoined = asyncio.run(scenario())
    finally:
        assert server.stop() == 0
    assert stolen.get("error", {}).get("code") == "unknownSeat", stolen
    assert "error" not in rejoined and rejoined["member"] == "alice", rejoined
