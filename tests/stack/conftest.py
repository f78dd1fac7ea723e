"""The production shape started for tests/stack/test_stack.py: a database and a redis-server of
their own, the fakes, and gunicorn, a Celery worker and Celery beat as separate processes."""

import os
import shutil
from datetime import timedelta

import psycopg2
import pytest
import requests
from django.utils import timezone

from tests.fakes.google_calendar import FakeGoogleCalendar, service_account_json
from tests.fakes.s3 import free_port
from tests.fakes.slack import TOKEN as SLACK_TOKEN
from tests.fakes.slack import FakeSlack
from tests.production.installations import new_installation
from tests.stack.commands import BEAT, BIND, MIGRATE, SCHEDULE, WEB, WORKER, filled
from tests.stack.harness import CALENDAR_ID, Process, _wait_for


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
