"""What the stack test drives the processes and pages with: a started program that can be
killed and restarted, waiting for a condition, and a browser that submits the real forms."""

import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from tests.production.installations import ROOT

CALENDAR_ID = "stack-test@group.calendar.google.com"
ANNOUNCE_CHANNEL = "C0DEMOANNOUNCE"
PASSWORD = "demo-password"
WAIT = 90
BIN = Path(sys.executable).parent


def _program(command: list[str]) -> list[str]:
    head = sys.executable if command[0] == "python" else str(BIN / command[0])
    return [head, *command[1:]]


class Process:
    """One process of the stack, in its own process group so that a kill takes its children."""

    def __init__(self, name: str, command: list[str], env: dict, logs: Path):
        self.name, self.command, self.env = name, command, env
        self.log_path = logs / f"{name}.log"
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> "Process":
        self.starts += 1
        log = open(self.log_path, "a")  # noqa: SIM115 - the child keeps it open
        log.write(f"--- start {self.starts}\n")
        log.flush()
        self.popen = subprocess.Popen(
            _program(self.command),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL the whole group, as a crashed host would."""
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _wait_for(what: str, check, timeout: float = WAIT, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        for process in processes:
            if process.popen and process.popen.poll() is not None:
                pytest.fail(
                    f"{process.name} exited while waiting for {what}:\n{process.log()[-3000:]}"
                )
        time.sleep(0.5)
    logs = "\n".join(f"== {p.name}\n{p.log()[-3000:]}" for p in processes)
    pytest.fail(f"Timed out waiting for {what}\n{DIAGNOSE[0]() if DIAGNOSE else ''}\n{logs}")


# What the database holds about the deliveries, shown when a wait times out.
DIAGNOSE: list = []


class FormFields(HTMLParser):
    """The fields of the page's POST form that carries a CSRF token, with their defaults."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {}
        if self._current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._current[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._current[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self._current.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self._current[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._current[name] = ""

    def handle_data(self, data):
        if self._current is not None and self._textarea:
            self._current[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def _form(html: str) -> dict:
    parser = FormFields()
    parser.feed(html)
    forms = [f for f in parser.forms if "csrfmiddlewaretoken" in f]
    assert forms, "no form with a CSRF token on the page"
    return max(forms, key=len)


class Browser:
    """A person using the portal over HTTP: cookies, CSRF tokens, forms."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        response = self.session.get(self.base + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:2000])
        return response

    def submit(self, path: str, changes: dict, files=None, expect=302) -> requests.Response:
        data = {**_form(self.get(path).text), **changes}
        response = self.session.post(
            self.base + path,
            data=data,
            files=files,
            headers={"Referer": self.base + path},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == expect, (path, response.status_code, response.text[:3000])
        return response

    def press(self, page: str, action: str, expect=302) -> requests.Response:
        """Press a button on `page` that posts to `action` (a form with only the CSRF token)."""
        token = _form(self.get(page).text)["csrfmiddlewaretoken"]
        response = self.session.post(
            self.base + action,
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": self.base + page},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == expect, (action, response.status_code, response.text[:3000])
        return response

    def sign_in(self, email: str) -> None:
        self.submit("/accounts/login/", {"login": email, "password": PASSWORD})
