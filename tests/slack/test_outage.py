"""The outage test: a real Celery worker, the real Redis, a fake Slack that misbehaves.

100 messages (50 announcements on two channels, 50 direct messages) are created while the fake
answers 500, then 429; the worker is killed once (mid-delivery) and Redis restarted once (it
keeps nothing on disk, so every queued task is lost). Afterwards each message must have been
posted exactly once: counted on the fake's side by the marker each post carries.

Needs REDIS_URL and PostgreSQL, as `.ci/run` provides; the worker subprocess uses this test's
database (a transactional test, so it sees committed rows) and the Redis DB of REDIS_URL.
"""

import os
import shutil
import subprocess
import time
from collections import Counter

import pytest
import redis
from django.db import connection, transaction

from cohort.celery import app as celery_app
from cohort.models import Channel, Role, SlackMessage
from cohort.notifications.queue import sync_announcement
from cohort.services import notify
from tests.celery_worker import CeleryWorker
from tests.factories.cohort import (
    AnnouncementFactory,
    CohortFactory,
    MembershipFactory,
    UserFactory,
)
from tests.fakes.slack import TOKEN, FakeSlack

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_PORT = 6379
N_ANNOUNCEMENTS = 50
N_DIRECT = 50
DRAIN_TIMEOUT = 150

pytestmark = pytest.mark.skipif(
    not REDIS_URL,
    reason="the outage test needs the real Redis and PostgreSQL: set REDIS_URL and "
    "DATABASE_URL as .ci/run does",
)


def redis_up() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


def restart_redis() -> float:
    """Restart the machine's redis-server on its port, as .ci/run starts it (nothing on disk)."""
    started = time.monotonic()
    subprocess.run(
        [
            shutil.which("redis-cli") or "/usr/bin/redis-cli",
            "-h",
            "127.0.0.1",
            "-p",
            str(REDIS_PORT),
            "shutdown",
            "nosave",
        ],
        check=False,
        capture_output=True,
        timeout=10,
    )
    while redis_up() and time.monotonic() - started < 10:
        time.sleep(0.1)
    subprocess.run(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            *("--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", str(REDIS_PORT)),
            *("--save", "", "--appendonly", "no", "--dir", "/var/lib/redis"),
            *("--logfile", "/var/log/redis/ci.log"),
        ],
        check=True,
        capture_output=True,
        timeout=10,
    )
    while not redis_up():
        if time.monotonic() - started > 30:
            raise RuntimeError("Redis did not come back")
        time.sleep(0.1)
    return time.monotonic() - started


def slack_env(fake: FakeSlack) -> dict:
    """The worker's Slack settings: the fake's address and short, test-sized delays."""
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_BASE_URL": fake.base_url,
        "SLACK_TIMEOUT_SECONDS": "2",
        "SLACK_RETRY_BASE_SECONDS": "0.5",
        "SLACK_RETRY_MAX_SECONDS": "3",
        "SLACK_MAX_ATTEMPTS": "1000",
        "SLACK_SECONDS_PER_CHANNEL": "1",
        "SLACK_SWEEP_SECONDS": "2",
        "SLACK_SWEEP_GRACE_SECONDS": "4",
        "SLACK_STALE_SENDING_SECONDS": "6",
        "SLACK_REMINDER_SECONDS": "3600",
        "LOG_LEVEL": "INFO",
    }


@pytest.mark.django_db(transaction=True)
def test_outage_every_message_is_posted_exactly_once(tmp_path, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess needs a database it can share: PostgreSQL")
    redis.Redis.from_url(REDIS_URL).flushdb()
    fake = FakeSlack(hang_seconds=3).start()
    fake.latency = 0.25  # widens the window between "Slack posted" and "ts stored"
    cohort = CohortFactory(
        slug="outage",
        slack_channel_announcements="C_OUT_ANN",
        slack_channel_random="C_OUT_RANDOM",
    )
    people = []
    for i in range(N_DIRECT):
        person = UserFactory(email=f"outage{i}@example.org")
        MembershipFactory(cohort=cohort, user=person, role=Role.PARTICIPANT)
        fake.add_user(person.email)
        people.append(person)

    worker = CeleryWorker(slack_env(fake), 8, "slack", pool="threads", beat=True)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    figures = {}
    started = time.monotonic()
    try:
        fake.set_fault("500")
        worker.start()
        for i in range(max(N_ANNOUNCEMENTS, N_DIRECT)):
            if i < N_ANNOUNCEMENTS:
                with transaction.atomic():
                    announcement = AnnouncementFactory(
                        cohort=cohort,
                        title=f"Outage announcement {i}",
                        channel=Channel.ANNOUNCEMENTS if i % 2 else Channel.RANDOM,
                    )
                    sync_announcement(announcement=announcement)
            if i < N_DIRECT:
                notify(cohort=cohort, user=people[i], kind="test.outage", title=f"Message {i}")
        figures["created_in_s"] = round(time.monotonic() - started, 1)

        time.sleep(max(0, 8 - (time.monotonic() - started)))
        fake.set_fault("429", retry_after=2)
        time.sleep(6)
        fake.set_fault(None)
        time.sleep(4)

        states_at_kill = Counter(SlackMessage.objects.values_list("state", flat=True))
        worker.kill()
        figures["redis_restart_s"] = round(restart_redis(), 1)
        worker.restart()

        deadline = time.monotonic() + DRAIN_TIMEOUT
        while time.monotonic() < deadline:
            if not SlackMessage.objects.exclude(state=SlackMessage.State.SENT).exists():
                break
            time.sleep(1)
        figures["drained_after_s"] = round(time.monotonic() - started, 1)
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = eager
        fake.stop()

    rows = list(SlackMessage.objects.values_list("marker", "state", "needs_check"))
    by_marker = fake.posts_by_marker()
    statuses = Counter(call.status for call in fake.calls)
    figures.update(
        messages=len(rows),
        sent=sum(1 for _, state, _ in rows if state == SlackMessage.State.SENT),
        states_at_kill=dict(states_at_kill),
        checked_after_doubt=sum(1 for *_, checked in rows if checked),
        posts_landed=sum(by_marker.values()),
        duplicates=sum(n - 1 for n in by_marker.values() if n > 1),
        calls=len(fake.calls),
        calls_500=statuses[500],
        calls_429=statuses[429],
        history_checks=len(fake.calls_to("conversations.history", status=None)),
        lookups=len(fake.calls_to("users.lookupByEmail")),
    )
    with capsys.disabled():
        print("\nOutage figures:", figures)

    assert len(rows) == N_ANNOUNCEMENTS + N_DIRECT, worker.log_tail()
    assert figures["sent"] == len(rows), (figures, worker.log_tail())
    assert by_marker == {str(marker): 1 for marker, _, _ in rows}
    assert figures["calls_500"] > 0
    assert figures["calls_429"] > 0
