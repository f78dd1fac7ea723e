"""Slack's rate limits: per channel for posts, per method for the rest, across every message,
and kept in the database so that they hold with the cache down. Rows are delivered by hand
(in-process), over real HTTP to the fake Slack."""

from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from cohort.models import Channel, Role, SlackAccount, SlackMessage
from cohort.notifications.deliver import deliver_message
from cohort.notifications.queue import sync_announcement
from cohort.services import notify
from tests.factories.cohort import AnnouncementFactory

State = SlackMessage.State


@pytest.fixture
def channels(cohort):
    cohort.slack_channel_announcements = "C_ANN"
    cohort.slack_channel_random = "C_RANDOM"
    cohort.save()
    return cohort


def queue_post(cohort, channel=Channel.ANNOUNCEMENTS) -> SlackMessage:
    """An announcement's outbox row, not yet delivered (the test delivers it)."""
    announcement = AnnouncementFactory(cohort=cohort, channel=channel)
    sync_announcement(announcement=announcement)
    return SlackMessage.objects.get(announcement=announcement)


def deliver_due() -> list[str]:
    """Deliver every row that is due now, as the worker would; their outcomes."""
    due = SlackMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=timezone.now())
    return [
        deliver_message(message_id=pk).state
        for pk in due.order_by("pk").values_list("pk", flat=True)
    ]


def test_after_a_429_on_a_channel_no_call_to_it_before_retry_after(fake_slack, channels):
    fake_slack.fail_next(1, "429", retry_after=20, methods=["chat.postMessage"])
    first, second = queue_post(channels), queue_post(channels)
    elsewhere = queue_post(channels, Channel.RANDOM)

    outcomes = [deliver_message(message_id=row.pk) for row in (first, second, elsewhere)]
    start = datetime.fromtimestamp(fake_slack.calls[0].at, UTC)  # when Slack said 429
    with time_machine.travel(start + timedelta(seconds=19), tick=False):
        late_comer = queue_post(channels)
        at_19_s = deliver_message(message_id=late_comer.pk)
    calls_before_window_end = [(c.method, c.channel, c.status) for c in fake_slack.calls]
    with time_machine.travel(start + timedelta(seconds=21), tick=False):
        after_window = deliver_due()

    assert [o.state for o in outcomes] == [State.PENDING, State.PENDING, State.SENT]
    assert all(19 < o.retry_in <= 20 for o in outcomes[:2])
    # It waits for the rest of the window.
    assert (at_19_s.state, 0 < at_19_s.retry_in <= 1.5) == (State.PENDING, True)
    assert calls_before_window_end == [
        ("chat.postMessage", "C_ANN", 429),
        ("chat.postMessage", "C_RANDOM", 200),
        ("chat.getPermalink", "C_RANDOM", 200),
    ]
    assert after_window == [State.SENT, State.SENT, State.SENT]
    assert fake_slack.calls_inside_retry_after() == []
    assert sorted(fake_slack.posts_by_marker().values()) == [1, 1, 1, 1]


def test_after_a_429_on_a_method_no_call_of_it_before_retry_after(fake_slack, cohort, make_member):
    strangers = [make_member(Role.PARTICIPANT, email=f"new{i}@example.org") for i in range(3)]
    for person in strangers:
        fake_slack.add_user(person.email)
    known = make_member(Role.PARTICIPANT, email="known@example.org")
    SlackAccount.objects.create(user=known, slack_user_id="U_KNOWN", dm_channel_id="D_KNOWN")
    fake_slack.fail_next(1, "429", retry_after=10, methods=["users.lookupByEmail"])

    for person in [*strangers, known]:
        notify(cohort=cohort, user=person, kind="test.limits", title="Hello")
    first_round = deliver_due()
    start = datetime.fromtimestamp(fake_slack.calls[0].at, UTC)  # when Slack said 429
    lookups_in_window = len(fake_slack.calls_to("users.lookupByEmail", status=None))
    with time_machine.travel(start + timedelta(seconds=11), tick=False):
        second_round = deliver_due()

    # The lookup that met 429, nothing more until Retry-After; the person already known to
    # Slack needs no lookup and is not held back.
    assert first_round == [State.PENDING, State.PENDING, State.PENDING, State.SENT]
    assert lookups_in_window == 1
    assert second_round == [State.SENT, State.SENT, State.SENT]
    assert len(fake_slack.calls_to("users.lookupByEmail")) == 3
    assert fake_slack.calls_inside_retry_after() == []
    assert SlackMessage.objects.filter(state=State.SENT).count() == 4


def test_channel_pace_holds_while_the_cache_is_down(fake_slack, channels, settings):
    settings.SLACK_SECONDS_PER_CHANNEL = 1
    rows = [queue_post(channels) for _ in range(3)]
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }

    with override_settings(CACHES=unreachable):
        with pytest.raises(redis.exceptions.ConnectionError):
            cache.set("probe", 1)
        outcomes = [deliver_message(message_id=row.pk) for row in rows]

    assert [o.state for o in outcomes] == [State.SENT, State.PENDING, State.PENDING]
    assert len(fake_slack.calls_to("chat.postMessage", status=None)) == 1


def test_log_only_slack_keeps_no_gates(channels):
    rows = [queue_post(channels) for _ in range(3)]

    outcomes = [deliver_message(message_id=row.pk).state for row in rows]

    assert outcomes == [State.SENT, State.SENT, State.SENT]
