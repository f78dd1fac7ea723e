import pytest

from cohort.celery import app as celery_app
from tests.factories.events import EventFactory
from tests.fakes.google_calendar import FakeGoogleCalendar, service_account_json

CALENDAR_ID = "cohort-test@group.calendar.google.com"


@pytest.fixture(scope="session")
def _service_account_key():
    # Generating an RSA key takes a moment: one per test session is enough.
    return service_account_json(token_uri="http://127.0.0.1:9/unused")


@pytest.fixture
def fake_calendar():
    fake = FakeGoogleCalendar(hang_seconds=2.0).start()
    yield fake
    fake.stop()


@pytest.fixture
def google(settings, fake_calendar, cohort, _service_account_key):
    """The portal's real Google client, pointed at the fake over real HTTP.

    In-process tasks run their retries at once; they must not propagate the Retry a worker
    would schedule (the suite's conftest turns propagation back on for every test)."""
    celery_app.conf.task_eager_propagates = False
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = _service_account_key
    settings.GOOGLE_CALENDAR_API_ENDPOINT = fake_calendar.api_endpoint
    settings.GOOGLE_TOKEN_URI = fake_calendar.token_uri
    settings.GOOGLE_CALENDAR_TIMEOUT_SECONDS = 1.0
    settings.GOOGLE_CALENDAR_MAX_ATTEMPTS = 5
    settings.GOOGLE_CALENDAR_RETRY_BASE_SECONDS = 0.01
    cohort.google_calendar_id = CALENDAR_ID
    cohort.meeting_link = "https://meet.example.org/test-cohort"
    cohort.save()
    return fake_calendar


def _create(cohort, capture, **fields):
    with capture(execute=True):
        event = EventFactory(cohort=cohort, **fields)
    event.refresh_from_db()
    return event
