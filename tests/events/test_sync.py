"""Google Calendar sync through the real client library, against the local fake over HTTP:
one event inserted, updated, cancelled and deleted under our id, retried or failed."""

import logging
from datetime import timedelta

from django.urls import reverse

from events import services
from events.models import Event, SyncState, google_event_id
from events.sync import sync_event
from tests.events.conftest import CALENDAR_ID, _create
from tests.factories.events import EventFactory


def test_google_event_id_is_base32hex_and_stable():
    ids = {google_event_id(pk) for pk in (1, 2, 10**9)}

    assert len(ids) == 3
    assert all(set(i) <= set("0123456789abcdefghijklmnopqrstuv") for i in ids)
    # Derived from the primary key: a changed derivation would orphan every event in Google.
    assert google_event_id(7) == "cdnmgrrieho6usjkc5m30c1g60o30c1g60o30do"


def test_sync_inserts_event_under_our_id(google, cohort, django_capture_on_commit_callbacks):
    event = _create(cohort, django_capture_on_commit_callbacks, title="Kick-off")

    remote = google.events(CALENDAR_ID)

    assert list(remote) == [event.google_event_id]
    stored = remote[event.google_event_id]
    assert stored["summary"] == "Kick-off"
    assert stored["location"] == "https://meet.example.org/test-cohort"
    assert stored["start"]["timeZone"] == "Europe/London"
    assert stored["extendedProperties"]["private"]["portalEventId"] == str(event.pk)
    assert (event.sync_state, event.sync_error) == (SyncState.SYNCED, "")
    assert event.synced_at is not None
    assert google.tokens_issued == 1


def test_sync_update_changes_the_same_google_event(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks, title="Old title")

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "New title"
        event.save()

    remote = google.events(CALENDAR_ID)
    assert [e["summary"] for e in remote.values()] == ["New title"]
    assert (google.calls["insert"], google.calls["update"]) == (1, 1)


def test_each_update_of_a_known_event_is_one_call(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks, title="Week 1")
    calls_after_create = sum(google.calls.values())

    for n in range(2, 7):
        with django_capture_on_commit_callbacks(execute=True):
            event.title = f"Week {n}"
            event.starts_at += timedelta(hours=1)
            event.ends_at += timedelta(hours=1)
            event.save()

    assert calls_after_create == 1
    assert dict(google.calls) == {"insert": 1, "update": 5}
    assert google.responses[409] == 0
    assert [e["summary"] for e in google.events(CALENDAR_ID).values()] == ["Week 6"]


def test_update_of_an_event_google_no_longer_has_inserts_it(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks, title="Purged")
    google.remove_event(CALENDAR_ID, event.google_event_id)

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Back again"
        event.save()

    event.refresh_from_db()
    assert dict(google.calls) == {"insert": 2, "update": 1}
    assert [e["summary"] for e in google.events(CALENDAR_ID).values()] == ["Back again"]
    assert event.sync_state == SyncState.SYNCED


