"""Delivery through the outbox to the fake Slack, over real HTTP, with tasks run in-process:
rate limits, server errors and timeouts, giving up, direct messages, the log-only fallback."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from cohort.models import (
    DeliveryState,
    NotificationPreference,
    Role,
    SlackAccount,
    SlackMessage,
)
from cohort.notifications.deliver import deliver_message
from cohort.notifications.sweep import sweep
from cohort.services import notify
from tests.factories.cohort import AnnouncementFactory
from tests.slack.helpers import publish

State = SlackMessage.State


def test_rate_limited_waits_retry_after_without_posting_twice(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    fake_slack.fail_next(1, "429", retry_after=30)
    start = timezone.now()
    announcement = publish(channels, django_capture_on_commit_callbacks)
    message = SlackMessage.objects.get(announcement=announcement)
    assert message.state == State.PENDING
    assert 29 <= (message.next_attempt_at - start).total_seconds() <= 32
    assert message.needs_check is False

    assert deliver_message(message_id=message.pk).state == "not claimable"  # too early
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.state == State.SENT
    assert fake_slack.posts_by_marker() == {str(message.marker): 1}
    assert len(fake_slack.calls_to("chat.postMessage", status=429)) == 1


def test_server_error_backs_off_and_checks_before_posting_again(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    fake_slack.fail_next(2, "500", methods=["chat.postMessage"])
    announcement = publish(channels, django_capture_on_commit_callbacks)
    message = SlackMessage.objects.get(announcement=announcement)
    first_wait = (message.next_attempt_at - timezone.now()).total_seconds()
    assert (message.state, message.attempts, message.needs_check) == (State.PENDING, 1, True)

    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        deliver_message(message_id=message.pk)
    message.refresh_from_db()
    second_wait = (message.next_attempt_at - timezone.now()).total_seconds()
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert 0 < first_wait < second_wait
    assert message.state == State.SENT
    assert len(fake_slack.calls_to("conversations.history")) == 2
    assert fake_slack.posts_by_marker() == {str(message.marker): 1}


def test_timeout_after_slack_posted_is_found_by_marker_not_posted_again(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    fake_slack.fail_next(1, "hang_after", methods=["chat.postMessage"])
    announcement = publish(channels, django_capture_on_commit_callbacks)
    message = SlackMessage.objects.get(announcement=announcement)
    assert (message.state, message.needs_check, message.last_error) == (
        State.PENDING,
        True,
        "timed out",
    )

    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.ts == fake_slack.posted()[0]["ts"]
    assert fake_slack.posts_by_marker() == {str(message.marker): 1}


def test_gives_up_after_max_attempts(fake_slack, channels, django_capture_on_commit_callbacks):
    fake_slack.set_fault("500")
    announcement = publish(channels, django_capture_on_commit_callbacks)
    message = SlackMessage.objects.get(announcement=announcement)
    for _ in range(3):
        with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
            deliver_message(message_id=message.pk)
        message.refresh_from_db()

    announcement.refresh_from_db()
    assert (message.state, message.attempts) == (State.FAILED, 4)
    assert message.last_error.startswith("gave up after 4 attempts")
    assert announcement.slack_state == DeliveryState.FAILED


def test_stuck_sending_row_is_checked_then_posted_once(fake_slack, channels):
    announcement = AnnouncementFactory(cohort=channels)
    message = SlackMessage.objects.get(announcement=announcement)
    # A worker claimed it and died before calling Slack.
    SlackMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )

    result = sweep(now=timezone.now())
    deliver_message(message_id=message.pk)
    deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert result.stale_released == 1
    assert message.state == State.SENT
    assert len(fake_slack.calls_to("conversations.history")) == 1
    assert fake_slack.posts_by_marker() == {str(message.marker): 1}


def test_per_channel_gate_reschedules_second_message(fake_slack, channels, settings):
    settings.SLACK_SECONDS_PER_CHANNEL = 1
    AnnouncementFactory(cohort=channels)  # each save queues its post
    AnnouncementFactory(cohort=channels)
    rows = list(SlackMessage.objects.order_by("id"))

    outcomes = [deliver_message(message_id=row.pk) for row in rows]

    assert [o.state for o in outcomes] == [State.SENT, State.PENDING]
    assert 0 < outcomes[1].retry_in <= 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_notify_sends_direct_message_and_remembers_slack_user(
    fake_slack, cohort, make_member, django_capture_on_commit_callbacks
):
    person = make_member(Role.TA, email="ta@example.org")
    fake_slack.add_user("ta@example.org", "U_TA")

    with django_capture_on_commit_callbacks(execute=True):
        notify(cohort=cohort, user=person, kind="test.one", title="A new request", url="/c/x/")
    with django_capture_on_commit_callbacks(execute=True):
        notify(cohort=cohort, user=person, kind="test.two", title="Another request")

    posts = fake_slack.calls_to("chat.postMessage")
    assert [p.args["channel"] for p in posts] == ["DU_TA", "DU_TA"]
    assert "A new request" in posts[0].args["text"]
    assert len(fake_slack.calls_to("users.lookupByEmail")) == 1
    account = SlackAccount.objects.get(user=person)
    assert (account.slack_user_id, account.dm_channel_id) == ("U_TA", "DU_TA")


def test_notify_respects_direct_messages_turned_off(
    fake_slack, cohort, make_member, django_capture_on_commit_callbacks
):
    person = make_member(Role.PARTICIPANT)
    NotificationPreference.objects.create(
        membership=person.memberships.get(), slack_direct_messages=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(cohort=cohort, user=person, kind="test", title="Quiet")

    assert notification.pk is not None
    assert SlackMessage.objects.count() == 0
    assert fake_slack.calls == []


def test_direct_message_to_unknown_slack_user_fails_with_reason(
    fake_slack, cohort, make_member, django_capture_on_commit_callbacks
):
    person = make_member(Role.PARTICIPANT)

    with django_capture_on_commit_callbacks(execute=True):
        notify(cohort=cohort, user=person, kind="test", title="Hello")

    message = SlackMessage.objects.get()
    assert message.state == State.FAILED
    assert message.last_error == "no Slack account uses this person's e-mail address"


def test_log_only_fallback_marks_delivered_and_logs(
    settings, channels, make_member, caplog, django_capture_on_commit_callbacks
):
    settings.SLACK_BOT_TOKEN = ""
    person = make_member(Role.PARTICIPANT)

    with caplog.at_level("INFO", logger="cohort.slack"):
        announcement = publish(channels, django_capture_on_commit_callbacks, title="Logged")
        with django_capture_on_commit_callbacks(execute=True):
            notify(cohort=channels, user=person, kind="test", title="Logged DM")

    assert sorted(SlackMessage.objects.values_list("state", flat=True)) == [State.SENT] * 2
    assert announcement.slack_state == DeliveryState.DELIVERED
    assert "Logged DM" in caplog.text
    assert "*Logged*" in caplog.text


def test_timeout_before_slack_acted_is_checked_then_posted_once(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    fake_slack.fail_next(1, "hang", methods=["chat.postMessage"])
    announcement = publish(channels, django_capture_on_commit_callbacks)
    message = SlackMessage.objects.get(announcement=announcement)
    assert (message.state, message.needs_check) == (State.PENDING, True)

    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.state == State.SENT
    assert len(fake_slack.calls_to("conversations.history")) == 1
    assert fake_slack.posts_by_marker() == {str(message.marker): 1}


def test_log_only_fallback_remembers_no_slack_ids(
    settings, cohort, make_member, django_capture_on_commit_callbacks
):
    settings.SLACK_BOT_TOKEN = ""
    person = make_member(Role.PARTICIPANT)

    with django_capture_on_commit_callbacks(execute=True):
        notify(cohort=cohort, user=person, kind="test", title="Logged DM")

    assert SlackMessage.objects.get().state == State.SENT
    assert SlackAccount.objects.count() == 0
