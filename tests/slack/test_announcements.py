"""Announcements through the outbox to the fake Slack, over real HTTP, with tasks run in-process:
posted once, edited, deleted, moved, failed visibly and sent again."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from cohort.models import (
    Announcement,
    Channel,
    DeliveryState,
    SlackMessage,
)
from cohort.notifications.deliver import deliver_message
from cohort.notifications.queue import delete_announcement, send_again
from cohort.notifications.sweep import sweep
from cohort.notifications.tasks import task_deliver_slack_message
from tests.factories.cohort import AnnouncementFactory
from tests.slack.helpers import publish

State = SlackMessage.State


def test_announcement_published_is_posted_once_with_ts_and_permalink(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = publish(channels, django_capture_on_commit_callbacks, title="Sprint rules")

    message = SlackMessage.objects.get(announcement=announcement)
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].args["channel"] == "C_ANN"
    assert posts[0].args["metadata"]["event_payload"] == {"marker": str(message.marker)}
    assert "Sprint rules" in posts[0].args["text"]
    assert (message.state, message.ts) == (State.SENT, fake_slack.posted()[0]["ts"])
    assert announcement.slack_state == DeliveryState.DELIVERED
    assert announcement.slack_ts == message.ts
    assert announcement.slack_permalink.startswith("https://fake.slack.test/archives/C_ANN/")


def test_announcement_task_run_twice_posts_once(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = publish(channels, django_capture_on_commit_callbacks)
    message = SlackMessage.objects.get(announcement=announcement)

    task_deliver_slack_message.delay(message_id=message.pk)
    task_deliver_slack_message.delay(message_id=message.pk)

    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_announcement_scheduled_is_posted_by_the_sweeper_when_due(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(hours=2)
    announcement = publish(channels, django_capture_on_commit_callbacks, published_at=later)
    assert fake_slack.calls_to("chat.postMessage") == []

    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = sweep()
        with django_capture_on_commit_callbacks(execute=True):
            second = sweep()

    announcement.refresh_from_db()
    assert (first.announcements_queued, second.announcements_queued) == (1, 0)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert announcement.slack_state == DeliveryState.DELIVERED


def test_announcement_edited_is_updated_in_slack(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = publish(channels, django_capture_on_commit_callbacks)

    announcement.body = "Changed: the deadline moved to Friday."
    with django_capture_on_commit_callbacks(execute=True):
        announcement.save()  # as from the shell: no service called by hand

    updates = fake_slack.calls_to("chat.update")
    assert len(updates) == 1
    assert updates[0].args["ts"] == Announcement.objects.get(pk=announcement.pk).slack_ts
    assert "deadline moved to Friday" in fake_slack.posted()[0]["text"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_announcement_deleted_is_deleted_in_slack(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = publish(channels, django_capture_on_commit_callbacks)
    ts = announcement.slack_ts

    with django_capture_on_commit_callbacks(execute=True):
        delete_announcement(announcement=announcement)

    deletes = fake_slack.calls_to("chat.delete")
    assert [(c.args["channel"], c.args["ts"]) for c in deletes] == [("C_ANN", ts)]
    assert fake_slack.posted() == []


def test_announcement_deleted_before_posting_is_never_posted(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = AnnouncementFactory(cohort=channels)  # on_commit not run: still queued
    message = SlackMessage.objects.get(announcement=announcement)

    delete_announcement(announcement=announcement)
    deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.state == State.CANCELLED
    assert fake_slack.calls == []


def test_announcement_to_missing_channel_fails_with_reason_and_no_retry(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = publish(channels, django_capture_on_commit_callbacks, channel=Channel.QUESTIONS)

    message = SlackMessage.objects.get(announcement=announcement)
    assert (message.state, message.last_error) == (State.FAILED, "channel_not_found")
    assert (announcement.slack_state, announcement.slack_error) == (
        DeliveryState.FAILED,
        "channel_not_found",
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=timezone.now() + timedelta(hours=1))
    assert len(fake_slack.calls_to("chat.postMessage", status=None)) == 1


def test_announcement_without_channel_configured_fails_visibly(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = publish(
        channels, django_capture_on_commit_callbacks, channel=Channel.RESEARCH_UPDATES
    )

    assert announcement.slack_state == DeliveryState.FAILED
    assert "no Slack channel" in announcement.slack_error
    assert fake_slack.calls == []


def test_send_again_after_failure_posts_once(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    fake_slack.fail_next(1, "not_in_channel")
    announcement = publish(channels, django_capture_on_commit_callbacks)
    message = SlackMessage.objects.get(announcement=announcement)
    assert message.state == State.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        assert send_again(message=message) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert send_again(message=message) is False

    message.refresh_from_db()
    assert message.state == State.SENT
    assert fake_slack.posts_by_marker() == {str(message.marker): 1}


def test_announcement_moved_to_another_channel_is_deleted_and_reposted(
    fake_slack, channels, django_capture_on_commit_callbacks
):
    announcement = publish(channels, django_capture_on_commit_callbacks)
    old_ts = announcement.slack_ts

    announcement.channel = Channel.RANDOM
    with django_capture_on_commit_callbacks(execute=True):
        announcement.save()
    # The delete waits for nothing; the repost may go first: run whatever is left.
    for row in SlackMessage.objects.filter(state=State.PENDING):
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            deliver_message(message_id=row.pk)

    announcement.refresh_from_db()
    assert [(c.args["channel"], c.args["ts"]) for c in fake_slack.calls_to("chat.delete")] == [
        ("C_ANN", old_ts)
    ]
    assert [m["channel"] for m in fake_slack.posted()] == ["C_RANDOM"]
    assert (announcement.slack_channel_id, announcement.slack_state) == (
        "C_RANDOM",
        DeliveryState.DELIVERED,
    )
    assert announcement.slack_ts == fake_slack.posted()[0]["ts"]


def test_unexpected_error_fails_the_announcement_too(
    fake_slack, channels, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The state is read from the message row, so a failure by any branch shows on both."""
    settings.SLACK_MAX_ATTEMPTS = 1

    def broken(slack, message):
        raise RuntimeError("a bug, not Slack")

    monkeypatch.setattr("cohort.notifications.deliver._deliver", broken)
    announcement = publish(channels, django_capture_on_commit_callbacks)

    message = SlackMessage.objects.get(announcement=announcement)
    assert (message.state, message.last_error) == (
        State.FAILED,
        "gave up after 1 attempts: internal error",
    )
    assert (announcement.slack_state, announcement.slack_error) == (
        DeliveryState.FAILED,
        "gave up after 1 attempts: internal error",
    )
