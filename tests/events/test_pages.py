from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from events.models import Attendance, Event, RecordingOptOut
from tests.factories.cohort import CohortFactory
from tests.factories.events import EventFactory, LightningRoundFactory


def _schedule(cohort, **params):
    return reverse("events:schedule", kwargs={"slug": cohort.slug})


def _event_url(event, name="events:event"):
    return reverse(name, kwargs={"slug": event.cohort.slug, "pk": event.pk})


def test_schedule_lists_upcoming_and_past_with_recordings(client, participant, cohort):
    now = timezone.now()
    EventFactory(cohort=cohort, title="Tomorrow's talk", starts_at=now + timedelta(days=1))
    EventFactory(
        cohort=cohort,
        title="Last week's talk",
        starts_at=now - timedelta(days=7),
        recording_url="https://recordings.example.org/1",
    )
    EventFactory(cohort=cohort, title="Called off", cancelled=True)
    EventFactory(cohort=CohortFactory(slug="elsewhere"), title="Another cohort's event")
    client.force_login(participant)

    response = client.get(_schedule(cohort))

    html = response.content.decode()
    lists = response.context["lists"]
    assert [i.row.title for _day, items in lists.upcoming_days for i in items] == [
        "Tomorrow's talk"
    ]
    assert [i.row.title for i in lists.past] == ["Last week's talk"]
    assert 'href="https://recordings.example.org/1"' in html
    assert "Called off" not in html and "Another cohort" not in html


def test_schedule_highlights_now_and_next(client, participant, cohort):
    # Close to today: a session logged in now must still be valid then.
    start = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    running = EventFactory(cohort=cohort, starts_at=start, ends_at=start + timedelta(hours=1))
    following = EventFactory(cohort=cohort, starts_at=start + timedelta(hours=2))
    EventFactory(cohort=cohort, starts_at=start + timedelta(hours=4))
    client.force_login(participant)

    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        response = client.get(_schedule(cohort))

    html = response.content.decode()
    assert response.context["lists"].now_ids == {running.pk}
    assert response.context["lists"].next_id == following.pk
    assert html.count('class="badge now"') == 1 and html.count('class="badge next"') == 1


def test_schedule_shows_viewer_time_with_cohort_time_beside(client, make_member, cohort):
    viewer = make_member(Role.PARTICIPANT, timezone="America/New_York")
    EventFactory(cohort=cohort, starts_at=datetime(2030, 1, 15, 16, 0, tzinfo=UTC))
    client.force_login(viewer)

    html = client.get(_schedule(cohort) + "?view=week&week=2030-01-15").content.decode()

    assert '11:00 <span class="tz">EST</span>' in html
    assert "(16:00 GMT)" in html


def test_week_view_shows_only_that_week(client, participant, cohort):
    EventFactory(cohort=cohort, title="In week", starts_at=datetime(2030, 1, 16, 15, tzinfo=UTC))
    EventFactory(cohort=cohort, title="Next week", starts_at=datetime(2030, 1, 22, 15, tzinfo=UTC))
    client.force_login(participant)

    response = client.get(_schedule(cohort) + "?view=week&week=2030-01-16")

    titles = [i.row.title for _day, items in response.context["week_days"]() for i in items]
    assert titles == ["In week"]
    assert response.context["monday"].isoformat() == "2030-01-14"


def test_recording_opt_out_for_one_event_and_for_all(client, participant, cohort):
    event = EventFactory(cohort=cohort)
    client.force_login(participant)

    client.post(_event_url(event, "events:recording_opt_out"), {"opted_out": "1"})
    client.post(
        reverse("events:recording_opt_out_all", kwargs={"slug": cohort.slug}), {"opted_out": "1"}
    )

    rows = set(RecordingOptOut.objects.filter(user=participant).values_list("event_id", flat=True))
    assert rows == {event.pk, None}


