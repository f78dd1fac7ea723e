"""What the people running the portal rely on: health checks, deploy settings, the demo seed."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from cohort.demo import DEMO_PASSWORD
from cohort.models import (
    Announcement,
    Cohort,
    FAQEntry,
    Invitation,
    Membership,
    Resource,
    Role,
    User,
)

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_the_database(client, db, settings):
    settings.REDIS_URL = ""

    response = client.get(reverse("healthz"))

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "checks": {"database": "ok"}},
    )


def test_healthz_is_503_when_the_database_is_down(client, db, settings):
    settings.REDIS_URL = ""
    with mock.patch("cohort.views.connection.cursor", side_effect=OSError("connection refused")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: OSError"


def test_healthz_is_503_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "error: ConnectionError"}


def test_healthz_checks_the_real_redis_when_configured(client, db, settings):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        import pytest

        pytest.skip("REDIS_URL is not set: the embedded default has no Redis to check")
    settings.REDIS_URL = redis_url

    response = client.get(reverse("healthz"))

    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def _manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": "x7!kq-production-like-secret-key-for-the-deploy-check-0987654321",
            "ALLOWED_HOSTS": "portal.example.org",
            # Production shares its cache between workers (checked: cohort.W001).
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_overrides={"DJANGO_DEBUG": "false", "ALLOWED_HOSTS": "x.org"})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_seed_demo_builds_the_demo_cohort_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")

    output = capsys.readouterr().out
    assert _counts() == first
    cohort = Cohort.objects.get(slug="demo")
    roles = {role: Membership.objects.filter(cohort=cohort, role=role).count() for role in Role}
    assert roles == {Role.PARTICIPANT: 40, Role.TA: 3, Role.MENTOR: 1, Role.OPERATIONS: 1}
    assert "p01@demo.test" in output and "mentor@demo.test" in output and DEMO_PASSWORD in output
    assert authenticate(email="p40@demo.test", password=DEMO_PASSWORD).email == "p40@demo.test"
    assert User.objects.get(email="ops@demo.test").is_staff is True
    assert User.objects.get(email="ta1@demo.test").is_staff is False


def test_seed_demo_puts_today_in_the_preparation_phase(db):
    from cohort import timeline

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    cohort = Cohort.objects.get(slug="demo")
    assert timeline.current_phase(cohort).key == "preparation"


def _counts():
    return json.dumps(
        [
            m.objects.count()
            for m in (User, Membership, Invitation, Resource, FAQEntry, Announcement)
        ]
    )
