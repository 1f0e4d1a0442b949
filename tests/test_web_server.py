"""The playground served for real: uvicorn in a subprocess on a loopback address, attacked over raw sockets.

A chunked body far over the limit (no Content-Length to refuse up front) must get a 413 while the server's peak
memory (VmHWM of /proc/PID/status) stays flat; a forged Host header must be refused whatever address the server is
bound to; and while two visitors train as hard as the limits allow, a third is still served promptly (each
session has its own lock, and a train request stops at its time limit).
"""

from __future__ import annotations

import select
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from glassgrad.web.schemas import MAX_UPLOAD_BYTES

SERVE = "import sys, uvicorn; from glassgrad.web.server import create_app, own_names; " \
        "uvicorn.run(create_app(allowed_hosts=own_names(sys.argv[1])), host=sys.argv[1], port=int(sys.argv[2]), " \
        "log_level='warning')"
pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")


class Server:
    def __init__(self, host: str) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family) as s:
            s.bind((host, 0))
            self.port = s.getsockname()[1]
        self.host, self.family = host, family
        self.process = subprocess.Popen([sys.executable, "-c", SERVE, host, str(self.port)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.connect().close()
                return
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError(f"uvicorn did not start on {host}")

    def connect(self) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=30)

    def url(self, path: str) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}{path}"

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server("127.0.0.1")
    yield s
    s.stop()


def chunks(first: bytes, total: int) -> Iterator[bytes]:
    """A body of `total` bytes (bounded), as HTTP/1.1 chunks of 64 KiB: `first`, then filler."""
    yield first
    filler = b"7" * 65536
    for _ in range(total // len(filler)):
        yield filler


def post_chunked(server: Server, path: str, content_type: str, body: Iterator[bytes],
                 cookie: str = "") -> tuple[int, bytes, int]:
    """Stream `body` with Transfer-Encoding: chunked until the server answers; its status, reply and bytes sent."""
    with server.connect() as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: {content_type}\r\n"
                  f"Cookie: {cookie}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        sent = 0
        for chunk in body:
            if select.select([s], [], [], 0)[0]:  # the server answered: stop sending
                break
            try:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:  # it closed the connection after answering
                break
            sent += len(chunk)
        reply = b""
        while b"\r\n\r\n" not in reply:
            got = s.recv(65536)
            if not got:
                break
            reply += got
        while True:  # the JSON body follows the headers
            head, _, rest = reply.partition(b"\r\n\r\n")
            length = next((int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-"
                                                                                               b"length:")), 0)
            if len(rest) >= length:
                break
            reply += s.recv(65536)
    return int(reply.split(b" ")[1]), rest, sent


MULTIPART_HEAD = (b'--cut\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
                  b"Content-Type: text/csv\r\n\r\na,y\r\n")


@pytest.mark.parametrize("kind", ["json", "multipart"])
def test_a_chunked_body_over_the_limit_is_cut_off_without_growing_the_server(server, kind):
    owner = httpx.Client(base_url=server.url(""))
    sid = owner.post("/api/sessions", json={"dataset": "xor", "samples": 8}).json()["session_id"]
    cookie = f"glassgrad_owner={owner.cookies['glassgrad_owner']}"
    path, content_type, first = {
        "json": ("/api/sessions", "application/json", b'{"hidden": [' + b"1, " * 1000),
        "multipart": (f"/api/sessions/{sid}/dataset", "multipart/form-data; boundary=cut", MULTIPART_HEAD),
    }[kind]
    before = server.peak_rss_mb()
    status, reply, sent = post_chunked(server, path, content_type, chunks(first, 600_000_000), cookie)
    assert status == 413 and b"request body too large" in reply
    assert sent < 100 * MAX_UPLOAD_BYTES  # answered long before the 600 MB were sent
    assert server.peak_rss_mb() - before < 50, (before, server.peak_rss_mb())
    assert owner.get(f"/api/sessions/{sid}").status_code == 200  # still serving
    owner.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "0.0.0.0"])
def test_a_forged_host_is_refused_on_every_bind(host):
    if ":" in host and not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        s = Server(host)
    except OSError as e:  # e.g. ::1 where the loopback has no IPv6 address
        pytest.skip(f"cannot bind {host}: {e}")
    try:
        at = s.host if host != "0.0.0.0" else "127.0.0.1"
        shown = f"[{at}]" if ":" in at else at
        url = f"http://{shown}:{s.port}/api/options"
        assert httpx.get(url).status_code == 200
        assert httpx.get(url, headers={"Host": f"localhost:{s.port}"}).status_code == 200
        refused = httpx.get(url, headers={"Host": f"attacker.example:{s.port}"})
        assert refused.status_code == 400 and "attacker.example" in refused.json()["detail"]
        assert httpx.get(url, headers={"Host": "127.0.0.1.attacker.example"}).status_code == 400
    finally:
        s.stop()


HEAVY = dict(dataset="circles", samples=2000, batch_size=2000, hidden=[32] * 4, activations=["tanh"] * 4 + ["sigmoid"],
             loss="bce", optimizer="adam")  # 2000 steps of this take far longer than a request's second
LIGHT = dict(dataset="moons", samples=60, hidden=[3], activations=["tanh", "sigmoid"], loss="bce")


def test_two_busy_sessions_do_not_hold_up_a_third(server):
    stop, started, steps_per_request = threading.Event(), threading.Barrier(3), []

    def busy() -> None:
        with httpx.Client(base_url=server.url(""), timeout=120) as visitor:  # its own cookies: its own owner
            sid = visitor.post("/api/sessions", json=HEAVY).json()["session_id"]
            started.wait(60)
            while not stop.is_set():
                r = visitor.post(f"/api/sessions/{sid}/train", json={"steps": 2000})
                steps_per_request.append(len(r.json()["new_losses"]))

    threads = [threading.Thread(target=busy) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        with httpx.Client(base_url=server.url(""), timeout=120) as me:
            sid = me.post("/api/sessions", json=LIGHT).json()["session_id"]
            started.wait(60)
            while len(steps_per_request) < 2:  # both are well into their heavy loops
                me.get("/api/options")
            waits = []
            for _ in range(10):
                t0 = time.perf_counter()
                assert me.get(f"/api/sessions/{sid}").status_code == 200
                waits.append(time.perf_counter() - t0)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    # every busy request ran into the one-second time limit (so one engine lock would have made us wait ~1 s)
    assert steps_per_request and max(steps_per_request) < 2000
    assert statistics.median(waits) < 0.5, waits


def test_served_runs_the_playground_in_a_thread_and_stops_it() -> None:
    """glassgrad.web.server.served: what the browser tests and the browser bench start the page with."""
    from glassgrad.web.server import served

    with served() as url:
        assert url.startswith("http://127.0.0.1:")
        options = httpx.get(url + "api/options", timeout=10).json()
        assert "moons" in options["datasets"]
    with pytest.raises(httpx.ConnectError):  # stopped on exit: the port no longer answers
        httpx.get(url + "api/options", timeout=2)
