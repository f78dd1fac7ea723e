"""The benchmark's side of the wire (tools/bench.py drives it): gunicorn started on a free port,
logging in through the real form, fetching a page, a wrk run, and waiting until the server is
idle again."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(os.environ.get("BENCH_DIR", BASE_DIR / ".bench"))
PYTHON = sys.executable

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p95_us": %d, "bad_status": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(95), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, workers: int):
    port = free_port()
    gunicorn = Path(PYTHON).with_name("gunicorn")
    log = (WORK_DIR / f"gunicorn-{workers}.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "cohort.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--backlog", "2048"],
        env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer; see {WORK_DIR / f'gunicorn-{workers}.log'}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(base: str, email: str, password: str) -> str:
    """Log in through allauth's form as a browser does; return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(f"{base}/accounts/login/") as response:
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data)
    try:
        opener.open(request)
        raise SystemExit(f"logging in as {email} did not redirect: the form refused it")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    # Only what a browser keeps sending: the "signed in" message cookie is read once.
    cookies = {cookie.name: cookie.value for cookie in jar if cookie.name != "messages"}
    if "sessionid" not in cookies:
        raise SystemExit(f"logging in as {email} gave no session")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def fetch(base: str, path: str, cookie: str, encoding: str) -> dict:
    headers = {"Accept-Encoding": encoding} if encoding else {}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(base + path, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            body = response.read()
            return {
                "status": response.status,
                "bytes": len(body),
                "encoding": response.headers.get("Content-Encoding", ""),
                "queries": response.headers.get("X-Bench-Queries", "?"),
            }
    except urllib.error.HTTPError as answer:
        return {"status": answer.code, "bytes": 0, "encoding": "", "queries": "?"}


def wrk(url: str, cookie: str, seconds: float, connections: int, script: str) -> dict:
    cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{round(seconds)}s", "--timeout", "60s",
           "-s", script, "-H", "Accept-Encoding: gzip, deflate, br"]  # fmt: skip
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)  # noqa: S603
    line = next(line for line in out.stdout.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line[len("BENCH ") :])
    figures["rate"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def settle(base: str) -> None:
    """Wait until the server is idle: wrk closes its connections when its time is up, but the
    requests already queued in gunicorn's backlog are still served, in order, before the next
    run's. A hello that answers quickly means the queue is empty."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        started = time.monotonic()
        fetch(base, "/bench/hello", "", "")
        if time.monotonic() - started < 0.25:
            return
    raise SystemExit("the server did not become idle within 5 minutes")