def test_host_sees_who_opted_out_and_participants_do_not(client, cohort, make_member, participant):
    ta_host = make_member(Role.TA, name="Tess Host")
    event = EventFactory(cohort=cohort, host=ta_host)
    quiet = make_member(Role.PARTICIPANT, name="Quinn Quiet")
    everywhere = make_member(Role.PARTICIPANT, name="Ada Allevents")
    RecordingOptOut.objects.create(cohort=cohort, user=quiet, event=event)
    RecordingOptOut.objects.create(cohort=cohort, user=everywhere, event=None)
    RecordingOptOut.objects.create(
        cohort=cohort, user=participant, event=EventFactory(cohort=cohort)
    )

    client.force_login(ta_host)
    host_page = client.get(_event_url(event))
    client.force_login(participant)
    participant_page = client.get(_event_url(event)).content.decode()

    assert [p.display_name for p in host_page.context["opted_out_people"]] == [
        "Ada Allevents",
        "Quinn Quiet",
    ]
    assert "<strong>2</strong> people have opted out" in host_page.content.decode()
    assert "Quinn Quiet" not in participant_page


def test_participant_marks_attendance_on_past_events_only(client, participant, cohort):
    past = EventFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=1))
    future = EventFactory(cohort=cohort)
    client.force_login(participant)

    client.post(_event_url(past, "events:mark_attended"), {"attended": "1"})
    client.post(_event_url(future, "events:mark_attended"), {"attended": "1"})

    assert list(Attendance.objects.values_list("event_id", flat=True)) == [past.pk]
    share = client.get(_schedule(cohort)).context["share"]
    assert (share.attended, share.total, share.percent, share.verdict) == (1, 1, 100, "above")


def test_host_keeps_the_register_but_another_ta_cannot(client, cohort, make_member):
    host, other_ta = make_member(Role.TA), make_member(Role.TA)
    people = [make_member(Role.PARTICIPANT) for _ in range(3)]
    event = EventFactory(cohort=cohort, host=host, starts_at=timezone.now() - timedelta(days=1))
    url = _event_url(event, "events:attendance_register")

    client.force_login(other_ta)
    refused = client.post(url, {"present": [people[0].pk]})
    client.force_login(host)
    client.post(url, {"present": [people[0].pk, people[2].pk]})

    assert refused.status_code == 404
    assert set(Attendance.objects.values_list("user_id", flat=True)) == {people[0].pk, people[2].pk}


def test_overview_shows_everyones_attendance_share(client, cohort, mentor, make_member):
    low = make_member(Role.PARTICIPANT, name="Lou Low")
    keen = make_member(Role.PARTICIPANT, name="Kim Keen")
    past = [
        EventFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=n + 1))
        for n in range(4)
    ]
    for event in past:
        Attendance.objects.create(event=event, user=keen)
    Attendance.objects.create(event=past[0], user=low)
    client.force_login(mentor)

    response = client.get(reverse("cohort:overview", kwargs={"slug": cohort.slug}))

    section = next(s for s in response.context["sections"] if s.title == "Event attendance")
    rows = {row.label: row for row in section.rows}
    assert rows["past events so far"].total == 4
    assert rows["attended more than 80%"].people == ["Kim Keen: 4 of 4 (100%)"]
    assert rows["attended 10% to 80% (the guidance)"].people == ["Lou Low: 1 of 4 (25%)"]


def test_home_shows_upcoming_events(client, participant, cohort):
    EventFactory(cohort=cohort, title="Soon on the home page")
    EventFactory(cohort=cohort, title="Cancelled one", cancelled=True)
    client.force_login(participant)

    html = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug})).content.decode()

    assert "Upcoming events" in html
    assert "Soon on the home page" in html and "Cancelled one" not in html


def test_event_of_another_cohort_is_404(client, participant, cohort):
    theirs = EventFactory(cohort=CohortFactory(slug="elsewhere"))
    client.force_login(participant)

    response = client.get(reverse("events:event", kwargs={"slug": cohort.slug, "pk": theirs.pk}))

    assert response.status_code == 404


def test_run_sheet_of_a_non_lightning_event_is_404(client, participant, cohort):
    talk = EventFactory(cohort=cohort)
    client.force_login(participant)

    assert client.get(_event_url(talk, "events:run_sheet")).status_code == 404


