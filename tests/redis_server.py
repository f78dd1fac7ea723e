"""A redis-server of a test's own, on a free port, that the test may stop and start at will
(never the machine's shared Redis). Like the compose file's Redis it keeps an append-only file,
so a restart loses nothing that was acknowledged by Redis.

    with RedisServer(tmp_path) as server:
        server.url            # redis://127.0.0.1:<port>/0
        server.restart(down_seconds=2)
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def redis_server_binary() -> str:
    return shutil.which("redis-server") or ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def up(self) -> bool:
        try:
            return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            return False

    def start(self, timeout: float = 15) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.directory), "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always"),
                *("--logfile", str(self.directory / "redis.log")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self.up():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis flushes its append-only file and exits
            self.process.wait(15)

    def restart(self, down_seconds: float = 2) -> None:
        """Stop, stay down for a while (clients see refused connections), start again."""
        self.stop()
        time.sleep(down_seconds)
        self.start()
        self.restarts += 1

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
