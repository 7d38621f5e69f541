"""`scopebot cluster`'s machinery with real nginx and real replica processes.

The replicas here are small echo servers (tests/integration/echo_replica.py), so these
tests take seconds; the same cluster in front of real Rasa replicas is exercised in
test_production.py. What is checked: nginx accepts the rendered configuration, passes
Host and X-Forwarded-*, balances, refuses oversized bodies, cuts off slow clients, caps
connections, retries a POST on another replica when one is dead, and the cluster restarts
a replica that was killed while the others keep serving.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.runtime.balancer import BalancerSettings, Nginx
from bot.runtime.cluster import Cluster, Replica, kill_group
from tests.integration.nginx_front import need_nginx, wait_listening
from tests.integration.servers import ROOT, free_port

SETTINGS = dict(max_body_bytes=4096, client_header_timeout="1s", client_body_timeout="1s",
                max_connections_per_client=3, fail_timeout="1s")


def echo_command(port: int, _action_port: int) -> list[str]:
    return [sys.executable, "-m", "tests.integration.echo_replica", str(port)]


def request(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    need_nginx()
    port = free_port()
    replicas = [Replica(free_port(), 0), Replica(free_port(), 0)]
    nginx = Nginx(tmp_path_factory.mktemp("nginx"), [r.address for r in replicas],
                  BalancerSettings(listen=f"127.0.0.1:{port}", **SETTINGS))
    marks = tmp_path_factory.mktemp("marks")
    group = Cluster(echo_command, replicas, nginx, env={"PYTHONPATH": str(ROOT), "ECHO_MARKS": str(marks)},
                    say=lambda _line: None)
    group.url, group.marks = f"http://127.0.0.1:{port}", marks
    assert group.start(timeout=30)
    wait_listening(port)
    yield group
    group.stop()


def test_round_robin_passes_host_and_forwarded_headers(cluster):
    public = "bot.example.test:8443"
    answers = [request(cluster.url + "/", headers={"Host": public}) for _ in range(4)]
    assert {status for status, _ in answers} == {200}
    assert {a["port"] for _, a in answers} == {r.port for r in cluster.replicas}
    for _, a in answers:
        assert a["host"] == public and a["forwarded_host"] == public
        assert a["forwarded_for"] == "127.0.0.1" and a["forwarded_proto"] == "http"


def test_a_tls_terminators_forwarded_proto_is_kept(cluster):
    status, answer = request(cluster.url + "/", headers={"X-Forwarded-Proto": "https"})
    assert status == 200 and answer["forwarded_proto"] == "https"


def test_body_over_the_limit_is_refused_before_any_replica(cluster):
    status, body = request(cluster.url + "/x", data=b"a" * 5000)
    assert status == 413 and "4096" in body["error"]
    status, body = request(cluster.url + "/x", data=b"a" * 4000)
    assert status == 200 and body["received"] == 4000


def test_a_client_that_never_finishes_its_headers_is_cut_off(cluster):
    host, port = cluster.url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: slow\r\n")  # and never the blank line
        started = time.monotonic()
        assert sock.recv(1024) == b""  # nginx closed the connection
        assert time.monotonic() - started < 8


def test_connections_from_one_client_are_capped(cluster):
    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda _i: request(cluster.url + "/slow", timeout=20)[0], range(6)))
    assert statuses.count(200) >= 1 and statuses.count(503) >= 1, statuses


def _die_holding(cluster, method: str):
    """Send a slow request, kill -9 the replica that holds it, and return nginx's answer
    plus which replicas saw the request."""
    for mark in cluster.marks.iterdir():
        mark.unlink()
    data = b"{}" if method == "POST" else None
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(request, cluster.url + "/slow", data, None, 20)
        deadline = time.monotonic() + 5
        while not list(cluster.marks.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        holder = next(r for r in cluster.replicas if (cluster.marks / f"{method}-{r.port}").exists())
        kill_group(holder.proc)
        holder.proc.wait(timeout=10)
        status, body = answer.result()
    return status, body, holder, {m.name for m in cluster.marks.iterdir()}


def _supervise_until_both_answer(cluster) -> set[int]:
    stop = threading.Event()
    supervisor = threading.Thread(target=cluster.serve, args=(stop.is_set, 0.1), daemon=True)
    supervisor.start()
    try:
        deadline = time.monotonic() + 20
        seen: set[int] = set()
        while time.monotonic() < deadline and seen != {r.port for r in cluster.replicas}:
            status, body = request(cluster.url + "/turn", data=b"{}")
            assert status == 200
            seen.add(body["port"])
            time.sleep(0.2)
        return seen
    finally:
        stop.set()
        supervisor.join(5)


def test_a_turn_in_flight_on_a_dying_replica_is_never_run_twice(cluster):
    status, body, holder, saw = _die_holding(cluster, "POST")
    # The POST had reached a replica, which may have stored the turn: not repeated elsewhere.
    assert saw == {f"POST-{holder.port}"}
    assert status == 503 and "again" in body["error"]
    assert _supervise_until_both_answer(cluster) == {r.port for r in cluster.replicas}


def test_a_read_in_flight_on_a_dying_replica_is_answered_by_another(cluster):
    status, body, holder, saw = _die_holding(cluster, "GET")
    assert status == 200 and body["port"] != holder.port and len(saw) == 2
    assert _supervise_until_both_answer(cluster) == {r.port for r in cluster.replicas}


def test_a_killed_replica_is_skipped_then_restarted(cluster):
    victim, survivor = cluster.replicas
    old_pid = victim.proc.pid
    kill_group(victim.proc)
    victim.proc.wait(timeout=10)
    # Nothing reached the dead replica (connection refused), so even POSTs go to the other one.
    for _ in range(8):
        status, body = request(cluster.url + "/turn", data=b"{}")
        assert status == 200 and body["port"] == survivor.port
    assert _supervise_until_both_answer(cluster) == {victim.port, survivor.port}
    assert victim.restarts >= 1 and victim.proc.pid != old_pid


def test_cluster_command_refuses_a_half_configured_profile(tmp_path):
    model = tmp_path / "scopebot-unused.tar.gz"
    model.touch()  # never loaded: the profile check comes first
    done = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "cluster", "--replicas", "2",
                           "--model", str(model)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"})
    assert done.returncode == 2 and "DATABASE_URL" in done.stderr