@pytest.mark.parametrize("rows", [1, 3])
def test_schedule_query_count_does_not_grow_with_events(
    client, get_in_queries, participant, cohort, make_member, rows
):
    now = timezone.now()
    for n in range(rows):
        EventFactory(
            cohort=cohort,
            host=make_member(Role.TA),
            starts_at=now + timedelta(days=n * 5 - 5),
            recording_url="https://recordings.example.org/x",
        )
    client.force_login(participant)
    client.get(_schedule(cohort))  # creates the feed token (and caches the event rows)

    # The viewer's attendance, opt-outs and feed token (the user and the membership are kept).
    get_in_queries(_schedule(cohort), 3)
    get_in_queries(_schedule(cohort) + "?view=week", 3)


def _lightning_round(cohort, slots):
    start = timezone.now() + timedelta(days=1)
    return LightningRoundFactory(
        cohort=cohort, starts_at=start, ends_at=start + timedelta(minutes=5 * slots)
    )


@pytest.mark.parametrize("rows", [1, 3])
def test_run_sheet_query_count_does_not_grow_with_slots(
    client, get_in_queries, participant, cohort, make_member, rows
):
    event = _lightning_round(cohort, rows)
    for slot in event.slots.all():
        slot.speaker = make_member(Role.PARTICIPANT)
        slot.partner = make_member(Role.PARTICIPANT)
        slot.talk_title = f"Talk {slot.number}"
        slot.save()
    client.force_login(participant)

    get_in_queries(_event_url(event, "events:run_sheet"), 4)

    assert event.slots.count() == rows


def test_admin_duplicates_an_event_to_next_week(client, cohort, mentor):
    event = EventFactory(cohort=cohort, title="Weekly Q&A", recording_url="https://r.example.org/1")
    client.force_login(mentor)

    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "duplicate_to_next_week", "_selected_action": [event.pk]},
    )

    copy = Event.objects.exclude(pk=event.pk).get()
    assert (copy.title, copy.starts_at - event.starts_at, copy.recording_url) == (
        "Weekly Q&A",
        timedelta(days=7),
        "",
    )


def test_admin_lists_only_the_mentors_cohort_events(client, cohort, mentor):
    EventFactory(cohort=cohort, title="Ours")
    EventFactory(cohort=CohortFactory(slug="elsewhere"), title="Theirs")
    client.force_login(mentor)

    response = client.get(reverse("admin:events_event_changelist"))

    assert [e.title for e in response.context["cl"].result_list] == ["Ours"]


def test_demo_seed_is_idempotent_and_realistic(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = (Event.objects.count(), Attendance.objects.count(), RecordingOptOut.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    again = (Event.objects.count(), Attendance.objects.count(), RecordingOptOut.objects.count())

    london_hours = {
        timezone.localtime(e.starts_at, Event.objects.first().cohort.tzinfo).hour
        for e in Event.objects.all()
    }
    assert first == again
    assert Event.objects.filter(kind="lightning").count() == 3
    assert Event.objects.exclude(recording_url="").exists()
    assert london_hours <= set(range(15, 20))
    assert first[1] > 0 and first[2] > 0


@pytest.mark.parametrize("rows", [1, 3])
def test_lightning_event_page_query_count_does_not_grow_with_slots(
    client, get_in_queries, participant, cohort, make_member, rows
):
    event = _lightning_round(cohort, rows)
    for slot in event.slots.all():
        slot.speaker = make_member(Role.PARTICIPANT)
        slot.talk_title = f"Talk {slot.number}"
        slot.save()
    client.force_login(participant)

    get_in_queries(_event_url(event), 8)


@pytest.mark.parametrize("rows", [1, 3])
def test_host_event_page_query_count_does_not_grow_with_people(
    client, get_in_queries, cohort, mentor, make_member, rows
):
    event = EventFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=1))
    for _ in range(rows):
        person = make_member(Role.PARTICIPANT)
        RecordingOptOut.objects.create(cohort=cohort, user=person, event=event)
        Attendance.objects.create(event=event, user=person)
    client.force_login(mentor)

    get_in_queries(_event_url(event), 8)
