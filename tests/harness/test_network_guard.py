"""The suite refuses the network, in its own process and in the workers it starts."""

import socket
import subprocess
import sys

import pytest

from tests.celery_worker import ROOT, guarded_env

# TEST-NET-3 (RFC 5737): an address that exists on no network.
OUTSIDE = ("203.0.113.7", 443)
# create_connection looks the address up first: that is where the guard stops it.
REACH_OUT = f"import socket; socket.create_connection({OUTSIDE!r}, timeout=2)"


def test_network_guard_refuses_a_connection_in_the_test_process():
    with socket.socket() as sock, pytest.raises(RuntimeError) as refused:
        sock.connect(OUTSIDE)

    assert str(refused.value) == f"A test tried to reach the network: {OUTSIDE!r}"


def test_network_guard_refuses_a_name_lookup_in_the_test_process():
    with pytest.raises(RuntimeError) as refused:
        socket.getaddrinfo("slack.com", 443)

    assert str(refused.value) == "A test tried to reach the network: 'slack.com'"


def test_network_guard_lets_this_machine_through():
    server = socket.create_server(("127.0.0.1", 0))
    try:
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            assert client.getpeername() == server.getsockname()
    finally:
        server.close()


def test_network_guard_refuses_a_connection_in_a_worker_subprocess():
    """A worker is started with guarded_env() (tests/celery_worker.py): so is this child."""
    result = subprocess.run(
        [sys.executable, "-c", REACH_OUT],
        cwd=ROOT,
        env=guarded_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"RuntimeError: A test tried to reach the network: {OUTSIDE[0]!r}"
    )


def test_subprocess_without_the_guard_is_not_refused_by_it():
    """The guard above is what refuses: without it the same child fails some other way."""
    env = guarded_env()
    env["PYTHONPATH"] = ""
    result = subprocess.run(
        [sys.executable, "-c", REACH_OUT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "A test tried to reach the network" not in result.stderr
