"""The schedule's cached event lists show every change at once, and only to whom it belongs."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from events import services
from tests.conftest import assert_each_shows_only_its_own
from tests.factories.events import EventFactory


def _schedule(cohort, query=""):
    return reverse("events:schedule", kwargs={"slug": cohort.slug}) + query


def _html(client, cohort, query=""):
    response = client.get(_schedule(cohort, query))
    assert response.status_code == 200
    return response.content.decode()


def test_schedule_shows_an_event_renamed_by_a_plain_save(client, participant, cohort):
    event = EventFactory(cohort=cohort, title="Old title")
    client.force_login(participant)
    assert "Old title" in _html(client, cohort)

    event.title = "New title"
    event.save()

    html = _html(client, cohort)
    assert "New title" in html and "Old title" not in html


def test_schedule_drops_an_event_cancelled_through_the_service(client, participant, cohort):
    event = EventFactory(cohort=cohort, title="Called off later")
    client.force_login(participant)
    assert "Called off later" in _html(client, cohort)

    services.set_cancelled(event=event, cancelled=True)

    assert "Called off later" not in _html(client, cohort)


def test_schedule_shows_an_event_duplicated_to_next_week(client, participant, cohort):
    event = EventFactory(
        cohort=cohort, title="Weekly", starts_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(participant)
    assert _html(client, cohort).count(">Weekly</a>") == 1

    services.duplicate_to_next_week(event=event)

    assert _html(client, cohort).count(">Weekly</a>") == 2


def test_schedule_shows_the_new_name_of_a_host(client, participant, cohort, make_member):
    host = make_member(Role.TA, name="Tess Before")
    EventFactory(cohort=cohort, host=host)
    client.force_login(participant)
    assert "With Tess Before" in _html(client, cohort)

    host.name = "Tess After"
    host.save()

    html = _html(client, cohort)
    assert "With Tess After" in html and "Tess Before" not in html


def test_schedule_in_new_york_is_not_a_cached_copy_of_london(client, make_member, cohort):
    london = make_member(Role.PARTICIPANT, timezone="Europe/London")
    new_york = make_member(Role.PARTICIPANT, timezone="America/New_York")
    EventFactory(cohort=cohort, starts_at=datetime(2030, 1, 15, 16, 0, tzinfo=UTC))
    week = "?view=week&week=2030-01-15"
    client.force_login(london)
    assert '16:00 <span class="tz">GMT</span>' in _html(client, cohort, week)
    assert '16:00 <span class="tz">GMT</span>' in _html(client, cohort)

    client.force_login(new_york)

    for query in (week, ""):
        html = _html(client, cohort, query)
        assert '11:00 <span class="tz">EST</span>' in html and "(16:00 GMT)" in html
        assert '16:00 <span class="tz">GMT</span>' not in html


def test_schedule_marks_are_the_viewers_own(client, make_member, cohort, mentor):
    event = EventFactory(
        cohort=cohort, title="Past talk", starts_at=timezone.now() - timedelta(days=2)
    )
    attended = make_member(Role.PARTICIPANT)
    other = make_member(Role.PARTICIPANT)
    client.force_login(other)
    assert "You attended" not in _html(client, cohort)

    services.set_attended(event=event, user=attended, attended=True, marked_by=mentor)
    services.set_recording_opt_out(cohort=cohort, user=attended, event=None, opted_out=True)
    client.force_login(attended)
    html = _html(client, cohort)
    assert "You attended" in html and "(you opted out)" in html

    client.force_login(other)
    html = _html(client, cohort)
    assert "You attended" not in html and "(you opted out)" not in html


def test_schedule_of_another_cohort_never_gets_this_ones_lists(client, cohort, member_of_two):
    both, elsewhere = member_of_two
    EventFactory(cohort=cohort, title="Event of ours")
    EventFactory(cohort=elsewhere, title="Event of theirs")
    client.force_login(both)

    assert_each_shows_only_its_own(
        {"Event of ours": _html(client, cohort), "Event of theirs": _html(client, elsewhere)}
    )


def test_schedule_moves_an_event_to_past_once_it_ends(client, participant, cohort):
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    EventFactory(
        cohort=cohort, title="Soon over", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    client.force_login(participant)

    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        during = _html(client, cohort)
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        after = _html(client, cohort)

    assert 'class="badge now"' in during and "Past events" not in during
    assert "Past events" in after and 'class="badge now"' not in after
