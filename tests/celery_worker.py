"""A real Celery worker (with embedded beat) in a subprocess, for tests that need one.

    worker = CeleryWorker(workdir)
    worker.start(env)   # env: os.environ plus DATABASE_URL of the test database, REDIS_URL, ...
    worker.kill()       # SIGKILL, as a crash would: nothing is acknowledged or cleaned up
    worker.restart()    # start again with the same env
    worker.stop()       # SIGTERM, then SIGKILL if it does not go

The worker runs in its own process group, so kill() ends it and only it. Its output goes to
`workdir/worker-<n>.log`, printed by `log_tail()` when a test needs to explain a failure.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).parent / "celery"


class CeleryWorker:
    def __init__(self, workdir: Path, *, concurrency: int = 8, beat: bool = True):
        self.workdir = Path(workdir)
        self.concurrency = concurrency
        self.beat = beat
        self.env: dict | None = None
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / f"worker-{self.starts}.log"

    def start(self, env: dict) -> "CeleryWorker":
        self.env = dict(env)
        self.starts += 1
        command = [
            str(CELERY), "-A", "cohort", "worker", "--loglevel=INFO",
            "-P", "threads", "-c", str(self.concurrency),
            "-n", f"test-worker-{os.getpid()}-{self.starts}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        if self.beat:
            command += ["-B", "-s", str(self.workdir / "beat-schedule")]
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_tail()}")
            if b"ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout} s:\n{self.log_tail()}")

    def _signal(self, sig) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def restart(self) -> "CeleryWorker":
        self.kill()
        return self.start(self.env)

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"
