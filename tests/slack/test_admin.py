"""The mentor's side in the admin: publishing posts to Slack, state and errors, send again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohort.models import Announcement, DeliveryState, SlackMessage
from tests.factories.cohort import AnnouncementFactory


@pytest.fixture
def setup(cohort, mentor, client, fake_slack):
    cohort.slack_channel_announcements = "C_ANN"
    cohort.save()
    client.force_login(mentor)
    return cohort


def test_admin_publishing_an_announcement_posts_it(
    client, setup, fake_slack, django_capture_on_commit_callbacks
):
    now = timezone.localtime()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cohort_announcement_add"),
            {
                "cohort": setup.pk,
                "title": "Welcome",
                "body": "Hello everyone.",
                "channel": "announcements",
                "published_at_0": now.strftime("%d/%m/%Y"),
                "published_at_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
            },
        )

    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.slack_state == DeliveryState.DELIVERED
    assert [c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")] == ["C_ANN"]


def test_admin_shows_error_and_send_again_posts(
    client, setup, fake_slack, django_capture_on_commit_callbacks
):
    from cohort.notifications.queue import sync_announcement

    fake_slack.fail_next(1, "not_in_channel")
    announcement = AnnouncementFactory(cohort=setup, title="Retry me")
    with django_capture_on_commit_callbacks(execute=True):
        sync_announcement(announcement=announcement)

    page = client.get(reverse("admin:cohort_announcement_change", args=[announcement.pk]))
    assert b"not_in_channel" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:cohort_announcement_changelist"),
            {"action": "send_again", "_selected_action": [announcement.pk]},
        )

    announcement.refresh_from_db()
    assert announcement.slack_state == DeliveryState.DELIVERED
    assert announcement.slack_error == ""
    assert len(fake_slack.posted()) == 1
    page = client.get(reverse("admin:cohort_announcement_change", args=[announcement.pk]))
    assert announcement.slack_permalink.encode() in page.content


def test_admin_delete_removes_slack_message(
    client, setup, fake_slack, django_capture_on_commit_callbacks
):
    from cohort.notifications.queue import sync_announcement

    announcement = AnnouncementFactory(cohort=setup)
    with django_capture_on_commit_callbacks(execute=True):
        sync_announcement(announcement=announcement)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cohort_announcement_delete", args=[announcement.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert Announcement.objects.count() == 0
    assert len(fake_slack.calls_to("chat.delete")) == 1
    assert list(SlackMessage.objects.values_list("kind", "state")) == [
        ("delete", "sent"),
        ("post", "sent"),
    ]


def test_admin_outbox_list_is_scoped_to_the_mentors_cohort(client, setup, other_cohort, fake_slack):
    from cohort.notifications.queue import sync_announcement

    sync_announcement(announcement=AnnouncementFactory(cohort=setup, title="Mine"))
    sync_announcement(announcement=AnnouncementFactory(cohort=other_cohort, title="Theirs"))

    response = client.get(reverse("admin:cohort_slackmessage_changelist"))

    assert response.status_code == 200
    assert [m.cohort for m in response.context["cl"].result_list] == [setup]


def _outbox_queries(client, connection):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:cohort_slackmessage_changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_admin_outbox_list_query_count_does_not_grow_with_rows(client, setup, make_member):
    from django.db import connection

    from cohort.services import notify

    person = make_member(name="Often Notified")
    notify(cohort=setup, user=person, kind="test", title="One")
    one = _outbox_queries(client, connection)
    for i in range(29):
        notify(cohort=setup, user=person, kind="test", title=f"More {i}")
    thirty = _outbox_queries(client, connection)

    assert SlackMessage.objects.count() == 30
    assert one == thirty
