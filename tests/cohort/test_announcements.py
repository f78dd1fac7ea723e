"""Announcements keep their body rendered once, as sanitised HTML, and the page shows that."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from cohort.markdown import render_markdown
from cohort.models import Announcement
from tests.factories.cohort import AnnouncementFactory, CohortFactory

HOSTILE = (
    "# Plans\n\nRead **this** and [the guide](https://example.org/guide).\n\n"
    "<script>alert('x')</script>\n\n[click me](javascript:alert(1))\n"
)


def _list_url(cohort, **query):
    url = reverse("cohort:announcements", kwargs={"slug": cohort.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_stored_html_is_the_sanitised_render_of_the_markdown(cohort):
    announcement = AnnouncementFactory(cohort=cohort, body=HOSTILE)

    stored = Announcement.objects.get(pk=announcement.pk).body_html

    assert stored == render_markdown(HOSTILE)
    assert "<strong>this</strong>" in stored
    assert '<a href="https://example.org/guide"' in stored
    assert "<script" not in stored and "alert(" not in stored
    assert "javascript:" not in stored


def test_editing_the_markdown_updates_the_stored_html(cohort):
    announcement = AnnouncementFactory(cohort=cohort, body="First *draft*.")

    announcement.body = "Second **version**."
    announcement.save()
    after_save = Announcement.objects.get(pk=announcement.pk).body_html
    announcement.body = "Third <script>x()</script> [go](javascript:go())"
    announcement.save(update_fields=["body"])
    after_partial_save = Announcement.objects.get(pk=announcement.pk).body_html

    assert after_save == "<p>Second <strong>version</strong>.</p>"
    assert after_partial_save == render_markdown("Third <script>x()</script> [go](javascript:go())")
    assert "<script" not in after_partial_save and "javascript:" not in after_partial_save


def test_editing_in_the_admin_updates_what_participants_read(
    client, cohort, mentor, participant, django_capture_on_commit_callbacks
):
    announcement = AnnouncementFactory(cohort=cohort, title="Week 2", body="Old *text*.")
    published = timezone.localtime(announcement.published_at)
    client.force_login(mentor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cohort_announcement_change", args=[announcement.pk]),
            {
                "cohort": cohort.pk,
                "title": "Week 2",
                "body": "New **text** <script>steal()</script>",
                "channel": announcement.channel,
                "published_at_0": published.strftime("%Y-%m-%d"),
                "published_at_1": published.strftime("%H:%M:%S"),
            },
        )
    client.force_login(participant)
    page = client.get(_list_url(cohort)).content.decode()

    assert response.status_code == 302
    assert "New <strong>text</strong>" in page
    assert "Old" not in page
    assert "steal()" not in page


def test_the_page_shows_the_stored_html_without_rendering_again(client, cohort, participant):
    announcement = AnnouncementFactory(cohort=cohort, body="The *markdown*.")
    Announcement.objects.filter(pk=announcement.pk).update(body_html="<p>Stored copy</p>")
    client.force_login(participant)

    listed = client.get(_list_url(cohort)).content.decode()
    detail = client.get(
        reverse("cohort:announcement", kwargs={"slug": cohort.slug, "pk": announcement.pk})
    ).content.decode()

    assert "<p>Stored copy</p>" in listed and "<p>Stored copy</p>" in detail
    assert "<em>markdown</em>" not in listed and "<em>markdown</em>" not in detail


def test_migration_fills_the_html_of_existing_announcements(cohort):
    announcement = AnnouncementFactory(cohort=cohort, body="Old **row** <script>x</script>")
    Announcement.objects.filter(pk=announcement.pk).update(body_html="")
    migration = importlib.import_module("cohort.migrations.0009_announcement_body_html")

    migration.fill_body_html(apps, None)

    stored = Announcement.objects.get(pk=announcement.pk).body_html
    assert stored == render_markdown("Old **row** <script>x</script>")
    assert "<strong>row</strong>" in stored and "<script" not in stored


def _make_announcements(cohort, count):
    now = timezone.now()
    for n in range(count):
        AnnouncementFactory(
            cohort=cohort, title=f"News {n:02d}", published_at=now - timedelta(hours=n + 1)
        )


def test_announcements_are_paginated_at_25_newest_first(client, cohort, participant):
    _make_announcements(cohort, 30)
    AnnouncementFactory(cohort=CohortFactory(slug="elsewhere"), title="Their news")
    client.force_login(participant)

    first = client.get(_list_url(cohort))
    second = client.get(_list_url(cohort, page=2))

    assert [a.title for a in first.context["announcements"]] == [f"News {n:02d}" for n in range(25)]
    assert [a.title for a in second.context["announcements"]] == [
        f"News {n:02d}" for n in range(25, 30)
    ]
    assert 'href="?page=2"' in first.content.decode()
    assert 'href="?page=1"' in second.content.decode()
    assert "Their news" not in first.content.decode() + second.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "9" * 40, "1%00"])
def test_odd_page_numbers_show_a_page_not_an_error(client, cohort, participant, page):
    _make_announcements(cohort, 30)
    client.force_login(participant)

    response = client.get(_list_url(cohort, page=page))

    assert response.status_code == 200
    assert response.context["page"].number in (1, 2)


@pytest.mark.parametrize("rows", [1, 3])
def test_announcement_detail_queries_do_not_grow_with_rows(
    client, get_in_queries, cohort, participant, rows
):
    _make_announcements(cohort, rows)
    client.force_login(participant)
    newest = Announcement.objects.filter(cohort=cohort).first()

    get_in_queries(reverse("cohort:announcement", kwargs={"slug": cohort.slug, "pk": newest.pk}), 3)
