"""The home page's cached announcements section shows every change, in the viewer's zone."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from tests.conftest import assert_each_shows_only_its_own
from tests.factories.cohort import AnnouncementFactory


def _home(client, cohort):
    response = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_home_shows_an_announcement_edited_by_a_plain_save(client, participant, cohort, mentor):
    announcement = AnnouncementFactory(cohort=cohort, author=mentor, body="First *draft*.")
    client.force_login(participant)
    assert "<em>draft</em>" in _home(client, cohort)

    announcement.body = "Second **take**."
    announcement.save()

    html = _home(client, cohort)
    assert "<strong>take</strong>" in html and "<em>draft</em>" not in html


def test_home_shows_the_new_name_of_an_author(client, participant, cohort, mentor):
    AnnouncementFactory(cohort=cohort, author=mentor)
    client.force_login(participant)
    assert "Maria Mentor" in _home(client, cohort)

    mentor.name = "Maria Renamed"
    mentor.save()

    assert "Maria Renamed" in _home(client, cohort)


def test_home_shows_an_announcement_once_its_time_comes(client, participant, cohort):
    later = AnnouncementFactory(
        cohort=cohort, title="Scheduled news", published_at=timezone.now() + timedelta(minutes=5)
    )
    client.force_login(participant)
    assert "Scheduled news" not in _home(client, cohort)

    later.published_at = timezone.now() - timedelta(minutes=1)
    later.save()

    assert "Scheduled news" in _home(client, cohort)


def test_home_announcement_times_are_the_viewers_not_a_cached_zone(client, make_member, cohort):
    AnnouncementFactory(cohort=cohort, published_at=datetime(2026, 1, 15, 16, 0, tzinfo=UTC))
    london = make_member(Role.PARTICIPANT, timezone="Europe/London")
    new_york = make_member(Role.PARTICIPANT, timezone="America/New_York")
    client.force_login(london)
    assert '16:00 <span class="tz">GMT</span>' in _home(client, cohort)

    client.force_login(new_york)
    html = _home(client, cohort)

    assert '11:00 <span class="tz">EST</span>' in html
    assert '16:00 <span class="tz">GMT</span>' not in html


def test_home_of_another_cohort_never_gets_this_ones_announcements(client, cohort, member_of_two):
    both, elsewhere = member_of_two
    AnnouncementFactory(cohort=cohort, title="Our news")
    AnnouncementFactory(cohort=elsewhere, title="Their news")
    client.force_login(both)

    assert_each_shows_only_its_own(
        {"Our news": _home(client, cohort), "Their news": _home(client, elsewhere)}
    )
