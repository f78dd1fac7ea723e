"""Settings of the two integrations, Slack and Google Calendar, read from the environment.

cohort/settings/__init__.py gathers them (with the rest of the settings) into cohort.settings.
"""

import os

import environ

env = environ.Env()

# --- Integrations: Slack and Google Calendar, each on when its credentials are set ------------
# Both are shaped alike (cohort/integrations/base.py): a timeout per request, and a retry policy
# of <SERVICE>_RETRY_BASE_SECONDS doubling up to <SERVICE>_RETRY_MAX_SECONDS, jittered, for at
# most <SERVICE>_MAX_ATTEMPTS tries.


def env_seconds(name: str, default: float, *, former: str = "") -> float:
    """A duration in seconds; `former` is the name it had before the *_SECONDS convention."""
    if former and name not in os.environ and former in os.environ:
        return env.float(former)
    return env.float(name, default=default)


# Slack: bot token, signing secret, delivery tuning (log-only when no token)
SLACK_BOT_TOKEN = env("SLACK_BOT_TOKEN", default="")
SLACK_SIGNING_SECRET = env("SLACK_SIGNING_SECRET", default="")
SLACK_API_BASE_URL = env("SLACK_API_BASE_URL", default="https://slack.com/api/")
SLACK_TIMEOUT_SECONDS = env_seconds("SLACK_TIMEOUT_SECONDS", 10)
SLACK_MAX_ATTEMPTS = env.int("SLACK_MAX_ATTEMPTS", default=10)
SLACK_RETRY_BASE_SECONDS = env_seconds("SLACK_RETRY_BASE_SECONDS", 5)
SLACK_RETRY_MAX_SECONDS = env_seconds("SLACK_RETRY_MAX_SECONDS", 600)
SLACK_SECONDS_PER_CHANNEL = env_seconds("SLACK_SECONDS_PER_CHANNEL", 1)
# Lost work is found again within two minutes: a row whose task was lost is re-enqueued once it
# is SLACK_SWEEP_GRACE_SECONDS overdue (sweeps every SLACK_SWEEP_SECONDS), and a row caught in
# "sending" by a dead worker after SLACK_STALE_SENDING_SECONDS.
SLACK_SWEEP_SECONDS = env_seconds("SLACK_SWEEP_SECONDS", 15)
SLACK_SWEEP_GRACE_SECONDS = env_seconds("SLACK_SWEEP_GRACE_SECONDS", 30)
# A row left in "sending" longer than this was interrupted (worker killed mid-call): it is
# looked for in the channel before it is posted again. It must exceed the longest attempt
# (a lookup, opening the DM, a history check, the post: each at most the client timeout).
SLACK_STALE_SENDING_SECONDS = env_seconds(
    "SLACK_STALE_SENDING_SECONDS", 4 * SLACK_TIMEOUT_SECONDS + 20
)
SLACK_REMINDER_SECONDS = env_seconds("SLACK_REMINDER_SECONDS", 600)

# Google Calendar: the events sync (on when a service account is set; logs otherwise)
GOOGLE_SERVICE_ACCOUNT_FILE = env("GOOGLE_SERVICE_ACCOUNT_FILE", default="")
GOOGLE_SERVICE_ACCOUNT_JSON = env("GOOGLE_SERVICE_ACCOUNT_JSON", default="")
GOOGLE_CALENDAR_DELEGATED_USER = env("GOOGLE_CALENDAR_DELEGATED_USER", default="")
GOOGLE_CALENDAR_API_ENDPOINT = env(
    "GOOGLE_CALENDAR_API_ENDPOINT", default="https://www.googleapis.com/calendar/v3/"
)
GOOGLE_TOKEN_URI = env("GOOGLE_TOKEN_URI", default="https://oauth2.googleapis.com/token")
GOOGLE_CALENDAR_TIMEOUT_SECONDS = env_seconds(
    "GOOGLE_CALENDAR_TIMEOUT_SECONDS", 20, former="GOOGLE_CALENDAR_TIMEOUT"
)
# Tries in all, the first included (formerly GOOGLE_CALENDAR_MAX_RETRIES, which did not count it).
GOOGLE_CALENDAR_MAX_ATTEMPTS = env.int(
    "GOOGLE_CALENDAR_MAX_ATTEMPTS", default=env.int("GOOGLE_CALENDAR_MAX_RETRIES", default=8) + 1
)
GOOGLE_CALENDAR_RETRY_BASE_SECONDS = env_seconds(
    "GOOGLE_CALENDAR_RETRY_BASE_SECONDS", 5, former="GOOGLE_CALENDAR_RETRY_BASE"
)
GOOGLE_CALENDAR_RETRY_MAX_SECONDS = env_seconds(
    "GOOGLE_CALENDAR_RETRY_MAX_SECONDS", 600, former="GOOGLE_CALENDAR_RETRY_MAX"
)
GOOGLE_CALENDAR_RECONCILE_SECONDS = env_seconds("GOOGLE_CALENDAR_RECONCILE_SECONDS", 900)
# Reconciliation re-syncs events still waiting this long after a change (their task was lost).
GOOGLE_CALENDAR_RECONCILE_GRACE_SECONDS = env_seconds(
    "GOOGLE_CALENDAR_RECONCILE_GRACE_SECONDS", 600, former="GOOGLE_CALENDAR_RECONCILE_GRACE"
)
# A sync whose task was lost (worker killed, broker restarted) is sent again once it is this
# overdue; the sweep runs every GOOGLE_CALENDAR_SWEEP_SECONDS (reconciliation, which asks
# Google, stays the slow safety net).
GOOGLE_CALENDAR_SWEEP_SECONDS = env_seconds("GOOGLE_CALENDAR_SWEEP_SECONDS", 20)
GOOGLE_CALENDAR_SWEEP_GRACE_SECONDS = env_seconds("GOOGLE_CALENDAR_SWEEP_GRACE_SECONDS", 60)
