"""A worker killed with SIGKILL in the middle of its work: a Slack post that reached Slack but
whose answer never came back, and a Google Calendar insert still waiting for Google. Started
again, the worker (with beat) must have both done within two minutes of the kill, with the
production defaults for sweeping and timeouts, and the Slack message posted exactly once.

Needs PostgreSQL (the worker subprocess shares the test database) and the redis-server binary
(the worker gets a Redis of its own).
"""

import time

import pytest
from django.db import connection

from cohort.models import Channel, SlackMessage
from cohort.notifications.queue import sync_announcement
from events.models import Event, SyncState
from tests.celery_worker import CeleryWorker, tasks_sent_to
from tests.factories.cohort import AnnouncementFactory
from tests.factories.events import EventFactory
from tests.fakes.google_calendar import FakeGoogleCalendar, service_account_json
from tests.fakes.slack import TOKEN, FakeSlack
from tests.redis_server import RedisServer, redis_server_binary

CALENDAR_ID = "killed-worker@group.calendar.google.com"
RECOVERY_LIMIT = 120

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not redis_server_binary(), reason="needs the redis-server binary"),
]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_work_of_a_killed_worker_is_done_within_two_minutes(cohort, tmp_path, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess needs a database it can share: PostgreSQL")
    slack = FakeSlack(hang_seconds=300).start()
    google = FakeGoogleCalendar(hang_seconds=300).start()
    slack.fail_next(1, "hang_after", methods=["chat.postMessage"])  # lands; no answer
    google.fail_next(1, "hang")  # the insert waits for Google
    cohort.slack_channel_announcements = "C_KILLED"
    cohort.google_calendar_id = CALENDAR_ID
    cohort.meeting_link = "https://meet.example.org/killed"
    cohort.save()
    server = RedisServer(tmp_path).start()
    # Production defaults for the sweepers and timeouts: only the addresses are the fakes'.
    env = {
        "REDIS_URL": server.url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_BASE_URL": slack.base_url,
        "GOOGLE_SERVICE_ACCOUNT_JSON": service_account_json(google.token_uri),
        "GOOGLE_CALENDAR_API_ENDPOINT": google.api_endpoint,
        "GOOGLE_TOKEN_URI": google.token_uri,
        "LOG_LEVEL": "INFO",
    }
    worker = CeleryWorker(env, 4, "killed", beat=True)
    try:
        with tasks_sent_to(server.url):
            worker.start()
            event = EventFactory(cohort=cohort, title="Survives the kill")
            announcement = AnnouncementFactory(
                cohort=cohort, title="Posted once", channel=Channel.ANNOUNCEMENTS
            )
            sync_announcement(announcement=announcement)
            message = SlackMessage.objects.get(announcement=announcement)
            wait_until(lambda: slack.calls_to("chat.postMessage", status=0), 30, "the post")
            wait_until(lambda: google.calls["insert"] >= 1, 30, "the insert")
            in_flight = (
                SlackMessage.objects.get(pk=message.pk).state,
                Event.objects.get(pk=event.pk).sync_state,
            )

            worker.kill()
            killed_at = time.monotonic()
            worker.start()
            done_at = {}
            while len(done_at) < 2 and time.monotonic() - killed_at < RECOVERY_LIMIT + 30:
                if (
                    "slack" not in done_at
                    and SlackMessage.objects.filter(
                        pk=message.pk, state=SlackMessage.State.SENT
                    ).exists()
                ):
                    done_at["slack"] = time.monotonic() - killed_at
                if (
                    "calendar" not in done_at
                    and Event.objects.filter(pk=event.pk, sync_state=SyncState.SYNCED).exists()
                ):
                    done_at["calendar"] = time.monotonic() - killed_at
                time.sleep(0.5)
    finally:
        worker.stop()
        server.stop()
        slack.stop()
        google.stop()

    posts = slack.posts_by_marker()
    figures = {
        "in_flight_at_kill": in_flight,
        "slack_done_after_s": round(done_at.get("slack", -1), 1),
        "calendar_done_after_s": round(done_at.get("calendar", -1), 1),
        "slack_posts_of_the_message": posts.get(str(message.marker), 0),
        "slack_history_checks": len(slack.calls_to("conversations.history")),
        "google_calls": dict(google.calls),
    }
    with capsys.disabled():
        print("\nKilled-worker figures:", figures)

    assert in_flight == (SlackMessage.State.SENDING, SyncState.PENDING)
    assert set(done_at) == {"slack", "calendar"}, (figures, worker.log_tail())
    assert max(done_at.values()) < RECOVERY_LIMIT, figures
    assert posts == {str(message.marker): 1}
    assert [e["summary"] for e in google.events(CALENDAR_ID).values()] == ["Survives the kill"]
