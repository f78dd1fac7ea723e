"""Start and stop a real Celery worker subprocess for tests that need one.

The worker runs this checkout's `cohort` Celery app against the real Redis (REDIS_URL) and the
pytest test database (use it from a transactional test, so the worker sees committed rows).
Extra environment (e.g. integration endpoints pointing at a local fake) is passed through.

    with CeleryWorker(env={"GOOGLE_...": "..."}) as worker:
        ...               # enqueue tasks with task_always_eager off
        worker.kill()     # SIGKILL the whole worker, children included, as a crash would
        worker.restart()  # start again with the same environment

`beat=True` embeds Celery beat (periodic sweeps and reconciliation) in the worker.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def worker_database_url() -> str:
    """A DATABASE_URL for the database this test run really uses (the test_ one)."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError(
            "A worker subprocess needs PostgreSQL: SQLite test databases are private"
        )
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


NETGUARD = ROOT / "tests" / "netguard"


def guarded_env(**extra) -> dict:
    """The environment for a subprocess of the tests: this one's, with the network guard
    (tests/netguard/sitecustomize.py) loaded first thing at interpreter startup."""
    path = os.pathsep.join(p for p in (str(NETGUARD), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **{k: str(v) for k, v in extra.items()}}


def worker_available() -> str:
    """Why a real worker cannot run here, or "" when it can."""
    if not settings.REDIS_URL:
        return "needs REDIS_URL (a real broker), as in CI"
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL), as in CI"
    return ""


class CeleryWorker:
    def __init__(
        self,
        env: dict | None = None,
        concurrency: int = 4,
        name: str = "test",
        *,
        pool: str = "prefork",
        beat: bool = False,
    ):
        self.extra_env = env or {}
        self.concurrency = concurrency
        self.pool = pool
        self.beat = beat
        self.name = f"{name}-{uuid.uuid4().hex[:8]}"
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"celery-{self.name}.log"
        self.starts = 0

    def _env(self) -> dict:
        env = {
            "DJANGO_SETTINGS_MODULE": "cohort.settings",
            "DATABASE_URL": worker_database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": settings.REDIS_URL,
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.extra_env)  # a test's own broker (e.g. the outage test's Redis) wins
        return guarded_env(**env)

    def start(self, timeout: float = 60) -> "CeleryWorker":
        assert self.process is None or self.process.poll() is not None, "already running"
        self.starts += 1
        log = open(self.log_path, "a")  # noqa: SIM115 - the worker writes to it while it runs
        log.write(f"\n--- start {self.starts} ---\n")
        log.flush()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cohort",
                "worker",
                f"--pool={self.pool}",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname={self.name}@%h",
                *(["-B", "-s", f"{self.log_path}.beat"] if self.beat else []),
            ],
            cwd=ROOT,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches the children
        )
        log.close()
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        marker = f"{self.name}@"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited early:\n{self.log_tail()}")
            text = self.log_path.read_text(errors="replace").rsplit("--- start", 1)[-1]
            if marker in text and " ready." in text:
                return
            time.sleep(0.2)
        raise RuntimeError(f"The worker did not become ready:\n{self.log_tail()}")

    def kill(self) -> None:
        """Kill the worker at once, as a crash or an OOM kill would (SIGKILL, whole group)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def restart(self, timeout: float = 60) -> "CeleryWorker":
        self.kill()
        return self.start(timeout)

    def stop(self, timeout: float = 20) -> None:
        """A warm shutdown; killed if it takes too long."""
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> "CeleryWorker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def tasks_sent_to(broker_url: str):
    """Tasks enqueued by this process go to `broker_url` (not run in-process) while inside."""
    from cohort.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = app.amqp._producer_pool = None
