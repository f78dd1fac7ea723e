"""The production shape, together: gunicorn, one Celery worker and Celery beat as separate
processes (the commands docker-compose.yml runs), against PostgreSQL (a database of its own) and
a redis-server of its own on a free port, with the local fake Slack and fake Google Calendar
configured by environment. Everything the people do goes through HTTP.

Runs where DATABASE_URL is PostgreSQL (as in .ci/run); skipped otherwise. `-s` prints figures.
"""

import re
import shutil
import time
from datetime import timedelta

import psycopg2
import pytest
from django.utils import timezone

from compute.samples import make_pdf
from tests.production.installations import postgres_url
from tests.stack.harness import ANNOUNCE_CHANNEL, CALENDAR_ID, DIAGNOSE, Browser, _wait_for

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not postgres_url(), reason="needs PostgreSQL (DATABASE_URL), as in CI"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


def _announcements_in_slack(slack, title: str) -> list[dict]:
    return [m for m in slack.messages.get(ANNOUNCE_CHANNEL, []) if title in str(m)]


def _calendar_events(calendar, title: str) -> list[dict]:
    return [e for e in calendar.events(CALENDAR_ID).values() if e.get("summary") == title]


def _db_rows(installation, sql: str, params=()) -> list[tuple]:
    with psycopg2.connect(installation.database_url) as db, db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _publish_and_schedule(mentor: Browser, cohort_id: int, title: str) -> None:
    """The mentor writes an announcement and an event in the admin, through its forms."""
    yesterday = timezone.localdate() - timedelta(days=1)
    day = timezone.localdate() + timedelta(days=3)
    mentor.submit(
        "/admin/cohort/announcement/add/",
        {
            "cohort": str(cohort_id),
            "title": f"Announcement {title}",
            "body": f"Read all about **{title}**.",
            "channel": "announcements",
            "published_at_0": yesterday.isoformat(),
            "published_at_1": "09:00:00",
            "_save": "Save",
        },
    )
    mentor.submit(
        "/admin/events/event/add/",
        {
            "cohort": str(cohort_id),
            "title": f"Event {title}",
            "kind": "talk",
            "description": f"A talk about {title}.",
            "starts_at_0": day.isoformat(),
            "starts_at_1": "15:00:00",
            "ends_at_0": day.isoformat(),
            "ends_at_1": "16:00:00",
            "_save": "Save",
        },
    )