def test_cancel_deletes_and_reactivate_brings_it_back(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.set_cancelled(event=event, cancelled=True)
    after_cancel = google.events(CALENDAR_ID, include_deleted=True)[event.google_event_id]
    with django_capture_on_commit_callbacks(execute=True):
        services.set_cancelled(event=event, cancelled=False)
    after_reactivate = google.events(CALENDAR_ID)

    assert after_cancel["status"] == "cancelled"
    assert list(after_reactivate) == [event.google_event_id]
    assert after_reactivate[event.google_event_id]["status"] == "confirmed"
    event.refresh_from_db()
    assert event.sync_state == SyncState.SYNCED


def test_retried_insert_that_meets_409_becomes_an_update(
    google, cohort, django_capture_on_commit_callbacks
):
    google.fail_next(1, "lost")  # Google stores it, but the answer is a 500

    event = _create(cohort, django_capture_on_commit_callbacks, title="Only once")

    assert [e["summary"] for e in google.events(CALENDAR_ID).values()] == ["Only once"]
    assert (google.calls["insert"], google.calls["update"]) == (2, 1)
    assert event.sync_state == SyncState.SYNCED


def test_429_rate_limit_403_and_5xx_are_retried(google, cohort, django_capture_on_commit_callbacks):
    google.fail_next(1, "429")
    google.fail_next(1, "403")
    google.fail_next(1, "500")

    event = _create(cohort, django_capture_on_commit_callbacks)

    assert dict(google.faults) == {"429": 1, "403": 1, "500": 1}
    assert google.calls["insert"] == 4
    assert list(google.events(CALENDAR_ID)) == [event.google_event_id]
    assert event.sync_state == SyncState.SYNCED


def test_timeout_is_retried(google, cohort, django_capture_on_commit_callbacks):
    google.fail_next(1, "hang")

    event = _create(cohort, django_capture_on_commit_callbacks)

    assert google.faults["hang"] == 1
    assert list(google.events(CALENDAR_ID)) == [event.google_event_id]
    assert event.sync_state == SyncState.SYNCED


def test_400_is_marked_failed_without_retry_and_shown_in_admin(
    google, cohort, mentor, client, django_capture_on_commit_callbacks
):
    google.fail_next(1, "400")

    event = _create(cohort, django_capture_on_commit_callbacks, title="Refused")

    assert event.sync_state == SyncState.FAILED
    assert event.sync_error.startswith("Google Calendar answered 400")
    assert google.calls["insert"] == 1
    client.force_login(mentor)
    page = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "Failed" in page and "Google Calendar answered 400" in page


def test_retries_stop_at_max_retries_and_mark_failed(
    google, cohort, django_capture_on_commit_callbacks
):
    google.fail_next(20, "500")

    event = _create(cohort, django_capture_on_commit_callbacks)

    assert google.calls["insert"] == 5  # GOOGLE_CALENDAR_MAX_ATTEMPTS = 5
    assert event.sync_state == SyncState.FAILED
    assert "Gave up after retries" in event.sync_error


def test_sync_again_after_failure_succeeds(google, cohort, django_capture_on_commit_callbacks):
    google.fail_next(1, "400")
    event = _create(cohort, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.request_sync(event=event)

    event.refresh_from_db()
    assert event.sync_state == SyncState.SYNCED
    assert list(google.events(CALENDAR_ID)) == [event.google_event_id]


def test_running_sync_twice_changes_nothing(google, cohort, django_capture_on_commit_callbacks):
    event = _create(cohort, django_capture_on_commit_callbacks)
    before = google.events(CALENDAR_ID)

    results = [sync_event(event_id=event.pk), sync_event(event_id=event.pk)]

    after = google.events(CALENDAR_ID)
    assert results == ["synced", "synced"]
    assert list(after) == list(before)
    assert after[event.google_event_id]["summary"] == before[event.google_event_id]["summary"]


def test_meet_link_is_requested_without_a_meeting_link(
    google, cohort, django_capture_on_commit_callbacks
):
    cohort.meeting_link = ""
    cohort.save()

    event = _create(cohort, django_capture_on_commit_callbacks)

    remote = google.events(CALENDAR_ID)[event.google_event_id]
    assert remote["conferenceData"]["createRequest"]["requestId"] == f"{event.google_event_id}-meet"
    assert event.meet_link == remote["hangoutLink"]
    assert event.meet_link.startswith("https://meet.google.com/")
    assert event.where == event.meet_link


def test_delegated_user_is_the_token_subject(
    google, settings, cohort, django_capture_on_commit_callbacks
):
    settings.GOOGLE_CALENDAR_DELEGATED_USER = "calendar-owner@example.org"

    _create(cohort, django_capture_on_commit_callbacks)

    assert google.token_subjects == ["calendar-owner@example.org"]


def test_deleting_an_event_removes_it_from_google(
    google, cohort, django_capture_on_commit_callbacks
):
    event = _create(cohort, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        event.delete()

    assert google.events(CALENDAR_ID) == {}


def test_without_credentials_the_sync_writes_to_the_log(
    cohort, caplog, django_capture_on_commit_callbacks
):
    cohort.google_calendar_id = CALENDAR_ID
    cohort.save()

    with caplog.at_level(logging.INFO, logger="cohort.integrations.google_calendar"):
        event = _create(cohort, django_capture_on_commit_callbacks, title="Logged only")

    assert event.sync_state == SyncState.LOGGED
    assert f"would create {event.google_event_id}" in caplog.text
    assert "Logged only" in caplog.text


def test_sync_is_enqueued_only_after_commit(cohort, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = EventFactory(cohort=cohort)
        event.refresh_from_db()
        state_inside = event.sync_state

    assert state_inside == SyncState.PENDING
    # One sync waits for the commit (the other callback marks the schedule changed again).
    syncs = [c for c in callbacks if c.__qualname__.startswith("enqueue_sync.")]
    assert len(syncs) == 1


def test_saving_an_event_survives_google_being_down_in_process(
    google, cohort, settings, django_capture_on_commit_callbacks
):
    from cohort.celery import app as celery_app

    celery_app.conf.task_eager_propagates = True  # the embedded default's in-process tasks
    google.fail_next(50, "500")

    event = _create(cohort, django_capture_on_commit_callbacks, title="Saved anyway")

    assert Event.objects.filter(pk=event.pk, title="Saved anyway").exists()
    assert event.sync_state == SyncState.PENDING
    assert event.sync_error.startswith("Google Calendar answered 500")


def test_admin_sync_again_action_resends_a_failed_event(
    google, cohort, mentor, client, django_capture_on_commit_callbacks
):
    google.fail_next(1, "400")
    event = _create(cohort, django_capture_on_commit_callbacks)
    client.force_login(mentor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_event_changelist"),
            {"action": "sync_again", "_selected_action": [event.pk]},
        )

    event.refresh_from_db()
    assert (event.sync_state, event.sync_error) == (SyncState.SYNCED, "")
    assert list(google.events(CALENDAR_ID)) == [event.google_event_id]


def test_service_account_can_come_from_a_file(
    google, settings, tmp_path, cohort, django_capture_on_commit_callbacks
):
    key_file = tmp_path / "service-account.json"
    key_file.write_text(settings.GOOGLE_SERVICE_ACCOUNT_JSON)
    settings.GOOGLE_SERVICE_ACCOUNT_FILE = str(key_file)
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = ""

    event = _create(cohort, django_capture_on_commit_callbacks)

    assert event.sync_state == SyncState.SYNCED
    assert list(google.events(CALENDAR_ID)) == [event.google_event_id]
