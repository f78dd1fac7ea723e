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
    fake_slack.fail_next(1, "not_in_channel")
    with django_capture_on_commit_callbacks(execute=True):
        announcement = AnnouncementFactory(cohort=setup, title="Retry me")

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
    with django_capture_on_commit_callbacks(execute=True):
        announcement = AnnouncementFactory(cohort=setup)
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
    AnnouncementFactory(cohort=setup, title="Mine")
    AnnouncementFactory(cohort=other_cohort, title="Theirs")

    response = client.get(reverse("admin:cohort_slackmessage_changelist"))

    assert response.status_code == 200
    assert [m.cohort for m in response.context["cl"].result_list] == [setup]


@pytest.mark.parametrize("rows", [1, 3])
def test_admin_outbox_list_query_count_does_not_grow_with_rows(
    get_in_queries, setup, make_member, rows
):
    from cohort.services import notify

    person = make_member(name="Often Notified")
    for i in range(rows):
        notify(cohort=setup, user=person, kind="test", title=f"Note {i}")

    url = reverse("admin:cohort_slackmessage_changelist")
    get_in_queries(url, 7)  # the first admin page also builds the sidebar (cohort/admin_site.py)
    get_in_queries(url, 4)  # the sidebar and the user's row are kept now

    assert SlackMessage.objects.count() == rows


def test_admin_filters_announcements_by_their_posts_state(
    client, setup, fake_slack, django_capture_on_commit_callbacks
):
    fake_slack.fail_next(1, "not_in_channel")
    with django_capture_on_commit_callbacks(execute=True):
        AnnouncementFactory(cohort=setup, title="Refused")
    with django_capture_on_commit_callbacks(execute=True):
        AnnouncementFactory(cohort=setup, title="Posted")
    AnnouncementFactory(cohort=setup, title="Draft", published_at=None)
    url = reverse("admin:cohort_announcement_changelist")

    def titles(state):
        response = client.get(url, {"slack_state": state})
        return sorted(a.title for a in response.context["cl"].result_list)

    assert titles("failed") == ["Refused"]
    assert titles("delivered") == ["Posted"]
    assert titles("not_sent") == ["Draft"]
    assert titles("pending") == []


@pytest.mark.parametrize("rows", [1, 3])
def test_admin_announcement_list_reads_slack_state_in_constant_queries(
    get_in_queries, setup, fake_slack, django_capture_on_commit_callbacks, rows
):
    for _ in range(rows):
        with django_capture_on_commit_callbacks(execute=True):
            AnnouncementFactory(cohort=setup)

    url = reverse("admin:cohort_announcement_changelist")
    get_in_queries(url, 8)  # the first admin page also builds the sidebar (cohort/admin_site.py)
    page = get_in_queries(url, 5)  # the sidebar and the user's row are kept now

    assert [a.slack_state for a in page.context["cl"].result_list] == ["delivered"] * rows
