"""The production shape, together: gunicorn, one Celery worker and Celery beat as separate
processes (the commands docker-compose.yml runs), against PostgreSQL (a database of its own) and
a redis-server of its own on a free port, with the local fake Slack and fake Google Calendar
configured by environment. Everything the people do goes through HTTP.

Runs where DATABASE_URL is PostgreSQL (as in .ci/run); skipped otherwise. `-s` prints figures.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import psycopg2
import pytest
import requests
from django.utils import timezone

from compute.samples import make_pdf
from tests.fakes.google_calendar import FakeGoogleCalendar, service_account_json
from tests.fakes.s3 import free_port
from tests.fakes.slack import TOKEN as SLACK_TOKEN
from tests.fakes.slack import FakeSlack
from tests.production.installations import ROOT, new_installation, postgres_url
from tests.stack.commands import BEAT, BIND, MIGRATE, SCHEDULE, WEB, WORKER, filled

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not postgres_url(), reason="needs PostgreSQL (DATABASE_URL), as in CI"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

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


@pytest.fixture
def stack(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    redis_port = free_port()
    redis = Process(
        "redis",
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        dict(os.environ),
        logs,
    )
    redis.command[0] = shutil.which("redis-server")
    redis.start()
    slack = FakeSlack().start()
    calendar = FakeGoogleCalendar().start()
    installation = new_installation(tmp_path / "site", engine="postgresql")
    processes = [redis]
    try:
        # The demo is seeded before the integrations are configured, as an existing site.
        installation.manage(*MIGRATE[2:], "-v0")
        installation.manage("seed_demo")
        web_port = free_port()
        installation.extra_env.update(
            {
                "DJANGO_DEBUG": "false",
                "SECRET_KEY": "stack-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                "ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_HTTPS": "false",
                "SITE_URL": f"http://127.0.0.1:{web_port}",
                "STATIC_ROOT": str(tmp_path / "static"),
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "CACHE_KEY_PREFIX": "stack",
                "SLACK_BOT_TOKEN": SLACK_TOKEN,
                "SLACK_API_BASE_URL": slack.base_url,
                "SLACK_TIMEOUT_SECONDS": "3",
                "SLACK_RETRY_BASE_SECONDS": "0.5",
                "SLACK_RETRY_MAX_SECONDS": "2",
                "SLACK_SECONDS_PER_CHANNEL": "0.2",
                "SLACK_SWEEP_SECONDS": "2",
                "SLACK_SWEEP_GRACE_SECONDS": "4",
                "SLACK_STALE_SENDING_SECONDS": "8",
                "SLACK_REMINDER_SECONDS": "2",
                "GOOGLE_SERVICE_ACCOUNT_JSON": service_account_json(calendar.token_uri),
                "GOOGLE_CALENDAR_API_ENDPOINT": calendar.api_endpoint,
                "GOOGLE_TOKEN_URI": calendar.token_uri,
                "GOOGLE_CALENDAR_TIMEOUT": "3",
                "GOOGLE_CALENDAR_RETRY_BASE": "0.5",
                "GOOGLE_CALENDAR_RETRY_MAX": "2",
                "GOOGLE_CALENDAR_RECONCILE_SECONDS": "3600",
            }
        )
        installation.manage("collectstatic", "--no-input", "-v0")
        with psycopg2.connect(installation.database_url) as db, db.cursor() as cursor:
            cursor.execute("SELECT email FROM cohort_user")
            for (email,) in cursor.fetchall():
                slack.add_user(email)
            # The goals form closes at the end of tomorrow: its 48-hour reminder is due now.
            tomorrow = timezone.localdate(timezone.now(), timezone.get_fixed_timezone(0))
            cursor.execute(
                "UPDATE cohort_cohort SET google_calendar_id = %s, goals_form_due = %s "
                "WHERE slug = 'demo'",
                [CALENDAR_ID, tomorrow + timedelta(days=1)],
            )
        env = installation.env()
        values = {BIND: f"127.0.0.1:{web_port}", SCHEDULE: str(tmp_path / "celerybeat-schedule")}
        web = Process("web", filled(WEB, values), env, logs).start()
        worker = Process("worker", filled(WORKER, values), env, logs).start()
        beat = Process("beat", filled(BEAT, values), env, logs).start()
        processes += [web, worker, beat]
        base = f"http://127.0.0.1:{web_port}"

        def healthy():
            try:
                return requests.get(f"{base}/healthz", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        _wait_for("gunicorn to answer /healthz", healthy, processes=processes)
        yield {
            "base": base,
            "slack": slack,
            "calendar": calendar,
            "installation": installation,
            "web": web,
            "worker": worker,
            "beat": beat,
            "processes": processes,
        }
    finally:
        for process in reversed(processes):
            process.stop()
        slack.stop()
        calendar.stop()
        installation.drop()


def _announcements_in_slack(slack, title: str) -> list[dict]:
    return [m for m in slack.messages.get(ANNOUNCE_CHANNEL, []) if title in str(m)]


def _calendar_events(calendar, title: str) -> list[dict]:
    return [e for e in calendar.events(CALENDAR_ID).values() if e.get("summary") == title]


def _db_rows(installation, sql: str, params=()) -> list[tuple]:
    with psycopg2.connect(installation.database_url) as db, db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _publish_and_schedule(mentor: Browser, cohort_id: int, title: str) -> None:
    """The mentor writes an announcement and an event in the admin, through its forms."""
    yesterday = timezone.localdate() - timedelta(days=1)
    day = timezone.localdate() + timedelta(days=3)
    mentor.submit(
        "/admin/cohort/announcement/add/",
        {
            "cohort": str(cohort_id),
            "title": f"Announcement {title}",
            "body": f"Read all about **{title}**.",
            "channel": "announcements",
            "published_at_0": yesterday.isoformat(),
            "published_at_1": "09:00:00",
            "_save": "Save",
        },
    )
    mentor.submit(
        "/admin/events/event/add/",
        {
            "cohort": str(cohort_id),
            "title": f"Event {title}",
            "kind": "talk",
            "description": f"A talk about {title}.",
            "starts_at_0": day.isoformat(),
            "starts_at_1": "15:00:00",
            "ends_at_0": day.isoformat(),
            "ends_at_1": "16:00:00",
            "_save": "Save",
        },
    )


def test_stack_delivers_what_people_do_and_survives_a_killed_worker(stack):
    started = time.monotonic()
    base, slack, calendar = stack["base"], stack["slack"], stack["calendar"]
    installation, processes = stack["installation"], stack["processes"]
    (cohort_id,) = _db_rows(installation, "SELECT id FROM cohort_cohort WHERE slug = 'demo'")[0]
    DIAGNOSE[:] = [
        lambda: {
            "announcements": _db_rows(
                installation,
                "SELECT id, title, published_at FROM cohort_announcement ORDER BY id DESC LIMIT 3",
            ),
            "slack messages": _db_rows(
                installation,
                "SELECT id, kind, state, channel, attempts, last_error FROM cohort_slackmessage "
                "ORDER BY id DESC LIMIT 5",
            ),
            "events": _db_rows(
                installation,
                "SELECT id, title, sync_state, sync_error FROM events_event "
                "ORDER BY id DESC LIMIT 3",
            ),
            "slack channels": {k: len(v) for k, v in slack.messages.items()},
        }
    ]

    mentor = Browser(base)
    mentor.sign_in("mentor@demo.test")
    _publish_and_schedule(mentor, cohort_id, "Alpha")

    _wait_for(
        "the announcement in Slack",
        lambda: _announcements_in_slack(slack, "Announcement Alpha"),
        processes=processes,
    )
    _wait_for(
        "the event in Google Calendar",
        lambda: _calendar_events(calendar, "Event Alpha"),
        processes=processes,
    )

    participant = Browser(base)
    participant.sign_in("p01@demo.test")
    receipt = make_pdf(["Stack test invoice", "GPU hours 3 x 2.10 USD"])
    created = participant.submit(
        "/c/demo/compute/claims/new/",
        {
            "spent_on": timezone.localdate().isoformat(),
            "vendor": "Stack GPUs",
            "category": "gpu",
            "description": "Three GPU hours for the stack test",
            "amount": "6.30",
            "currency": "USD",
            "amount_usd": "6.30",
        },
        files={"receipts": ("invoice.pdf", receipt, "application/pdf")},
    )
    claim_path = created.headers["Location"].removeprefix(base)
    claim_id = int(re.search(r"/claims/(\d+)/", claim_path).group(1))
    participant.press(claim_path, f"/c/demo/compute/claims/{claim_id}/submit/")
    (receipt_id,) = _db_rows(
        installation, "SELECT id FROM compute_receipt WHERE claim_id = %s", [claim_id]
    )[0]
    served = participant.get(f"/c/demo/compute/receipts/{receipt_id}/")
    assert served.content == receipt
    assert _db_rows(installation, "SELECT state FROM compute_claim WHERE id = %s", [claim_id]) == [
        ("submitted",)
    ]

    def reminders_sent_twice_by_beat():
        return stack["beat"].log().count("cohort.tasks.task_send_reminders") >= 2

    _wait_for(
        "beat to send the reminder task twice", reminders_sent_twice_by_beat, processes=processes
    )
    reminded = {
        row[0]
        for row in _db_rows(
            installation,
            "SELECT u.email FROM cohort_remindersent r JOIN cohort_user u ON u.id = r.user_id "
            "WHERE r.key = 'goals_form:48h'",
        )
    }
    assert len(reminded) > 0

    def reminder_dms():
        return [
            m
            for channel, messages in slack.messages.items()
            if channel.startswith("D")
            for m in messages
            if "goals form is still open" in str(m)
        ]

    _wait_for("every goals reminder in Slack", lambda: len(reminder_dms()) >= len(reminded))

    # The worker dies; meanwhile the mentor goes on. Nothing may be lost, nothing doubled.
    stack["worker"].kill()
    _publish_and_schedule(mentor, cohort_id, "Beta")
    time.sleep(3)
    assert _announcements_in_slack(slack, "Announcement Beta") == []
    assert _calendar_events(calendar, "Event Beta") == []
    stack["worker"].start()

    _wait_for(
        "the announcement queued while the worker was down",
        lambda: _announcements_in_slack(slack, "Announcement Beta"),
        processes=processes,
    )
    _wait_for(
        "the event queued while the worker was down",
        lambda: _calendar_events(calendar, "Event Beta"),
        processes=processes,
    )
    time.sleep(5)  # a doubled delivery would show up by now (sweeps run every 2 seconds)

    assert {
        title: len(_announcements_in_slack(slack, title))
        for title in ("Announcement Alpha", "Announcement Beta")
    } == {"Announcement Alpha": 1, "Announcement Beta": 1}
    assert {
        title: len(_calendar_events(calendar, title)) for title in ("Event Alpha", "Event Beta")
    } == {"Event Alpha": 1, "Event Beta": 1}
    assert sorted(slack.posts_by_marker().values()) == [1] * len(slack.posts_by_marker())
    assert len(reminder_dms()) == len(reminded)
    assert _db_rows(
        installation,
        # An announcement's Slack state is that of its latest post in the outbox.
        "SELECT a.title, m.state FROM cohort_announcement a JOIN cohort_slackmessage m "
        "ON m.id = (SELECT max(id) FROM cohort_slackmessage "
        "WHERE announcement_id = a.id AND kind = 'post') "
        "WHERE a.title LIKE 'Announcement %%' ORDER BY a.title",
    ) == [("Announcement Alpha", "sent"), ("Announcement Beta", "sent")]
    assert _db_rows(
        installation,
        "SELECT title, sync_state FROM events_event WHERE title LIKE 'Event %%' ORDER BY title",
    ) == [("Event Alpha", "synced"), ("Event Beta", "synced")]
    print(
        f"\nstack: {len(reminded)} goals reminders, {len(slack.posted())} Slack posts, "
        f"worker started {stack['worker'].starts} times, {time.monotonic() - started:.0f}s"
    )
