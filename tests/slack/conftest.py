import pytest

from tests.fakes.slack import TOKEN, FakeSlack

SIGNING_SECRET = "test-signing-secret"


@pytest.fixture
def fake_slack(settings):
    """The fake Slack on a free port, with the portal's client pointed at it."""
    fake = FakeSlack(hang_seconds=1.5).start()
    settings.SLACK_BOT_TOKEN = TOKEN
    settings.SLACK_API_BASE_URL = fake.base_url
    settings.SLACK_TIMEOUT_SECONDS = 0.5
    settings.SLACK_SECONDS_PER_CHANNEL = 0
    settings.SLACK_RETRY_BASE_SECONDS = 1
    settings.SLACK_RETRY_MAX_SECONDS = 8
    settings.SLACK_MAX_ATTEMPTS = 4
    yield fake
    fake.stop()


@pytest.fixture
def signing_secret(settings):
    settings.SLACK_SIGNING_SECRET = SIGNING_SECRET
    return SIGNING_SECRET


@pytest.fixture
def channels(cohort):
    cohort.slack_channel_announcements = "C_ANN"
    cohort.slack_channel_random = "C_RANDOM"
    cohort.slack_channel_questions = "C_MISSING_Q"
    cohort.save()
    return cohort
