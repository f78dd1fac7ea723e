"""The test suite's network guard: a connection (or a name lookup) that would leave this
machine raises instead. tests/conftest.py installs it in the test process; subprocesses the
tests start (Celery workers) get it by having this folder on their PYTHONPATH, where Python
imports `sitecustomize` at startup (see tests/celery_worker.py)."""

import socket

REFUSED = "A test tried to reach the network: {!r}"
LOCAL_NAMES = frozenset({"localhost", "::1", "", None})


def is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in LOCAL_NAMES or host == socket.gethostname():
        return True
    return isinstance(host, str) and (host.startswith("127.") or host.startswith("/"))


def install():
    """Guard this process's sockets; returns a function that takes the guard off again."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if not is_local(host):
            raise RuntimeError(REFUSED.format(address))
        return real_connect(sock, address)

    def guarded_connect_ex(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if not is_local(host):
            raise RuntimeError(REFUSED.format(address))
        return real_connect_ex(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not is_local(host):
            raise RuntimeError(REFUSED.format(host))
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo

    def uninstall():
        socket.socket.connect = real_connect
        socket.socket.connect_ex = real_connect_ex
        socket.getaddrinfo = real_getaddrinfo

    return uninstall


if __name__ == "sitecustomize":
    install()
