"""Google Calendar sync recovering lost work, against the local fake over HTTP: reconciliation
against what Google holds, the sweeper of syncs whose task was lost, and a second copy of a sync."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from events import sync
from events.models import Event, SyncState
from events.tasks import task_reconcile_calendars, task_sweep_calendar_syncs, task_sync_event
from tests.events.conftest import CALENDAR_ID, _create
from tests.factories.events import EventFactory


def test_reconciliation_repairs_a_missing_and_a_changed_event(
    google, cohort, django_capture_on_commit_callbacks
):
    lost = _create(cohort, django_capture_on_commit_callbacks, title="Lost in Google")
    edited = _create(cohort, django_capture_on_commit_callbacks, title="Edited in Google")
    untouched = _create(cohort, django_capture_on_commit_callbacks, title="Fine")
    google.remove_event(CALENDAR_ID, lost.google_event_id)
    changed = google.events(CALENDAR_ID)[edited.google_event_id]
    changed["summary"] = "Someone renamed this"
    changed["start"]["dateTime"] = "2030-01-01T10:00:00+00:00"
    google.put_event(CALENDAR_ID, changed)
    calls_before = dict(google.calls)

    queued = task_reconcile_calendars.apply().get()

    remote = google.events(CALENDAR_ID)
    assert queued == 2
    assert {e["summary"] for e in remote.values()} == {"Lost in Google", "Edited in Google", "Fine"}
    assert remote[edited.google_event_id]["start"]["dateTime"].startswith(
        edited.starts_at.astimezone(cohort.tzinfo).isoformat()[:16]
    )
    # The lost one: an update that meets 404, then an insert; the edited one: one update; the
    # untouched one: nothing.
    assert google.calls["update"] - calls_before.get("update", 0) == 2
    assert google.calls["insert"] - calls_before.get("insert", 0) == 1
    assert untouched.google_event_id in remote


def test_reconciliation_deletes_what_the_portal_cancelled(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks)
    Event.objects.filter(pk=event.pk).update(cancelled=True)  # as if the task was lost

    queued = task_reconcile_calendars.apply().get()

    assert queued == 1
    assert google.events(CALENDAR_ID) == {}


def test_reconciliation_resends_a_change_whose_task_was_lost(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks, title="Before")
    with django_capture_on_commit_callbacks(execute=False):  # the task never runs
        event.title = "After"
        event.save()
    soon = task_reconcile_calendars.apply().get()

    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        later = task_reconcile_calendars.apply().get()

    event.refresh_from_db()
    assert (soon, later) == (1, 0)  # Google differed, so it was re-sent at once, then settled
    assert [e["summary"] for e in google.events(CALENDAR_ID).values()] == ["After"]
    assert event.sync_state == SyncState.SYNCED


def test_reconciliation_waits_for_a_fresh_pending_cancel(
    google, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # created and cancelled, never sent
        event = EventFactory(cohort=cohort, cancelled=True)

    soon = task_reconcile_calendars.apply().get()
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        later = task_reconcile_calendars.apply().get()

    event.refresh_from_db()
    assert (soon, later) == (0, 1)
    assert event.sync_state == SyncState.SYNCED
    assert google.events(CALENDAR_ID, include_deleted=True) == {}


def test_sweeper_resends_a_sync_whose_task_was_lost_after_the_grace(
    google, cohort, settings, django_capture_on_commit_callbacks
):
    settings.GOOGLE_CALENDAR_SWEEP_GRACE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):  # the task is lost
        event = EventFactory(cohort=cohort, title="Lost on the way")
    changed_at = Event.objects.get(pk=event.pk).updated_at

    soon = task_sweep_calendar_syncs.apply().get()
    with time_machine.travel(changed_at + timedelta(seconds=61), tick=False):
        later = task_sweep_calendar_syncs.apply().get()
        again = task_sweep_calendar_syncs.apply().get()

    event.refresh_from_db()
    assert (soon, later, again) == (0, 1, 0)
    assert event.sync_state == SyncState.SYNCED
    assert [e["summary"] for e in google.events(CALENDAR_ID).values()] == ["Lost on the way"]
    assert dict(google.calls) == {"insert": 1}


def test_sweeper_waits_for_a_scheduled_retry(google, cohort, settings):
    settings.GOOGLE_CALENDAR_SWEEP_GRACE_SECONDS = 60
    event = EventFactory(cohort=cohort)  # not synced: its task never ran
    now = timezone.now()
    sync.note_retry(event_id=event.pk, seconds=300)

    with time_machine.travel(now + timedelta(seconds=120), tick=False):
        while_waiting = sync.events_to_sweep()
    with time_machine.travel(now + timedelta(seconds=361), tick=False):
        after_retry_time = sync.events_to_sweep()

    assert (while_waiting, after_retry_time) == ([], [event.pk])


def test_a_second_copy_of_a_sync_that_settled_meanwhile_calls_nothing(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks, title="Already there")
    calls = dict(google.calls)

    # As the sweeper sends it, or as the broker hands out again a dead worker's task.
    result = task_sync_event.apply(kwargs={"event_id": event.pk}).get()

    assert (result, dict(google.calls)) == ("settled", calls)
    assert calls == {"insert": 1}
