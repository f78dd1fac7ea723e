"""Every integration has one shape: the same errors, one retry policy, stand-ins alike."""

import inspect

import pytest

from cohort import settings as portal_settings
from cohort.integrations import google_calendar, slack
from cohort.integrations.base import PermanentError, RetryPolicy, TransientError


def _methods(cls) -> set[str]:
    return {n for n, _ in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")}


@pytest.mark.parametrize(
    ("interface", "real", "stand_in"),
    [
        (slack.SlackAPI, slack.SlackClient, slack.LogOnlySlack),
        (
            google_calendar.CalendarAPI,
            google_calendar.GoogleCalendar,
            google_calendar.LogOnlyCalendar,
        ),
    ],
)
def test_real_client_and_log_only_stand_in_offer_the_same_interface(interface, real, stand_in):
    wanted = _methods(interface)

    assert len(wanted) >= 5
    assert (_methods(real) >= wanted, _methods(stand_in) >= wanted) == (True, True)
    assert (real.configured, stand_in.configured) == (True, False)


def test_stand_ins_are_used_until_credentials_are_set(settings):
    settings.SLACK_BOT_TOKEN = ""
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = settings.GOOGLE_SERVICE_ACCOUNT_FILE = ""

    assert (slack.configured(), google_calendar.configured()) == (False, False)
    assert (type(slack.get_slack()), type(google_calendar.get_calendar())) == (
        slack.LogOnlySlack,
        google_calendar.LogOnlyCalendar,
    )


def test_one_pair_of_errors_for_both_services():
    assert issubclass(google_calendar.EventAlreadyExists, PermanentError)
    assert slack.rate_limited(7).retry_after == 7
    assert isinstance(slack.rate_limited(7), TransientError)


def test_retry_policy_is_bounded_and_jittered():
    policy = RetryPolicy(base_seconds=5, max_seconds=60, max_attempts=4)

    delays = [[policy.delay(n) for _ in range(50)] for n in (1, 2, 3, 4, 5, 10)]

    ceilings = [5, 10, 20, 40, 60, 60]
    for waits, ceiling in zip(delays, ceilings, strict=True):
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
    assert len(set(delays[0])) > 1  # jittered, not a fixed schedule
    assert [policy.exhausted(n) for n in (1, 3, 4, 5)] == [False, False, True, True]


def test_both_services_read_their_policy_from_settings_named_alike(settings):
    settings.SLACK_RETRY_BASE_SECONDS, settings.SLACK_RETRY_MAX_SECONDS = 1, 8
    settings.SLACK_MAX_ATTEMPTS = 4
    settings.GOOGLE_CALENDAR_RETRY_BASE_SECONDS = 2
    settings.GOOGLE_CALENDAR_RETRY_MAX_SECONDS = 30
    settings.GOOGLE_CALENDAR_MAX_ATTEMPTS = 9

    assert RetryPolicy.for_service("SLACK") == RetryPolicy(1, 8, 4)
    assert RetryPolicy.for_service("GOOGLE_CALENDAR") == RetryPolicy(2, 30, 9)


def test_a_former_setting_name_is_still_read(monkeypatch):
    monkeypatch.delenv("GOOGLE_CALENDAR_TIMEOUT_SECONDS", raising=False)
    monkeypatch.setenv("GOOGLE_CALENDAR_TIMEOUT", "7.5")

    assert (
        portal_settings.env_seconds(
            "GOOGLE_CALENDAR_TIMEOUT_SECONDS", 20, former="GOOGLE_CALENDAR_TIMEOUT"
        )
        == 7.5
    )
    monkeypatch.setenv("GOOGLE_CALENDAR_TIMEOUT_SECONDS", "3")
    assert (
        portal_settings.env_seconds(
            "GOOGLE_CALENDAR_TIMEOUT_SECONDS", 20, former="GOOGLE_CALENDAR_TIMEOUT"
        )
        == 3
    )
