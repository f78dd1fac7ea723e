from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cohort.models import Role
from events import feed
from events.feed import FeedItem
from events.models import Event
from events.services import feed_token_for, reset_feed_token, set_cancelled
from tests.factories.cohort import CohortFactory, MembershipFactory
from tests.factories.events import EventFactory


def _feed_url(membership):
    token = feed_token_for(membership=membership).token
    return reverse("events:feed", kwargs={"slug": membership.cohort.slug, "token": token})


def _vevents(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@pytest.fixture
def personal_bookings():
    """Stands in for the sprints work's bookings: one private item per person."""

    def bookings(membership):
        return [
            FeedItem(
                uid=f"booking-{membership.user_id}@test",
                title=f"Drop-in booking of {membership.user.display_name}",
                starts_at=timezone.now() + timedelta(days=2),
                ends_at=timezone.now() + timedelta(days=2, minutes=10),
            )
        ]

    feed.register(bookings)
    yield
    feed._providers.remove(bookings)


def test_feed_has_one_vevent_per_event_with_stable_uids(client, participant, cohort):
    for n in range(3):
        EventFactory(cohort=cohort, title=f"Talk {n}")
    EventFactory(cohort=cohort, title="Cancelled", cancelled=True)
    url = _feed_url(participant.memberships.get())

    first = _vevents(client, url)
    second = _vevents(client, url)

    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert len(uids) == 4 and len(set(uids)) == 4
    assert uids == [str(e["UID"]) for e in second.walk("VEVENT")]
    assert sorted((str(e["SUMMARY"]), str(e["STATUS"])) for e in first.walk("VEVENT")) == [
        ("Cancelled", "CANCELLED"),
        ("Talk 0", "CONFIRMED"),
        ("Talk 1", "CONFIRMED"),
        ("Talk 2", "CONFIRMED"),
    ]
    vevent = first.walk("VEVENT")[0]
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert [str(tz["TZID"]) for tz in first.walk("VTIMEZONE")] == ["Europe/London"]


def test_feed_token_never_shows_another_persons_items(
    client, cohort, make_member, personal_bookings
):
    alice = make_member(Role.PARTICIPANT, name="Alice Able")
    bob = make_member(Role.PARTICIPANT, name="Bob Baker")
    EventFactory(cohort=cohort, title="Shared talk")

    alice_feed = _vevents(client, _feed_url(alice.memberships.get()))
    bob_feed = _vevents(client, _feed_url(bob.memberships.get()))

    alice_titles = {str(e["SUMMARY"]) for e in alice_feed.walk("VEVENT")}
    bob_titles = {str(e["SUMMARY"]) for e in bob_feed.walk("VEVENT")}
    assert alice_titles == {"Shared talk", "Drop-in booking of Alice Able"}
    assert bob_titles == {"Shared talk", "Drop-in booking of Bob Baker"}


def test_feed_token_does_not_open_another_cohorts_feed(client, participant, cohort):
    other = CohortFactory(slug="elsewhere")
    MembershipFactory(cohort=other, user=participant)
    token = feed_token_for(membership=participant.memberships.get(cohort=cohort)).token

    response = client.get(reverse("events:feed", kwargs={"slug": other.slug, "token": token}))

    assert response.status_code == 404


def test_reset_token_stops_the_old_feed_url(client, participant, cohort):
    membership = participant.memberships.get()
    old_url = _feed_url(membership)
    client.force_login(participant)

    client.post(reverse("events:reset_feed", kwargs={"slug": cohort.slug}))
    client.logout()

    new_url = _feed_url(membership)
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_feed_stops_when_the_membership_ends(client, participant):
    url = _feed_url(participant.memberships.get())
    participant.memberships.get().delete()

    assert client.get(url).status_code == 404


def test_feed_notes_personal_recording_opt_out(client, participant, cohort):
    from events.models import RecordingOptOut

    EventFactory(cohort=cohort, title="Recorded talk", recorded=True)
    RecordingOptOut.objects.create(cohort=cohort, user=participant, event=None)

    calendar = _vevents(client, _feed_url(participant.memberships.get()))

    assert "you opted out" in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_reset_replaces_token_in_place(participant):
    membership = participant.memberships.get()
    before = feed_token_for(membership=membership).token

    after = reset_feed_token(membership=membership).token

    assert before != after
    assert feed_token_for(membership=membership).token == after


def _by_summary(calendar) -> dict:
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_feed_keeps_a_cancelled_event_as_cancelled_for_30_days(client, participant, cohort):
    event = EventFactory(cohort=cohort, title="Called off")
    url = _feed_url(participant.memberships.get())
    before = _by_summary(_vevents(client, url))["Called off"]

    set_cancelled(event=event, cancelled=True)
    after = _by_summary(_vevents(client, url))["Called off"]
    with time_machine.travel(timezone.now() + timedelta(days=29), tick=False):
        day_29 = _by_summary(_vevents(client, url))
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        day_31 = _by_summary(_vevents(client, url))

    assert (str(before["STATUS"]), before["SEQUENCE"]) == ("CONFIRMED", 0)
    assert (str(after["STATUS"]), after["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(after["UID"]) == str(before["UID"])
    assert str(day_29["Called off"]["STATUS"]) == "CANCELLED"
    assert "Called off" not in day_31


def test_feed_raises_sequence_and_last_modified_when_an_event_moves(client, participant, cohort):
    event = EventFactory(cohort=cohort, title="Moving talk")
    url = _feed_url(participant.memberships.get())
    first = _by_summary(_vevents(client, url))["Moving talk"]

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        event.starts_at += timedelta(hours=2)
        event.ends_at += timedelta(hours=2)
        event.save()
    event.refresh_from_db()
    second = _by_summary(_vevents(client, url))["Moving talk"]

    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert second["DTSTART"].dt == event.starts_at.replace(microsecond=0)
    assert second["LAST-MODIFIED"].dt == event.updated_at.replace(microsecond=0)
    assert second["LAST-MODIFIED"].dt - first["LAST-MODIFIED"].dt >= timedelta(minutes=5)


def test_feed_leaves_out_another_cohorts_cancelled_events(client, participant, cohort):
    other = CohortFactory(slug="elsewhere")
    EventFactory(cohort=other, title="Their cancelled event", cancelled=True)
    EventFactory(cohort=cohort, title="Ours")

    summaries = set(_by_summary(_vevents(client, _feed_url(participant.memberships.get()))))

    assert Event.objects.filter(cohort=other, cancelled=True).count() == 1
    assert summaries == {"Ours"}
