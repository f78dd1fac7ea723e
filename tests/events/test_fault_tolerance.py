"""The sync under fire: a real Celery worker and Redis, a fake Google Calendar that fails a
third of its calls, and a worker killed and restarted mid-way. Afterwards Google must hold
exactly the events that should exist, each once, with the right fields."""

import random
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cohort.celery import app as celery_app
from events.models import Event, SyncState
from events.tasks import task_reconcile_calendars
from tests.celery_worker import CeleryWorker, worker_available
from tests.events.conftest import CALENDAR_ID
from tests.fakes.google_calendar import FakeGoogleCalendar

EVENTS = 200
FAULT_SHARE = 1 / 3
# Mostly quick failures; one in nine is a hang that only the client's timeout ends.
FAULTS = ("429", "403", "500", "lost") * 2 + ("hang",)
DEADLINE_SECONDS = 150

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker():
    reason = worker_available()
    if reason:
        pytest.skip(f"the fault test runs a real Celery worker: {reason}")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # nothing left over from an earlier run
    yield
    celery_app.control.purge()
    celery_app.conf.task_always_eager = True


def _expected(cohort):
    return {e.google_event_id: e for e in Event.objects.filter(cohort=cohort, cancelled=False)}


def _converged(fake, cohort) -> bool:
    if Event.objects.filter(cohort=cohort).exclude(sync_state=SyncState.SYNCED).exists():
        return False
    return set(fake.events(CALENDAR_ID)) == set(_expected(cohort))


def test_sync_survives_faults_and_a_killed_worker(broker, cohort, _service_account_key, capsys):
    cohort.google_calendar_id = CALENDAR_ID
    cohort.meeting_link = "https://meet.example.org/fault-test"
    cohort.save()
    fake = FakeGoogleCalendar(hang_seconds=2.0).start()
    fake.fail_rate(FAULT_SHARE, kinds=FAULTS, seed=5)
    worker = CeleryWorker(
        name="fault",
        concurrency=4,
        env={
            "GOOGLE_SERVICE_ACCOUNT_JSON": _service_account_key,
            "GOOGLE_CALENDAR_API_ENDPOINT": fake.api_endpoint,
            "GOOGLE_TOKEN_URI": fake.token_uri,
            "GOOGLE_CALENDAR_TIMEOUT_SECONDS": "1",
            "GOOGLE_CALENDAR_RETRY_BASE_SECONDS": "0.2",
            "GOOGLE_CALENDAR_RETRY_MAX_SECONDS": "2",
            "GOOGLE_CALENDAR_MAX_ATTEMPTS": "7",
            "GOOGLE_CALENDAR_RECONCILE_GRACE_SECONDS": "5",
            "LOG_LEVEL": "WARNING",
        },
    )
    rng = random.Random(11)  # noqa: S311 - a repeatable workload, not a secret
    began = time.monotonic()
    reconcile_rounds = 0
    try:
        worker.start()
        start = timezone.now() + timedelta(days=2)
        events = []
        for n in range(EVENTS):
            events.append(
                Event.objects.create(
                    cohort=cohort,
                    title=f"Session {n}",
                    starts_at=start + timedelta(hours=n),
                    ends_at=start + timedelta(hours=n, minutes=45),
                )
            )
            if n == EVENTS // 2:
                worker.kill()  # mid-stream: tasks in flight and waiting retries are lost
                killed_at = time.monotonic() - began
                worker.start()
        changed = rng.sample(events, 100)
        for event in changed:
            event.title = f"{event.title} (moved)"
            event.starts_at += timedelta(minutes=30)
            event.ends_at += timedelta(minutes=30)
            event.save()
        cancelled = rng.sample(events, 50)
        for event in cancelled:
            event.cancelled = True
            event.save()
        reactivated = rng.sample(cancelled, 10)
        for event in reactivated:
            event.cancelled = False
            event.save()
        writes_done = time.monotonic() - began

        # What Celery beat would do: reconcile now and then until everything has settled.
        while not _converged(fake, cohort):
            assert time.monotonic() - began < DEADLINE_SECONDS, worker.log_tail()
            time.sleep(6)
            if not _converged(fake, cohort):
                task_reconcile_calendars.delay()
                reconcile_rounds += 1
        elapsed = time.monotonic() - began
    finally:
        worker.stop()
        fake.heal()
        fake.stop()

    expected = _expected(cohort)
    remote = fake.events(CALENDAR_ID)
    everything = fake.events(CALENDAR_ID, include_deleted=True)
    wrong_fields = [
        event_id
        for event_id, event in expected.items()
        if remote[event_id]["summary"] != event.title
        or remote[event_id]["location"] != cohort.meeting_link
        or remote[event_id]["start"]["dateTime"]
        != event.starts_at.astimezone(cohort.tzinfo).isoformat()
        or remote[event_id]["end"]["dateTime"]
        != event.ends_at.astimezone(cohort.tzinfo).isoformat()
    ]
    ours = {e.google_event_id for e in Event.objects.filter(cohort=cohort)}
    calls = sum(fake.calls.values())
    figures = (
        f"\nfault test: {EVENTS} events, {len(changed)} changed, {len(cancelled)} cancelled, "
        f"{len(reactivated)} re-activated; worker killed at {killed_at:.1f}s and restarted\n"
        f"  Google calls {calls} ({dict(fake.calls)}), faults injected "
        f"{sum(fake.faults.values())} = {sum(fake.faults.values()) / calls:.0%} "
        f"({dict(fake.faults)})\n"
        f"  answers by status {dict(sorted(fake.responses.items()))}; tokens issued "
        f"{fake.tokens_issued}\n"
        f"  writes done at {writes_done:.1f}s, converged at {elapsed:.1f}s after "
        f"{reconcile_rounds} reconciliation rounds\n"
        f"  Google holds {len(remote)} live events (expected {len(expected)}), "
        f"{len(everything) - len(remote)} deleted, wrong fields {len(wrong_fields)}\n"
    )
    with capsys.disabled():  # the figures belong in the test output, also without -s
        print(figures)
    assert set(remote) == set(expected)
    assert len(remote) == EVENTS - len(cancelled) + len(reactivated)
    assert set(everything) <= ours  # nothing under an id we did not make: no duplicates
    assert wrong_fields == []
    assert fake.faults["hang"] > 0 and fake.faults["lost"] > 0
    assert settings.REDIS_URL