def test_stack_delivers_what_people_do_and_survives_a_killed_worker(stack):
    started = time.monotonic()
    base, slack, calendar = stack["base"], stack["slack"], stack["calendar"]
    installation, processes = stack["installation"], stack["processes"]
    (cohort_id,) = _db_rows(installation, "SELECT id FROM cohort_cohort WHERE slug = 'demo'")[0]
    DIAGNOSE[:] = [
        lambda: {
            "announcements": _db_rows(
                installation,
                "SELECT id, title, published_at FROM cohort_announcement ORDER BY id DESC LIMIT 3",
            ),
            "slack messages": _db_rows(
                installation,
                "SELECT id, kind, state, channel, attempts, last_error FROM cohort_slackmessage "
                "ORDER BY id DESC LIMIT 5",
            ),
            "events": _db_rows(
                installation,
                "SELECT id, title, sync_state, sync_error FROM events_event "
                "ORDER BY id DESC LIMIT 3",
            ),
            "slack channels": {k: len(v) for k, v in slack.messages.items()},
        }
    ]

    mentor = Browser(base)
    mentor.sign_in("mentor@demo.test")
    _publish_and_schedule(mentor, cohort_id, "Alpha")

    _wait_for(
        "the announcement in Slack",
        lambda: _announcements_in_slack(slack, "Announcement Alpha"),
        processes=processes,
    )
    _wait_for(
        "the event in Google Calendar",
        lambda: _calendar_events(calendar, "Event Alpha"),
        processes=processes,
    )

    participant = Browser(base)
    participant.sign_in("p01@demo.test")
    receipt = make_pdf(["Stack test invoice", "GPU hours 3 x 2.10 USD"])
    created = participant.submit(
        "/c/demo/compute/claims/new/",
        {
            "spent_on": timezone.localdate().isoformat(),
            "vendor": "Stack GPUs",
            "category": "gpu",
            "description": "Three GPU hours for the stack test",
            "amount": "6.30",
            "currency": "USD",
            "amount_usd": "6.30",
        },
        files={"receipts": ("invoice.pdf", receipt, "application/pdf")},
    )
    claim_path = created.headers["Location"].removeprefix(base)
    claim_id = int(re.search(r"/claims/(\d+)/", claim_path).group(1))
    participant.press(claim_path, f"/c/demo/compute/claims/{claim_id}/submit/")
    (receipt_id,) = _db_rows(
        installation, "SELECT id FROM compute_receipt WHERE claim_id = %s", [claim_id]
    )[0]
    served = participant.get(f"/c/demo/compute/receipts/{receipt_id}/")
    assert served.content == receipt
    assert _db_rows(installation, "SELECT state FROM compute_claim WHERE id = %s", [claim_id]) == [
        ("submitted",)
    ]

    def reminders_sent_twice_by_beat():
        return stack["beat"].log().count("cohort.tasks.task_send_reminders") >= 2

    _wait_for(
        "beat to send the reminder task twice", reminders_sent_twice_by_beat, processes=processes
    )
    reminded = {
        row[0]
        for row in _db_rows(
            installation,
            "SELECT u.email FROM cohort_remindersent r JOIN cohort_user u ON u.id = r.user_id "
            "WHERE r.key = 'goals_form:48h'",
        )
    }
    assert len(reminded) > 0

    def reminder_dms():
        return [
            m
            for channel, messages in slack.messages.items()
            if channel.startswith("D")
            for m in messages
            if "goals form is still open" in str(m)
        ]

    _wait_for("every goals reminder in Slack", lambda: len(reminder_dms()) >= len(reminded))

    # The worker dies; meanwhile the mentor goes on. Nothing may be lost, nothing doubled.
    stack["worker"].kill()
    _publish_and_schedule(mentor, cohort_id, "Beta")
    time.sleep(3)
    assert _announcements_in_slack(slack, "Announcement Beta") == []
    assert _calendar_events(calendar, "Event Beta") == []
    stack["worker"].start()

    _wait_for(
        "the announcement queued while the worker was down",
        lambda: _announcements_in_slack(slack, "Announcement Beta"),
        processes=processes,
    )
    _wait_for(
        "the event queued while the worker was down",
        lambda: _calendar_events(calendar, "Event Beta"),
        processes=processes,
    )
    time.sleep(5)  # a doubled delivery would show up by now (sweeps run every 2 seconds)

    assert {
        title: len(_announcements_in_slack(slack, title))
        for title in ("Announcement Alpha", "Announcement Beta")
    } == {"Announcement Alpha": 1, "Announcement Beta": 1}
    assert {
        title: len(_calendar_events(calendar, title)) for title in ("Event Alpha", "Event Beta")
    } == {"Event Alpha": 1, "Event Beta": 1}
    assert sorted(slack.posts_by_marker().values()) == [1] * len(slack.posts_by_marker())
    assert len(reminder_dms()) == len(reminded)
    assert _db_rows(
        installation,
        # An announcement's Slack state is that of its latest post in the outbox.
        "SELECT a.title, m.state FROM cohort_announcement a JOIN cohort_slackmessage m "
        "ON m.id = (SELECT max(id) FROM cohort_slackmessage "
        "WHERE announcement_id = a.id AND kind = 'post') "
        "WHERE a.title LIKE 'Announcement %%' ORDER BY a.title",
    ) == [("Announcement Alpha", "sent"), ("Announcement Beta", "sent")]
    assert _db_rows(
        installation,
        "SELECT title, sync_state FROM events_event WHERE title LIKE 'Event %%' ORDER BY title",
    ) == [("Event Alpha", "synced"), ("Event Beta", "synced")]
    print(
        f"\nstack: {len(reminded)} goals reminders, {len(slack.posted())} Slack posts, "
        f"worker started {stack['worker'].starts} times, {time.monotonic() - started:.0f}s"
    )
