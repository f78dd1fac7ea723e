"""The outage test: a real Celery worker, a Redis of the test's own that is restarted again and
again while messages are pending, and a fake Slack that answers 500, then 429, then well.

100 messages (50 announcements on two channels, 50 direct messages) are created while Slack
fails (500 on every method, then 429 on posts); Redis is restarted four times during delivery
(down two seconds each time, as a redeploy or a crash would take it). The same worker process
must be alive throughout, having reconnected by itself, and every message must have been
posted exactly once (counted on the fake's side by the marker each post carries), with no
call inside a 429's Retry-After window.

Needs PostgreSQL (the worker subprocess shares this test's database, hence a transactional
test) and the redis-server binary; not the machine's Redis, which it never touches.
"""

import time
from collections import Counter

import pytest
from django.db import connection, transaction

from cohort.models import Channel, Role, SlackMessage
from cohort.notifications.queue import sync_announcement
from cohort.services import notify
from tests.celery_worker import CeleryWorker, tasks_sent_to
from tests.factories.cohort import (
    AnnouncementFactory,
    CohortFactory,
    MembershipFactory,
    UserFactory,
)
from tests.fakes.slack import TOKEN, FakeSlack
from tests.redis_server import RedisServer, redis_server_binary

N_ANNOUNCEMENTS = 50
N_DIRECT = 50
RESTARTS = 4
DRAIN_TIMEOUT = 150

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not redis_server_binary(), reason="needs the redis-server binary"),
]


def slack_env(fake: FakeSlack, broker_url: str) -> dict:
    """The worker's settings: its own Redis, the fake's address, short test-sized delays."""
    return {
        "REDIS_URL": broker_url,
        "CACHE_KEY_PREFIX": "outage-test",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_BASE_URL": fake.base_url,
        "SLACK_TIMEOUT_SECONDS": "2",
        "SLACK_RETRY_BASE_SECONDS": "0.5",
        "SLACK_RETRY_MAX_SECONDS": "3",
        "SLACK_MAX_ATTEMPTS": "1000",
        "SLACK_SECONDS_PER_CHANNEL": "1",
        "SLACK_SWEEP_SECONDS": "2",
        "SLACK_SWEEP_GRACE_SECONDS": "4",
        "SLACK_STALE_SENDING_SECONDS": "10",
        "SLACK_REMINDER_SECONDS": "3600",
        "GOOGLE_CALENDAR_SWEEP_SECONDS": "3600",
        "LOG_LEVEL": "INFO",
    }


def test_outage_worker_outlives_redis_restarts_and_posts_each_message_once(tmp_path, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess needs a database it can share: PostgreSQL")
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

    server = RedisServer(tmp_path).start()
    worker = CeleryWorker(slack_env(fake, server.url), 8, "outage", pool="threads", beat=True)
    figures = {}
    alive_after_restart = []
    started = time.monotonic()
    try:
        with tasks_sent_to(server.url):
            fake.set_fault("500")
            worker.start()
            pid = worker.process.pid
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

            pending_at_restart = []
            for n in range(RESTARTS):
                if n == 1:
                    # Posts are limited per channel, where the pace lets one call at a time go:
                    # any call inside the window would be one that did not wait.
                    fake.set_fault("429", retry_after=2, methods=["chat.postMessage"])
                if n == 2:
                    fake.set_fault(None)
                time.sleep(4)
                pending_at_restart.append(
                    SlackMessage.objects.exclude(state=SlackMessage.State.SENT).count()
                )
                server.restart(down_seconds=2)
                time.sleep(1)
                alive_after_restart.append(worker.process.poll() is None)

            deadline = time.monotonic() + DRAIN_TIMEOUT
            while time.monotonic() < deadline:
                if not SlackMessage.objects.exclude(state=SlackMessage.State.SENT).exists():
                    break
                time.sleep(1)
            figures["drained_after_s"] = round(time.monotonic() - started, 1)
            same_worker = worker.process.poll() is None and worker.process.pid == pid
    finally:
        worker.stop()
        server.stop()
        fake.stop()

    rows = list(SlackMessage.objects.values_list("marker", "state", "needs_check"))
    by_marker = fake.posts_by_marker()
    statuses = Counter(call.status for call in fake.calls)
    log = worker.log_path.read_text(errors="replace")
    unsent = Counter(
        SlackMessage.objects.exclude(state=SlackMessage.State.SENT).values_list(
            "kind", "state", "last_error"
        )
    )
    figures.update(
        unsent=dict(unsent),
        redis_restarts=server.restarts,
        pending_at_each_restart=pending_at_restart,
        worker_alive_after_each_restart=alive_after_restart,
        same_worker_process=same_worker,
        worker_starts=worker.starts,
        broker_connection_lost=log.count("Connection to broker lost"),
        messages=len(rows),
        sent=sum(1 for _, state, _ in rows if state == SlackMessage.State.SENT),
        checked_after_doubt=sum(1 for *_, checked in rows if checked),
        posts_landed=sum(by_marker.values()),
        duplicates=sum(n - 1 for n in by_marker.values() if n > 1),
        calls=len(fake.calls),
        calls_500=statuses[500],
        calls_429=statuses[429],
        calls_inside_retry_after=[
            (
                first.method,
                first.channel,
                later.method,
                later.channel,
                round(later.at - first.at, 3),
            )
            for first, later in fake.calls_inside_retry_after()
        ],
        history_checks=len(fake.calls_to("conversations.history", status=None)),
        lookups=len(fake.calls_to("users.lookupByEmail")),
    )
    with capsys.disabled():
        print("\nOutage figures:", figures)

    assert server.restarts == RESTARTS
    assert all(n > 0 for n in pending_at_restart), figures  # restarted while work was pending
    assert alive_after_restart == [True] * RESTARTS, worker.log_tail()
    assert (same_worker, worker.starts) == (True, 1), worker.log_tail()
    assert figures["broker_connection_lost"] >= RESTARTS
    assert len(rows) == N_ANNOUNCEMENTS + N_DIRECT, worker.log_tail()
    assert figures["sent"] == len(rows), (figures, worker.log_tail())
    assert by_marker == {str(marker): 1 for marker, _, _ in rows}
    assert fake.calls_inside_retry_after() == []
    assert figures["calls_500"] > 0
    assert figures["calls_429"] > 0
